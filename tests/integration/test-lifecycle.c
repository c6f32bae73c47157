/* A session's life between stations: it opens (or cannot), moves, logs
 * off, and the station goes on working after each. */
#include <linux/input-event-codes.h>
#include <signal.h>
#include "lifecycle.h"

/* Two desktop stations on the halves of one output and one on a second
 * output, with keyboards kb-a, kb-b and kb-c; sessions run mp-client (green) logging to session.log with
 * extra options. */
static struct mp_harness *start_desktops(void **state, const char *pam,
		const char *client_extra, const char *compositor_extra) {
	return start_stations(state, pam, client_extra, compositor_extra, NULL,
		false);
}

/* Session 1 at station a whose window ignores the request to close: its
 * log off is started and takes the whole grace period (2 s). */
static struct mp_harness *start_slow_logoff(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, "--ignore-close",
		"logoff-grace = 2\n");
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "views a 1"));
	assert_true(harness_key(h, "kb-a", "ctrl+alt+shift+q"));
	assert_true(harness_wait(h, "session-state 1 logging-off"));
	return h;
}

static void test_session_pam_cannot_open_signs_nobody_in(void **state) {
	// PAM lets the user in, then refuses to open the session: the
	// station shows PAM's reason on its greeter and nothing is signed in.
	struct mp_harness *h = start_desktops(state,
		"auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"session required pam_deny.so\n", NULL, NULL);
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "greeter a error"));
	assert_true(harness_wait(h, "sessions 0"));
	assert_state_str(h, "stations/a/overlays/greeter/error",
		"Cannot make/remove an entry for the specified session");
	assert_state_str(h, "stations/a/state", "login");
	assert_state_null(h, "stations/a/session");
	assert_state_null(h, "stations/a/signin");
	assert_state_long(h, "sessions_started", 1);
}

static void test_session_module_question_is_answered(void **state) {
	// A PAM session module asks something while the session opens
	// (nobody to ask any more): it gets an empty answer and the session
	// starts, where the sign-in once hung for good.
	struct mp_harness *h = start_desktops(state,
		"auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"session required %PAM_MPTEST% session_prompt=1\n", NULL, NULL);
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "views a 1"));
	assert_state_str(h, "sessions/1/state", "attached");
	assert_state_str(h, "sessions/1/helper/phase", "running");
}

static void test_session_that_cannot_open_in_time_fails(void **state) {
	// Opening the PAM session hangs: after signin-timeout the sign-in
	// fails, the station says so and nothing is signed in.
	struct mp_harness *h = start_desktops(state,
		"auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"session required %PAM_MPTEST% open_delay=20000\n", NULL,
		"signin-timeout = 1\n");
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "greeter a error"));
	assert_true(harness_wait(h, "sessions 0"));
	assert_state_str(h, "stations/a/overlays/greeter/error",
		"Sign-in timed out");
	assert_state_str(h, "stations/a/state", "login");
}

