/* A user's day, a hundred times over, on one compositor: devices come
 * and go, users sign in, lock and unlock, move, disconnect and resume,
 * lose their monitor, get it back locked, unlock and log off; an admin
 * watches it all with mpmgr, sends a message, blocks and unblocks a
 * station with the session behind, renames a station and ends the session
 * with a warning every tenth day. Run in a build without sanitizers (tools/run-tests), where a use
 * of freed memory inside a library shows as a crash: the loop that once
 * crashed 5 runs of 9 at the next sign-in after a log off. */
#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <sys/wait.h>
#include "common.h"

#define expect_mpmgr(h, ...) \
	assert_int_equal(harness_mpmgr(h, NULL, NULL, __VA_ARGS__, NULL), 0)

/* mpmgr watch for the whole run, its output to a file. */
static pid_t start_watch(struct mp_harness *h) {
	char *socket = harness_admin_socket(h);
	char *out = harness_path(h, "watch.log");
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, STDOUT_FILENO);
		execl(harness_mpmgr_path(), harness_mpmgr_path(), "--socket", socket,
			"watch", "--json", (char *)NULL);
		_exit(127);
	}
	free(socket);
	free(out);
	return pid;
}

static int cycles(void) {
	const char *env = getenv("MP_STRESS_CYCLES");
	return env ? atoi(env) : 100;
}

static void test_a_hundred_days(void **state) {
	char *cmd = client_cmd("00ff00", "session", "--popups 1");
	char *config = harness_format("[compositor]\nsession-command = %s\n"
		"logoff-grace = 0\n"
		"[station a]\noutputs = HEADLESS-1\nsplit = left\ndevices = usb-a\n"
		"[station b]\noutputs = HEADLESS-1\nsplit = right\ndevices = usb-b\n"
		"[station c]\noutputs = HEADLESS-2\ndevices = usb-c\n", cmd);
	struct mp_harness *h = start(state, "2:1280x720,800x600", config);
	free(cmd);
	free(config);
	assert_true(harness_request_add_keyboard(h, "kb-b", "usb-b:1.0", NULL));
	assert_true(harness_request_add_keyboard(h, "kb-c", "usb-c:1.0", NULL));
	pid_t watch = start_watch(h);
	int n = cycles();
	for (int i = 1; i <= n; i++) {
		// A keyboard and a mouse are plugged in at a; the user signs in.
		char *kb = harness_format("kb-a%d", i);
		char *mouse = harness_format("mouse-a%d", i);
		char *path = harness_format("usb-a:%d.0", i);
		char *mpath = harness_format("usb-a:%d.1", i);
		assert_true(harness_request_add_keyboard(h, kb, path, NULL));
		assert_true(harness_request_add_pointer(h, mouse, mpath, NULL));
		sign_in(h, kb);
		assert_true(harness_wait(h, "views a 1"));
		assert_true(harness_move(h, mouse, 5, 5));
		assert_true(harness_click(h, mouse, BTN_LEFT));
		// An admin's message over the session, closed by its user.
		expect_mpmgr(h, "message", "a", "Saving in 5 minutes");
		assert_true(harness_key(h, kb, "Escape"));
		assert_true(harness_wait(h, "no-overlay a banner"));
		// Locks from the session menu, unlocks with the password.
		assert_true(harness_key(h, kb, "ctrl+alt+Delete"));
		assert_true(harness_key(h, kb, "Return"));
		assert_true(harness_wait(h, "station a locked"));
		assert_true(harness_type(h, kb, "secret"));
		assert_true(harness_key(h, kb, "Return"));
		assert_true(harness_wait(h, "station a active"));
		// Moves to b and disconnects there, resumes at c, whose monitor
		// goes and comes back: the session comes back locked.
		sign_in(h, "kb-b");
		assert_true(harness_wait(h, "views b 1"));
		assert_true(harness_key(h, "kb-b", "ctrl+alt+Delete"));
		assert_true(harness_key(h, "kb-b", "Down"));
		assert_true(harness_key(h, "kb-b", "Return"));
		assert_true(harness_wait(h, "station b login"));
		sign_in(h, "kb-c");
		assert_true(harness_wait(h, "views c 1"));
		assert_true(harness_remove_output(h, "HEADLESS-2"));
		assert_true(harness_wait(h, "station c offline"));
		char *name = harness_add_output(h, 800, 600, "HEADLESS-2");
		assert_non_null(name);
		free(name);
		assert_true(harness_wait(h, "station c locked"));
		assert_true(harness_type(h, "kb-c", "secret"));
		assert_true(harness_key(h, "kb-c", "Return"));
		assert_true(harness_wait(h, "views c 1"));
		// Blocked with the session behind, renamed, unblocked.
		expect_mpmgr(h, "block", "c", "--message", "Exam");
		expect_mpmgr(h, "rename", "c", "exam-room");
		expect_mpmgr(h, "identify");
		expect_mpmgr(h, "identify", "--off");
		expect_mpmgr(h, "rename", "exam-room", "c");
		expect_mpmgr(h, "unblock", "c");
		assert_true(harness_wait(h, "station c active"));
		// Back to a, log off there, then the devices go.
		sign_in(h, kb);
		assert_true(harness_wait(h, "views a 1"));
		if (i % 10 == 0) {
			expect_mpmgr(h, "end", "--station", "a", "--warn", "1");
		} else {
			assert_true(harness_key(h, kb, "ctrl+alt+shift+q"));
		}
		assert_true(harness_wait(h, "sessions 0"));
		assert_true(harness_remove_device(h, kb));
		assert_true(harness_remove_device(h, mouse));
		free(kb);
		free(mouse);
		free(path);
		free(mpath);
	}
	assert_state_long(h, "sessions_started", n);
	// The watcher followed it all, and stops on SIGINT.
	assert_int_equal(kill(watch, SIGINT), 0);
	int status;
	assert_int_equal(waitpid(watch, &status, 0), watch);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_a_hundred_days, teardown),
	};
	return RUN_TESTS(tests);
}
