/* A user's day, a hundred times over, on one compositor: devices come
 * and go, users sign in, lock and unlock, move, disconnect and resume,
 * lose their monitor, get it back locked, unlock and log off. Run in a build without sanitizers (tools/run-tests), where a use
 * of freed memory inside a library shows as a crash: the loop that once
 * crashed 5 runs of 9 at the next sign-in after a log off. */
#include <linux/input-event-codes.h>
#include "common.h"

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
		// Back to a, log off there, then the devices go.
		sign_in(h, kb);
		assert_true(harness_wait(h, "views a 1"));
		assert_true(harness_key(h, kb, "ctrl+alt+shift+q"));
		assert_true(harness_wait(h, "sessions 0"));
		assert_true(harness_remove_device(h, kb));
		assert_true(harness_remove_device(h, mouse));
		free(kb);
		free(mouse);
		free(path);
		free(mpath);
	}
	assert_state_long(h, "sessions_started", n);
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_a_hundred_days, teardown),
	};
	return RUN_TESTS(tests);
}
