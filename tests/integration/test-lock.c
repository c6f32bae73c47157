/* Lock and the secure session menu: the lock screen replaces the session
 * in the frame the lock takes effect, nothing reaches or shows of the
 * session until its user's password unlocks it, and the secure key is
 * always the compositor's. */
#include <json-c/json.h>
#include <linux/input-event-codes.h>
#include "lifecycle.h"

static void test_lock_hides_the_session_in_the_first_frame(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_action(h, "lock", "a"));
	// No wait: the first frame read back after the lock.
	expect_no_session_pixel(h, "station", "a");
	assert_state_str(h, "stations/a/state", "locked");
	assert_state_str(h, "sessions/1/state", "locked");
	assert_state_str(h, "stations/a/overlays/lock/user", harness_user());
	assert_state_long(h, "stations/a/views", 0);
	assert_true(harness_wait(h, "idle"));
	expect_no_session_pixel(h, "station", "a");
}

static void test_locked_session_gets_no_input(void **state) {
	struct mp_harness *h = start_three(state, "--misbehave", NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	assert_true(log_has(h, "session", "input keyboard-enter"));
	assert_true(harness_action(h, "lock", "a"));
	// It loses the keyboard and the pointer at the lock.
	assert_true(log_has(h, "session", "input keyboard-leave"));
	client_round_trip(h, "session", pid);
	size_t mark = log_mark(h, "session");
	assert_true(harness_type(h, "kb-a", "xyz"));
	assert_true(harness_key(h, "kb-a", "ctrl+alt+shift+q")); // log off key
	assert_true(harness_move(h, "ptr-a", 10, 10));
	assert_true(harness_click(h, "ptr-a", BTN_LEFT));
	assert_true(harness_click(h, "ptr-a", BTN_RIGHT));
	client_round_trip(h, "session", pid);
	assert_true(log_since_lacks(h, "session", mark, "input "));
	assert_state_str(h, "sessions/1/state", "locked");
}

static void test_wrong_password_keeps_it_locked(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_action(h, "lock", "a"));
	assert_true(harness_type(h, "kb-a", "wrong"));
	assert_true(harness_key(h, "kb-a", "Return"));
	assert_true(harness_wait(h, "lock a error"));
	assert_state_str(h, "stations/a/state", "locked");
	assert_state_str(h, "sessions/1/state", "locked");
	assert_state_bool(h, "sessions/1/unlocking", false);
	expect_no_session_pixel(h, "station", "a");
}

static void test_right_password_restores_its_windows(void **state) {
	struct mp_harness *h = start_three(state, "--windows 2", NULL, NULL);
	assert_true(harness_wait(h, "station a login"));
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "views a 2"));
	pid_t pid = client_pid(h, "session");
	assert_true(harness_action(h, "lock", "a"));
	size_t mark = log_mark(h, "session");
	assert_true(harness_type(h, "kb-a", "secret"));
	assert_true(harness_key(h, "kb-a", "Return"));
	assert_true(harness_wait(h, "station a active"));
	assert_state_str(h, "sessions/1/state", "attached");
	assert_int_equal(kill(pid, 0), 0); // the same client
	assert_true(harness_wait(h, "views a 2"));
	// The keyboard comes back to it.
	assert_true(log_since_wait(h, "session", mark, "input keyboard-enter"));
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "a");
	// All but the cursor (ptr-a's, at most 32x32) is its window.
	assert_true(harness_expect_color_range(shot, 0, 0, 0, 0, GREEN,
		640 * 720 - 32 * 32, 640 * 720, "its window back on the station"));
	harness_shot_free(shot);
}

static void test_nothing_a_client_does_shows_while_locked(void **state) {
	// While locked, the client maps a new window, asks for fullscreen,
	// opens a popup and commits a 4000x4000 buffer: nothing of it shows,
	// on its station or its neighbour on the same output.
	struct mp_harness *h = start_three(state, "--misbehave", NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	assert_true(harness_action(h, "lock", "a"));
	client_round_trip(h, "session", pid);
	assert_true(harness_wait(h, "idle"));
	expect_no_session_pixel(h, "output", "HEADLESS-1");
	assert_state_str(h, "stations/a/state", "locked");
	assert_state_long(h, "sessions/1/views", 2);
}

static void test_new_client_of_a_locked_session_shows_nothing(void **state) {
	// A client crashes and another connects to the locked session's
	// socket: neither shows until the unlock.
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_action(h, "lock", "a"));
	char *socket = harness_state_str(h, "sessions/1/socket");
	assert_non_null(socket);
	char *log = log_path(h, "second");
	pid_t child = fork();
	if (child == 0) {
		setenv("WAYLAND_DISPLAY", socket, 1);
		execl(harness_mp_client(), "mp-client", "--color", "00ff00",
			"--log", log, (char *)NULL);
		_exit(127);
	}
	assert_true(log_has(h, "second", "drawn"));
	assert_true(harness_wait(h, "idle"));
	expect_no_session_pixel(h, "station", "a");
	kill(child, SIGKILL); // a crash
	assert_true(harness_wait_pid_gone(child, 10));
	assert_true(harness_wait(h, "idle"));
	expect_no_session_pixel(h, "station", "a");
	assert_state_str(h, "sessions/1/state", "locked");
	free(socket);
	free(log);
}

