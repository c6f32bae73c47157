/* Disconnect, suspend, resume at any station, end and end all, hardware
 * loss and the limits: a session leaves its station and lives on, comes
 * back anywhere with its programs, or ends without a trace. */
#include <dirent.h>
#include <linux/input-event-codes.h>
#include <sys/stat.h>
#include "lifecycle.h"

static bool path_exists(const char *path) {
	struct stat st;
	return stat(path, &st) == 0;
}

static void test_disconnect_shows_the_greeter_in_the_same_frame(
		void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	assert_true(harness_action(h, "disconnect", "1"));
	expect_no_session_pixel(h, "station", "a");
	assert_state_str(h, "stations/a/state", "login");
	assert_state_null(h, "stations/a/session");
	assert_state_str(h, "sessions/1/state", "parked");
	assert_state_null(h, "sessions/1/station");
	assert_state_str(h, "sessions/1/parked/reason", "disconnected by its user");
	assert_state_long(h, "sessions/1/views", 1);
	assert_int_equal(kill(pid, 0), 0); // its programs run on
}

static void test_parked_session_gets_no_frame_callbacks(void **state) {
	struct mp_harness *h = start_three(state, "--animate --misbehave", NULL,
		NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	assert_true(log_has(h, "session", "frame 3"));
	assert_true(harness_action(h, "disconnect", "1"));
	client_round_trip(h, "session", pid);
	size_t mark = log_mark(h, "session");
	// Absence over a time window cannot be awaited: 20 frames' time at
	// 60 Hz, then a round trip so that all that was sent has come.
	struct timespec ts = { 0, 330 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	client_round_trip(h, "session", pid);
	assert_true(log_since_lacks(h, "session", mark, "frame "));
	// Shown again, it animates again.
	sign_in(h, "kb-b");
	assert_true(harness_wait(h, "session-state 1 attached"));
	assert_true(log_since_wait(h, "session", mark, "frame "));
}

static void test_resume_at_a_station_of_another_size(void **state) {
	// Disconnected at a (640x720), resumed at c (1280x720): the same
	// client, its window and output resized, the keyboard back to it.
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	assert_true(log_has(h, "session", "drawn 640 720"));
	assert_true(harness_action(h, "disconnect", harness_user()));
	size_t mark = log_mark(h, "session");
	signed_in_at(h, "kb-c", "c");
	assert_state_long(h, "sessions_started", 1);
	assert_state_str(h, "sessions/1/state", "attached");
	assert_state_str(h, "sessions/1/station", "c");
	assert_state_null(h, "sessions/1/parked");
	assert_int_equal(kill(pid, 0), 0);
	assert_true(log_since_wait(h, "session", mark, "drawn 1280 720"));
	assert_true(log_since_wait(h, "session", mark, "output-mode 1280 720"));
	assert_true(log_since_wait(h, "session", mark, "input keyboard-enter"));
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "c");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, GREEN, 1280 * 720,
		"its window on the whole new station"));
	harness_shot_free(shot);
	assert_true(harness_type(h, "kb-c", "k"));
	assert_true(log_since_wait(h, "session", mark, "input key-press k"));
}

static void test_resumed_session_keeps_its_clipboard(void **state) {
	struct mp_harness *h = start_three(state, "--set-selection hello",
		NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(log_has(h, "session", "selection-set"));
	assert_true(harness_action(h, "suspend", "1"));
	size_t mark = log_mark(h, "session");
	signed_in_at(h, "kb-c", "c");
	// Focused again, the client is offered its session's selection.
	assert_true(log_since_wait(h, "session", mark, "input keyboard-enter"));
	assert_true(log_since_wait(h, "session", mark,
		"selection text/plain;charset=utf-8"));
}

static void test_suspend_parks_the_session(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_action(h, "suspend", "1"));
	assert_state_str(h, "sessions/1/state", "parked");
	assert_state_str(h, "sessions/1/parked/reason", "suspended by an admin");
	assert_state_str(h, "stations/a/state", "login");
	char *reason = harness_action_refused(h, "suspend", "1");
	assert_non_null(reason);
	assert_non_null(strstr(reason, "parked already"));
	free(reason);
	reason = harness_action_refused(h, "suspend", "99");
	assert_non_null(reason);
	free(reason);
	// 2^32 + 1 is no session id (it once wrapped around to session 1).
	reason = harness_action_refused(h, "end", "4294967297");
	assert_non_null(reason);
	free(reason);
	assert_state_str(h, "sessions/1/state", "parked");
}

