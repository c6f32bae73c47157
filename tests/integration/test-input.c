#include <linux/input-event-codes.h>
#include "common.h"

/* Input devices: matched to stations, their events reaching only their
 * station's session. Two kiosk stations, left (devices usb-0:1) and right
 * (usb-0:2). */

/* Keyboards kb-a at the left station and kb-b at the right one, once both
 * clients have a wl_keyboard and the left one has the focus. */
static struct mp_harness *start_keyboards(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-0:1.4:1.0",
		NULL));
	assert_true(harness_request_add_keyboard(h, "kb-b", "usb-0:2:1.0",
		NULL));
	// The clients have a wl_keyboard once they log it ready.
	assert_true(log_has(h, "left", "keyboard-ready"));
	assert_true(log_has(h, "right", "keyboard-ready"));
	assert_true(log_has(h, "left", "keyboard-enter"));
	return h;
}

static void test_keyboard_goes_to_station_of_its_path(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	char *station = NULL;
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-0:1.4:1.0",
		&station));
	assert_string_equal(station, "left");
	free(station);
	assert_true(harness_request_add_keyboard(h, "kb-b", "usb-0:2:1.0",
		&station));
	assert_string_equal(station, "right");
	free(station);
	assert_state_str(h, "devices/kb-a/station", "left");
	assert_state_str(h, "devices/kb-b/station", "right");
	assert_state_str(h, "devices/kb-a/type", "keyboard");
}

static void test_typed_text_reaches_its_station_client(void **state) {
	struct mp_harness *h = start_keyboards(state);
	assert_true(harness_type(h, "kb-a", "Hi!"));
	assert_true(log_has(h, "left", "key H H"));
	assert_true(log_has(h, "left", "key exclam !"));
	assert_true(harness_key(h, "kb-a", "Return"));
	assert_true(log_has(h, "left", "key Return"));
}

static void test_key_release_reaches_its_station_client(void **state) {
	struct mp_harness *h = start_keyboards(state);
	assert_true(harness_key(h, "kb-a", "Return"));
	assert_true(log_has(h, "left", "key Return"));
	assert_true(log_has(h, "left", "release Return"));
}

static void test_keys_do_not_reach_other_station(void **state) {
	struct mp_harness *h = start_keyboards(state);
	assert_true(harness_type(h, "kb-a", "Hi!"));
	assert_true(harness_key(h, "kb-a", "Return"));
	assert_true(log_has(h, "left", "key Return"));
	// Anything of kb-a that reached the right client came before this.
	assert_true(harness_type(h, "kb-b", "x"));
	assert_true(log_has(h, "right", "key x x"));
	assert_true(log_lacks(h, "right", "key H"));
	assert_true(log_lacks(h, "right", "key Return"));
	assert_true(log_lacks(h, "left", "key x"));
}

static void test_unknown_key_fails(void **state) {
	struct mp_harness *h = start_keyboards(state);
	assert_false(harness_key(h, "kb-a", "hyper+q"));
	// And nothing of it reached the client: the next key is the first.
	assert_true(harness_type(h, "kb-a", "z"));
	assert_true(log_has(h, "left", "key z z"));
	assert_true(log_lacks(h, "left", "key q"));
}

static void test_key_of_unknown_device_fails(void **state) {
	struct mp_harness *h = start_keyboards(state);
	assert_false(harness_key(h, "nope", "a"));
	assert_false(harness_state_has(h, "devices/nope"));
}

static void test_device_name_in_use_is_refused(void **state) {
	struct mp_harness *h = start_keyboards(state);
	assert_false(harness_request_add_keyboard(h, "kb-a", "usb-0:1", NULL));
	assert_state_count(h, "devices", 2);
	assert_state_str(h, "devices/kb-a/id_path", "usb-0:1.4:1.0");
}

static void test_unassigned_device_reaches_nobody(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	char *station = NULL;
	assert_true(harness_request_add_keyboard(h, "stray", "usb-0:9:1.0",
		&station));
	assert_string_equal(station, "");
	free(station);
	assert_state_null(h, "devices/stray/station");
	assert_true(harness_type(h, "stray", "q"));
	// Then a key that does go somewhere, to know the first one is past.
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-0:1", NULL));
	assert_true(log_has(h, "left", "keyboard-ready"));
	assert_true(harness_type(h, "kb-a", "z"));
	assert_true(log_has(h, "left", "key z z"));
	assert_true(log_lacks(h, "left", "key q"));
	assert_true(log_lacks(h, "right", "key q"));
}

/* A mouse at the right station, once its client has a wl_pointer. */
static struct mp_harness *start_mouse(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	assert_true(harness_request_add_pointer(h, "mouse-b", "usb-0:2:1.1",
		NULL));
	assert_true(log_has(h, "right", "pointer-ready"));
	return h;
}

static void test_pointer_starts_in_its_station(void **state) {
	struct mp_harness *h = start_mouse(state);
	long x = state_long(h, "stations/right/cursor/x");
	assert_true(x >= 640 && x < 1280);
}