static void test_lock_without_fonts_shows_no_session_pixel(void **state) {
	// No font can be found: the lock screen cannot draw its text, and
	// the station still shows none of the session.
	static const char *const env[] = {
		"FONTCONFIG_FILE=/dev/null", "FONTCONFIG_PATH=/nonexistent", NULL,
	};
	struct mp_harness *h = start_three(state, NULL, NULL, env);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_action(h, "lock", "a"));
	expect_no_session_pixel(h, "station", "a");
	assert_state_str(h, "stations/a/state", "locked");
}

static void test_lock_of_a_spanning_station_is_on_its_first_output(
		void **state) {
	// A station over two outputs: its lock screen is on the first one,
	// the second shows the background, neither a pixel of the session.
	char *cmd = client_cmd("00ff00", "session", NULL);
	char *config = harness_format("[compositor]\nsession-command = %s\n"
		"background = #000080\n"
		"[station wide]\noutputs = HEADLESS-1 HEADLESS-2\n"
		"devices = usb-w\n", cmd);
	struct mp_harness *h = start(state, "2:640x480", config);
	free(cmd);
	free(config);
	assert_true(harness_request_add_keyboard(h, "kb", "usb-w:1", NULL));
	signed_in_at(h, "kb", "wide");
	assert_true(harness_action(h, "lock", "wide"));
	assert_true(harness_wait(h, "idle"));
	expect_no_session_pixel(h, "output", "HEADLESS-1");
	struct mp_shot *shot = shoot(h, "output", "HEADLESS-2");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, 0x000080, 640 * 480,
		"only the background on the second output"));
	harness_shot_free(shot);
	shot = shoot(h, "output", "HEADLESS-1");
	assert_true(harness_expect_color_range(shot, 0, 0, 0, 0, 0x000080, 0,
		640 * 480 - 1000, "the lock screen on the first output"));
	harness_shot_free(shot);
}

static void test_idle_station_locks_itself(void **state) {
	struct mp_harness *h = start_three(state, NULL, "idle-lock = 1\n",
		NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_wait(h, "station a locked"));
	assert_state_str(h, "sessions/1/state", "locked");
	// Only the active station: b, with no session, stays at its greeter.
	assert_state_str(h, "stations/b/state", "login");
}

static void test_secure_key_never_reaches_the_client(void **state) {
	struct mp_harness *h = start_three(state, "--misbehave", NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	size_t mark = log_mark(h, "session");
	assert_true(harness_key(h, "kb-a", "ctrl+alt+Delete"));
	assert_state_str(h, "stations/a/overlays/menu/type", "menu");
	client_round_trip(h, "session", pid);
	// Its modifiers reach the client as they would with any chord; the
	// chord's key, pressed or released, never does.
	assert_true(log_since_lacks(h, "session", mark, "Delete"));
}

static void test_menu_locks_by_keyboard(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_key(h, "kb-a", "ctrl+alt+Delete"));
	assert_state_long(h, "stations/a/overlays/menu/selected", 0);
	assert_true(harness_key(h, "kb-a", "Return")); // Lock
	assert_true(harness_wait(h, "station a locked"));
	assert_state_count(h, "stations/a/overlays", 1);
	expect_no_session_pixel(h, "station", "a");
}

static void test_menu_disconnects_by_keyboard(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_key(h, "kb-a", "ctrl+alt+Delete"));
	assert_true(harness_key(h, "kb-a", "Down"));
	assert_true(harness_key(h, "kb-a", "Return")); // Disconnect
	assert_true(harness_wait(h, "session-state 1 parked"));
	assert_state_str(h, "stations/a/state", "login");
	assert_state_str(h, "sessions/1/parked/reason", "disconnected by its user");
}