static void test_signing_in_at_b_moves_a_locked_session(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_action(h, "lock", "a"));
	signed_in_at(h, "kb-b", "b");
	assert_state_str(h, "sessions/1/state", "attached");
	assert_state_str(h, "sessions/1/station", "b");
	assert_state_str(h, "stations/a/state", "login");
	assert_state_count(h, "stations/a/overlays", 1);
	assert_state_str(h, "stations/a/overlays/greeter/type", "greeter");
}

/* Session 1's directory, from its socket's path. */
static char *session_dir(struct mp_harness *h) {
	char *socket = harness_state_str(h, "sessions/1/socket");
	assert_non_null(socket);
	*strrchr(socket, '/') = '\0';
	return socket;
}

/* Ends session 1 and checks that nothing of it is left. */
static void end_and_check_gone(struct mp_harness *h, pid_t pid) {
	char *dir = session_dir(h);
	assert_true(path_exists(dir));
	assert_true(harness_action(h, "end", "1"));
	assert_true(harness_wait(h, "session-state 1 gone"));
	assert_true(harness_wait_pid_gone(pid, 10));
	assert_false(path_exists(dir));
	assert_state_count(h, "sessions", 0);
	free(dir);
}

static void test_end_attached_session(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	end_and_check_gone(h, client_pid(h, "session"));
	assert_state_str(h, "stations/a/state", "login");
}

static void test_end_locked_session(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_action(h, "lock", "a"));
	end_and_check_gone(h, client_pid(h, "session"));
	assert_state_str(h, "stations/a/state", "login");
	assert_state_count(h, "stations/a/overlays", 1);
}

static void test_end_parked_session(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_action(h, "disconnect", "1"));
	end_and_check_gone(h, client_pid(h, "session"));
}

static void test_end_logging_off_session(void **state) {
	struct mp_harness *h = start_three(state, "--ignore-close",
		"logoff-grace = 30\n", NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_action(h, "logoff", "1"));
	assert_true(harness_wait(h, "session-state 1 logging-off"));
	end_and_check_gone(h, client_pid(h, "session"));
}

static void test_end_starting_session(void **state) {
	// PAM takes 2 s to open the session: it is ended while starting.
	struct mp_harness *h = start_stations(state,
		"auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"session required %PAM_MPTEST% open_delay=2000\n", NULL, NULL, NULL,
		false);
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "session-state 1 starting"));
	assert_true(harness_action(h, "end", "1"));
	assert_true(harness_wait(h, "session-state 1 gone"));
	assert_true(harness_wait(h, "station a login"));
	assert_state_count(h, "sessions", 0);
}

static void test_end_all_ends_every_state(void **state) {
	// A parked session and the stations: end-all leaves no session and
	// every desktop station at its greeter.
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	assert_true(harness_action(h, "disconnect", "1"));
	assert_true(harness_action(h, "end-all", NULL));
	assert_true(harness_wait(h, "sessions 0"));
	assert_true(harness_wait_pid_gone(pid, 10));
	assert_state_str(h, "stations/a/state", "login");
	char *reason = harness_action_refused(h, "end", "1");
	assert_non_null(reason);
	free(reason);
}

static void test_unplugged_output_parks_and_replug_locks(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-c", "c");
	pid_t pid = client_pid(h, "session");
	assert_true(harness_remove_output(h, "HEADLESS-2"));
	assert_state_str(h, "stations/c/state", "offline");
	assert_state_str(h, "sessions/1/state", "parked");
	assert_state_str(h, "sessions/1/parked/home", "c");
	assert_state_str(h, "sessions/1/parked/reason",
		"the hardware of station c went away");
	char *name = harness_add_output(h, 1280, 720, "HEADLESS-2");
	assert_non_null(name);
	free(name);
	assert_true(harness_wait(h, "station c locked"));
	assert_state_str(h, "sessions/1/state", "locked");
	assert_state_str(h, "sessions/1/station", "c");
	expect_no_session_pixel(h, "station", "c");
	assert_int_equal(kill(pid, 0), 0);
	// Its user types the password: nothing was lost.
	assert_true(harness_type(h, "kb-c", "secret"));
	assert_true(harness_key(h, "kb-c", "Return"));
	assert_true(harness_wait(h, "station c active"));
	assert_true(harness_wait(h, "views c 1"));
}