static void test_pointer_stops_at_station_top_left(void **state) {
	struct mp_harness *h = start_mouse(state);
	assert_true(harness_move(h, "mouse-b", -5000, -5000));
	assert_state_long(h, "stations/right/cursor/x", 640);
	assert_state_long(h, "stations/right/cursor/y", 0);
}

static void test_pointer_stops_at_station_bottom_right(void **state) {
	struct mp_harness *h = start_mouse(state);
	assert_true(harness_move(h, "mouse-b", 10000, 10000));
	assert_state_long(h, "stations/right/cursor/x", 1279);
	assert_state_long(h, "stations/right/cursor/y", 719);
}

static void test_click_reaches_only_its_station(void **state) {
	struct mp_harness *h = start_mouse(state);
	// The pointer enters the window it is over when it moves.
	assert_true(harness_move(h, "mouse-b", 10, 10));
	assert_true(harness_click(h, "mouse-b", BTN_LEFT));
	assert_true(log_has(h, "right", "pointer-enter"));
	assert_true(log_has(h, "right", "button 272 released"));
	assert_true(log_lacks(h, "left", "pointer-enter"));
	assert_true(log_lacks(h, "left", "button"));
}

static void test_cursor_drawn_on_its_station_only(void **state) {
	struct mp_harness *h = start_mouse(state);
	assert_true(harness_move(h, "mouse-b", 10, 10));
	assert_true(log_has(h, "right", "pointer-enter"));
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "output", "HEADLESS-1");
	assert_true(harness_expect_color(shot, 0, 0, 640, 720, RED, 640 * 720,
		"cursor-not-on-left"));
	assert_true(harness_expect_color_range(shot, 640, 0, 640, 720, BLUE, 0,
		640 * 720 - 1, "cursor-on-right"));
	harness_shot_free(shot);
}

static void test_device_is_listed_at_its_station(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-0:1", NULL));
	assert_state_count(h, "stations/left/devices", 1);
	assert_state_str(h, "stations/left/devices/kb-a", "kb-a");
	assert_state_count(h, "stations/right/devices", 0);
}

static void test_removed_device_is_gone(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-0:1", NULL));
	assert_true(harness_remove_device(h, "kb-a"));
	assert_false(harness_state_has(h, "devices/kb-a"));
	assert_state_count(h, "stations/left/devices", 0);
}

static void test_removed_device_takes_no_requests(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-0:1", NULL));
	assert_true(harness_remove_device(h, "kb-a"));
	assert_false(harness_type(h, "kb-a", "a"));
	assert_false(harness_remove_device(h, "kb-a"));
}

static void test_backend_devices_at_exit(void **state) {
	// Devices the backend owns go when it goes, at exit, after the
	// stations: nothing of them may point to a station by then (ASan saw
	// a station used after it was freed).
	struct mp_harness *h = start(state, "1:640x480", NULL);
	char *kb = NULL, *mouse = NULL;
	assert_true(harness_add_backend_device(h, "keyboard", &kb));
	assert_true(harness_add_backend_device(h, "pointer", &mouse));
	char *path = harness_format("devices/%s/station", kb);
	assert_state_str(h, path, "HEADLESS-1");
	free(path);
	path = harness_format("devices/%s/station", mouse);
	assert_state_str(h, path, "HEADLESS-1");
	free(path);
	free(kb);
	free(mouse);
	*state = NULL;
	assert_int_equal(harness_stop(h), 0);
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_keyboard_goes_to_station_of_its_path,
			teardown),
		cmocka_unit_test_teardown(test_typed_text_reaches_its_station_client,
			teardown),
		cmocka_unit_test_teardown(
			test_key_release_reaches_its_station_client, teardown),
		cmocka_unit_test_teardown(test_keys_do_not_reach_other_station,
			teardown),
		cmocka_unit_test_teardown(test_unknown_key_fails, teardown),
		cmocka_unit_test_teardown(test_key_of_unknown_device_fails, teardown),
		cmocka_unit_test_teardown(test_device_name_in_use_is_refused,
			teardown),
		cmocka_unit_test_teardown(test_unassigned_device_reaches_nobody,
			teardown),
		cmocka_unit_test_teardown(test_pointer_starts_in_its_station,
			teardown),
		cmocka_unit_test_teardown(test_pointer_stops_at_station_top_left,
			teardown),
		cmocka_unit_test_teardown(test_pointer_stops_at_station_bottom_right,
			teardown),
		cmocka_unit_test_teardown(test_click_reaches_only_its_station,
			teardown),
		cmocka_unit_test_teardown(test_cursor_drawn_on_its_station_only,
			teardown),
		cmocka_unit_test_teardown(test_device_is_listed_at_its_station,
			teardown),
		cmocka_unit_test_teardown(test_removed_device_is_gone, teardown),
		cmocka_unit_test_teardown(test_removed_device_takes_no_requests,
			teardown),
		cmocka_unit_test_teardown(test_backend_devices_at_exit, teardown),
	};
	return RUN_TESTS(tests);
}