static void test_station_works_after_pam_refused_a_session(void **state) {
	struct mp_harness *h = start_desktops(state,
		"auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"session required pam_deny.so\n", NULL, NULL);
	for (int i = 0; i < 3; i++) {
		sign_in(h, "kb-a");
		assert_true(harness_wait(h, "greeter a error"));
		assert_true(harness_wait(h, "sessions 0"));
		assert_true(harness_key(h, "kb-a", "Escape"));
	}
	assert_state_long(h, "sessions_started", 3);
	assert_state_str(h, "stations/a/state", "login");
}

static void test_signin_during_logoff_starts_a_new_session_after_it(
		void **state) {
	// During the log off's grace period the same user signs in at b.
	struct mp_harness *h = start_slow_logoff(state);
	long first_pid = state_long(h, "sessions/1/pid");
	sign_in(h, "kb-b");
	assert_true(harness_wait(h, "greeter b waiting"));
	// Never moved: it ends where it is, then b gets a new session.
	assert_state_str(h, "sessions/1/station", "a");
	assert_state_str(h, "stations/b/state", "login");
	assert_true(harness_wait(h, "session-state 1 gone"));
	assert_true(harness_wait(h, "session b any"));
	assert_true(harness_wait(h, "views b 1"));
	assert_state_long(h, "stations/b/session", 2);
	assert_state_str(h, "sessions/2/station", "b");
	assert_true(state_long(h, "sessions/2/pid") != first_pid);
	assert_state_str(h, "stations/a/state", "login");
	assert_state_count(h, "sessions", 1);
}

static void test_latest_of_two_waiting_signins_wins(void **state) {
	// Both b and c wait for the session logging off at a: one user, one
	// session. The later sign-in (c) gets it; b says where it went.
	struct mp_harness *h = start_slow_logoff(state);
	sign_in(h, "kb-b");
	assert_true(harness_wait(h, "greeter b waiting"));
	sign_in(h, "kb-c");
	assert_true(harness_wait(h, "greeter c waiting"));
	assert_true(harness_wait(h, "greeter b error"));
	assert_state_null(h, "stations/b/signin");
	assert_true(harness_wait(h, "session-state 1 gone"));
	assert_true(harness_wait(h, "views c 1"));
	assert_state_count(h, "sessions", 1);
	assert_state_str(h, "sessions/2/station", "c");
	assert_state_null(h, "stations/b/session");
	char *error = harness_format("%s signed in at station c",
		harness_user());
	assert_state_str(h, "stations/b/overlays/greeter/error", error);
	free(error);
}

static void test_cancelled_wait_starts_nothing(void **state) {
	struct mp_harness *h = start_slow_logoff(state);
	sign_in(h, "kb-b");
	assert_true(harness_wait(h, "greeter b waiting"));
	assert_true(harness_key(h, "kb-b", "Escape"));
	assert_true(harness_wait(h, "greeter b ready"));
	assert_true(harness_wait(h, "sessions 0"));
	assert_true(harness_wait(h, "greeter b ready"));
	assert_state_null(h, "stations/b/session");
	assert_state_long(h, "sessions_started", 1);
}

static void test_logoff_ends_when_the_client_closes_its_window(
		void **state) {
	// The client answers close by destroying its window and stays
	// connected: the log off ends then, not at the end of its grace, and
	// the compositor (which once ended the session inside that client's
	// own request, and aborted) carries on.
	struct mp_harness *h = start_desktops(state, NULL, "--stay-connected",
		"logoff-grace = 60\n");
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "views a 1"));
	assert_true(harness_key(h, "kb-a", "ctrl+alt+shift+q"));
	assert_true(log_has(h, "session", "windows closed, staying connected"));
	assert_true(harness_wait(h, "sessions 0"));
	assert_true(harness_wait(h, "greeter a ready"));
	assert_true(log_has(h, "session", "exit"));
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "views a 1"));
}

static void test_logoff_key_release_never_reaches_the_client(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, "--ignore-close",
		"logoff-grace = 1\n");
	sign_in(h, "kb-a");
	assert_true(log_has(h, "session", "keyboard-enter"));
	assert_true(harness_key(h, "kb-a", "ctrl+alt+shift+q"));
	assert_true(log_has(h, "session", "close"));
	assert_true(harness_wait(h, "sessions 0"));
	assert_true(log_lacks(h, "session", "key q"));
	assert_true(log_lacks(h, "session", "key Q"));
	assert_true(log_lacks(h, "session", "release q"));
	assert_true(log_lacks(h, "session", "release Q"));
}

static void test_typed_key_press_and_release_reach_the_client(void **state) {
	// A release whose press reached the client reaches it too.
	struct mp_harness *h = start_desktops(state, NULL, "--ignore-close",
		"logoff-grace = 5\n");
	sign_in(h, "kb-a");
	assert_true(log_has(h, "session", "keyboard-enter"));
	assert_true(harness_type(h, "kb-a", "z"));
	assert_true(log_has(h, "session", "key z z"));
	assert_true(log_has(h, "session", "release z"));
}

static void test_keyboard_removed_after_logoff(void **state) {
	// The seat of the ended session held the keyboard: removing it, then
	// signing in again, must find nothing of that seat (a plain build
	// crashed here; valgrind saw the write into freed memory, inside
	// libwayland, where ASan does not look: this test proves it in the
	// valgrind lane).
	struct mp_harness *h = start_desktops(state, NULL, NULL,
		"logoff-grace = 0\n");
	sign_in(h, "kb-a");
	assert_true(log_has(h, "session", "keyboard-enter"));
	assert_true(harness_key(h, "kb-a", "ctrl+alt+shift+q"));
	assert_true(harness_wait(h, "sessions 0"));
	assert_true(harness_remove_device(h, "kb-a"));
	assert_true(harness_request_add_keyboard(h, "kb-a2", "usb-a:2.0", NULL));
	sign_in(h, "kb-a2");
	assert_true(harness_wait(h, "views a 1"));
	assert_true(harness_type(h, "kb-a2", "k"));
	assert_true(log_has(h, "session", "key k k"));
}