static void test_unplugged_keyboard_parks_and_replug_locks(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_action(h, "lock", "a"));
	assert_true(harness_remove_device(h, "kb-a"));
	assert_state_str(h, "stations/a/state", "offline");
	assert_state_str(h, "sessions/1/state", "parked");
	assert_true(harness_request_add_keyboard(h, "kb-a2", "usb-a:1.2", NULL));
	assert_true(harness_wait(h, "station a locked"));
	assert_state_str(h, "sessions/1/state", "locked");
	assert_true(harness_wait(h, "idle"));
	expect_no_session_pixel(h, "station", "a");
}

static void test_greeter_station_goes_offline_and_back(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_type(h, "kb-b", "someone"));
	assert_true(harness_remove_device(h, "kb-b"));
	assert_state_str(h, "stations/b/state", "offline");
	assert_true(harness_request_add_keyboard(h, "kb-b2", "usb-b:1.2", NULL));
	assert_state_str(h, "stations/b/state", "login");
	assert_state_count(h, "sessions", 0);
}

static void test_after_the_reattach_window_it_resumes_anywhere(
		void **state) {
	struct mp_harness *h = start_three(state, NULL, "reattach-window = 0\n",
		NULL);
	signed_in_at(h, "kb-c", "c");
	assert_true(harness_remove_output(h, "HEADLESS-2"));
	assert_state_str(h, "sessions/1/state", "parked");
	assert_state_null(h, "sessions/1/parked/home");
	char *name = harness_add_output(h, 1280, 720, "HEADLESS-2");
	free(name);
	assert_true(harness_wait(h, "station c login"));
	assert_state_str(h, "sessions/1/state", "parked");
	signed_in_at(h, "kb-a", "a");
	assert_state_str(h, "sessions/1/station", "a");
	assert_state_str(h, "sessions/1/state", "attached");
}

static void test_reattach_window_runs_out(void **state) {
	struct mp_harness *h = start_three(state, NULL,
		"reattach-window = 0.2\n", NULL);
	signed_in_at(h, "kb-c", "c");
	assert_true(harness_remove_output(h, "HEADLESS-2"));
	assert_state_str(h, "sessions/1/parked/home", "c");
	assert_true(harness_wait(h, "session-home 1 none"));
	char *name = harness_add_output(h, 1280, 720, "HEADLESS-2");
	free(name);
	assert_true(harness_wait(h, "station c login"));
	assert_state_str(h, "sessions/1/state", "parked");
}

static void test_disconnected_limit_ends_a_parked_session(void **state) {
	struct mp_harness *h = start_three(state, NULL,
		"disconnected-limit = 0.5\n", NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	assert_true(harness_action(h, "disconnect", "1"));
	assert_true(harness_wait(h, "session-state 1 gone"));
	assert_true(harness_wait_pid_gone(pid, 10));
}

static void test_max_sessions_refuses_one_more(void **state) {
	// A kiosk holds the one session allowed: a sign-in at the desktop
	// station is refused with a message on its greeter.
	char *kiosk = client_cmd("0000ff", "kiosk", NULL);
	char *cmd = client_cmd("00ff00", "session", NULL);
	char *config = harness_format("[compositor]\nsession-command = %s\n"
		"max-sessions = 1\n"
		"[station k]\noutputs = HEADLESS-1\nrole = kiosk\n"
		"autologin = %%USER%%\ncommand = %s\n"
		"[station a]\noutputs = HEADLESS-2\ndevices = usb-a\n", cmd, kiosk);
	struct mp_harness *h = start(state, "2:640x480", config);
	free(kiosk);
	free(cmd);
	free(config);
	assert_true(harness_wait(h, "views k 1"));
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-a:1", NULL));
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "greeter a error"));
	assert_state_str(h, "stations/a/overlays/greeter/error",
		"No more sessions can start here (at most 1); ask an admin");
	assert_state_count(h, "sessions", 1);
}