static void test_menu_logs_off_by_pointer(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_key(h, "kb-a", "ctrl+alt+Delete"));
	// The pointer goes over "Log off", as the menu says where it is.
	struct json_object *root = harness_state_json(h);
	assert_non_null(root);
	struct json_object *boxes = harness_json_at(root,
		"stations/a/overlays/menu/item_boxes");
	assert_non_null(boxes);
	struct json_object *box = json_object_array_get_idx(boxes, 2);
	assert_non_null(box);
	long x = json_object_get_int(json_object_object_get(box, "x"));
	long y = json_object_get_int(json_object_object_get(box, "y"));
	long w = json_object_get_int(json_object_object_get(box, "width"));
	long hh = json_object_get_int(json_object_object_get(box, "height"));
	json_object_put(root);
	long cx = state_long(h, "stations/a/cursor/x");
	long cy = state_long(h, "stations/a/cursor/y");
	assert_true(harness_move(h, "ptr-a", (int)(x + w / 2 - cx),
		(int)(y + hh / 2 - cy)));
	assert_state_long(h, "stations/a/overlays/menu/selected", 2);
	assert_true(harness_click(h, "ptr-a", BTN_LEFT));
	assert_true(harness_wait(h, "session-state 1 gone"));
	assert_state_str(h, "stations/a/state", "login");
}

static void test_menu_cancel_gives_the_session_back(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	size_t mark = log_mark(h, "session");
	assert_true(harness_key(h, "kb-a", "ctrl+alt+Delete"));
	assert_true(harness_key(h, "kb-a", "Escape"));
	assert_state_count(h, "stations/a/overlays", 0);
	assert_true(harness_type(h, "kb-a", "k"));
	assert_true(log_since_wait(h, "session", mark, "input key-press k"));
	assert_state_str(h, "stations/a/state", "active");
}

static void test_secure_key_at_greeter_and_lock_does_nothing(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_type(h, "kb-a", "someone"));
	assert_true(harness_key(h, "kb-a", "ctrl+alt+Delete"));
	assert_state_str(h, "stations/a/state", "login");
	assert_state_count(h, "stations/a/overlays", 1);
	assert_state_str(h, "stations/a/overlays/greeter/user", "someone");
	assert_true(harness_key(h, "kb-b", "ctrl+alt+Delete"));
	signed_in_at(h, "kb-c", "c");
	assert_true(harness_action(h, "lock", "c"));
	assert_true(harness_key(h, "kb-c", "ctrl+alt+Delete"));
	assert_state_str(h, "stations/c/state", "locked");
	assert_state_count(h, "stations/c/overlays", 1);
	assert_state_str(h, "stations/c/overlays/lock/type", "lock");
}

static void test_lock_is_refused_where_it_makes_no_sense(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	char *reason = harness_action_refused(h, "lock", "a");
	assert_non_null(reason);
	assert_non_null(strstr(reason, "has no session"));
	free(reason);
	reason = harness_action_refused(h, "lock", "nowhere");
	assert_non_null(reason);
	free(reason);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_action(h, "lock", "a"));
	reason = harness_action_refused(h, "lock", "a");
	assert_non_null(reason);
	assert_non_null(strstr(reason, "locked already"));
	free(reason);
	reason = harness_action_refused(h, "unlock", "b");
	assert_non_null(reason);
	free(reason);
	reason = harness_action_refused(h, "fly", "a");
	assert_non_null(reason);
	free(reason);
	assert_true(harness_action(h, "unlock", "a"));
	assert_state_str(h, "stations/a/state", "active");
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			test_lock_hides_the_session_in_the_first_frame, teardown),
		cmocka_unit_test_teardown(test_locked_session_gets_no_input,
			teardown),
		cmocka_unit_test_teardown(test_wrong_password_keeps_it_locked,
			teardown),
		cmocka_unit_test_teardown(test_right_password_restores_its_windows,
			teardown),
		cmocka_unit_test_teardown(
			test_nothing_a_client_does_shows_while_locked, teardown),
		cmocka_unit_test_teardown(
			test_new_client_of_a_locked_session_shows_nothing, teardown),
		cmocka_unit_test_teardown(
			test_lock_without_fonts_shows_no_session_pixel, teardown),
		cmocka_unit_test_teardown(
			test_lock_of_a_spanning_station_is_on_its_first_output, teardown),
		cmocka_unit_test_teardown(test_idle_station_locks_itself, teardown),
		cmocka_unit_test_teardown(test_secure_key_never_reaches_the_client,
			teardown),
		cmocka_unit_test_teardown(test_menu_locks_by_keyboard, teardown),
		cmocka_unit_test_teardown(test_menu_disconnects_by_keyboard,
			teardown),
		cmocka_unit_test_teardown(test_menu_logs_off_by_pointer, teardown),
		cmocka_unit_test_teardown(test_menu_cancel_gives_the_session_back,
			teardown),
		cmocka_unit_test_teardown(
			test_secure_key_at_greeter_and_lock_does_nothing, teardown),
		cmocka_unit_test_teardown(
			test_lock_is_refused_where_it_makes_no_sense, teardown),
	};
	return RUN_TESTS(tests);
}