static void test_signin_logoff_cycles(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL,
		"logoff-grace = 0\n");
	for (int i = 1; i <= 10; i++) {
		char *kb = harness_format("kb-%d", i);
		char *path = harness_format("usb-a:%d.0", i + 10);
		assert_true(harness_request_add_keyboard(h, kb, path, NULL));
		sign_in(h, kb);
		assert_true(harness_wait(h, "views a 1"));
		assert_true(harness_key(h, kb, "ctrl+alt+shift+q"));
		assert_true(harness_wait(h, "sessions 0"));
		assert_true(harness_remove_device(h, kb));
		free(kb);
		free(path);
	}
	assert_state_long(h, "sessions_started", 10);
}

static void test_move_between_offline_stations_is_seen(void **state) {
	// Every monitor is unplugged (no frame to tell anything); the user
	// signs in at b: the session moves from a to b, both offline, and
	// waits for it are answered (nothing said that b had it now).
	struct mp_harness *h = start_desktops(state, NULL, NULL, NULL);
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "views a 1"));
	assert_true(harness_remove_output(h, "HEADLESS-1"));
	assert_true(harness_remove_output(h, "HEADLESS-2"));
	assert_state_str(h, "stations/b/state", "offline");
	struct mp_test_result_v1 *shown = harness_wait_begin(h, "session b any");
	struct mp_test_result_v1 *left = harness_wait_begin(h, "session a none");
	sign_in(h, "kb-b");
	assert_true(harness_wait_end(h, shown, "session b any"));
	assert_true(harness_wait_end(h, left, "session a none"));
	assert_state_str(h, "sessions/1/station", "b");
}

static void test_moved_session_keeps_its_keyboard(void **state) {
	// Its clients keep their wl_keyboard: only the focus leaves and comes
	// back, and typing at the new station reaches them.
	struct mp_harness *h = start_desktops(state, NULL, NULL, NULL);
	sign_in(h, "kb-a");
	assert_true(log_has(h, "session", "keyboard-enter"));
	sign_in(h, "kb-b");
	assert_true(harness_wait(h, "session b any"));
	assert_true(harness_type(h, "kb-b", "x"));
	assert_true(log_has(h, "session", "key x x"));
	assert_true(log_lacks(h, "session", "keyboard-gone"));
	assert_true(log_lacks(h, "session", "keyboard-ready 2"));
}

static void test_click_without_motion_reaches_the_window(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL, NULL);
	assert_true(harness_request_add_pointer(h, "mouse-a", "usb-a:1.1", NULL));
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "views a 1"));
	assert_true(log_has(h, "session", "pointer-ready"));
	assert_true(harness_click(h, "mouse-a", BTN_LEFT));
	assert_true(log_has(h, "session", "button 272 pressed"));
	assert_true(log_has(h, "session", "button 272 released"));
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			test_session_pam_cannot_open_signs_nobody_in, teardown),
		cmocka_unit_test_teardown(
			test_session_module_question_is_answered, teardown),
		cmocka_unit_test_teardown(
			test_session_that_cannot_open_in_time_fails, teardown),
		cmocka_unit_test_teardown(
			test_station_works_after_pam_refused_a_session, teardown),
		cmocka_unit_test_teardown(
			test_signin_during_logoff_starts_a_new_session_after_it,
			teardown),
		cmocka_unit_test_teardown(test_latest_of_two_waiting_signins_wins,
			teardown),
		cmocka_unit_test_teardown(test_cancelled_wait_starts_nothing,
			teardown),
		cmocka_unit_test_teardown(
			test_logoff_ends_when_the_client_closes_its_window, teardown),
		cmocka_unit_test_teardown(
			test_logoff_key_release_never_reaches_the_client, teardown),
		cmocka_unit_test_teardown(test_typed_key_press_and_release_reach_the_client,
			teardown),
		cmocka_unit_test_teardown(test_keyboard_removed_after_logoff,
			teardown),
		cmocka_unit_test_teardown(test_signin_logoff_cycles, teardown),
		cmocka_unit_test_teardown(test_move_between_offline_stations_is_seen,
			teardown),
		cmocka_unit_test_teardown(test_moved_session_keeps_its_keyboard,
			teardown),
		cmocka_unit_test_teardown(
			test_click_without_motion_reaches_the_window, teardown),
	};
	return RUN_TESTS(tests);
}