/* The compositor's resident memory, in KiB, once everything it had to
 * draw is on screen (a buffer replaced in the last frame is freed only
 * when the next one is shown). */
static long rss_kib(struct mp_harness *h) {
	assert_true(harness_wait(h, "idle"));
	char *path = harness_format("/proc/%d/status", (int)h->pid);
	char *status = harness_read_file(path);
	free(path);
	assert_non_null(status);
	const char *line = strstr(status, "VmRSS:");
	long kib = line ? strtol(line + 6, NULL, 10) : 0;
	free(status);
	assert_true(kib > 0);
	return kib;
}

static void test_suspend_resume_cycles_do_not_grow(void **state) {
	// 200 cycles of suspend and resume (at the other station): the
	// compositor's memory after the last 150 is what it was after the
	// first 50 (ASan keeps no freed memory in quarantine here, so that
	// its resident size shows what is really held).
	static const char *const env[] = {
		"ASAN_OPTIONS=quarantine_size_mb=0", NULL,
	};
	struct mp_harness *h = start_three(state, NULL, NULL, env);
	signed_in_at(h, "kb-a", "a");
	const char *kbs[] = { "kb-b", "kb-a" };
	const char *stations[] = { "b", "a" };
	long base = 0;
	for (int i = 0; i < 200; i++) {
		if (i == 50) {
			base = rss_kib(h);
		}
		assert_true(harness_action(h, "suspend", "1"));
		sign_in(h, kbs[i % 2]);
		char *cond = harness_format("views %s 1", stations[i % 2]);
		assert_true(harness_wait(h, cond));
		free(cond);
	}
	assert_state_long(h, "sessions_started", 1);
	assert_state_str(h, "sessions/1/state", "attached");
	long grown = rss_kib(h) - base;
	fprintf(stderr, "memory after 50 cycles: %ld KiB, grown by %ld KiB in "
		"150 more\n", base, grown);
	assert_true(grown < 1024);
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			test_disconnect_shows_the_greeter_in_the_same_frame, teardown),
		cmocka_unit_test_teardown(
			test_parked_session_gets_no_frame_callbacks, teardown),
		cmocka_unit_test_teardown(test_resume_at_a_station_of_another_size,
			teardown),
		cmocka_unit_test_teardown(test_resumed_session_keeps_its_clipboard,
			teardown),
		cmocka_unit_test_teardown(test_suspend_parks_the_session, teardown),
		cmocka_unit_test_teardown(
			test_signing_in_at_b_moves_a_locked_session, teardown),
		cmocka_unit_test_teardown(test_end_attached_session, teardown),
		cmocka_unit_test_teardown(test_end_locked_session, teardown),
		cmocka_unit_test_teardown(test_end_parked_session, teardown),
		cmocka_unit_test_teardown(test_end_logging_off_session, teardown),
		cmocka_unit_test_teardown(test_end_starting_session, teardown),
		cmocka_unit_test_teardown(test_end_all_ends_every_state, teardown),
		cmocka_unit_test_teardown(
			test_unplugged_output_parks_and_replug_locks, teardown),
		cmocka_unit_test_teardown(
			test_unplugged_keyboard_parks_and_replug_locks, teardown),
		cmocka_unit_test_teardown(
			test_greeter_station_goes_offline_and_back, teardown),
		cmocka_unit_test_teardown(
			test_after_the_reattach_window_it_resumes_anywhere, teardown),
		cmocka_unit_test_teardown(test_reattach_window_runs_out, teardown),
		cmocka_unit_test_teardown(
			test_disconnected_limit_ends_a_parked_session, teardown),
		cmocka_unit_test_teardown(test_max_sessions_refuses_one_more,
			teardown),
		cmocka_unit_test_teardown(test_suspend_resume_cycles_do_not_grow,
			teardown),
	};
	return RUN_TESTS(tests);
}
