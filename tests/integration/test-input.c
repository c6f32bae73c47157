#include <linux/input-event-codes.h>
#include "common.h"


static void test_keys_reach_only_their_station(void **state) {
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

	char *left = log_path(h, "left"), *right = log_path(h, "right");
	// The clients have a wl_keyboard once they log it ready.
	assert_true(harness_wait_file_contains(left, "keyboard-ready", 5));
	assert_true(harness_wait_file_contains(right, "keyboard-ready", 5));
	assert_true(harness_wait_file_contains(left, "keyboard-enter", 5));
	assert_true(harness_type(h, "kb-a", "Hi!"));
	assert_true(harness_wait_file_contains(left, "key H H", 5));
	assert_true(harness_wait_file_contains(left, "key exclam !", 5));
	assert_true(harness_key(h, "kb-a", "Return"));
	assert_true(harness_wait_file_contains(left, "key Return", 5));

	// Anything of kb-a that reached the right client came before this.
	assert_true(harness_type(h, "kb-b", "x"));
	assert_true(harness_wait_file_contains(right, "key x x", 5));
	char *text = harness_read_file(right);
	assert_null(strstr(text, "key H"));
	assert_null(strstr(text, "key Return"));
	free(text);
	text = harness_read_file(left);
	assert_null(strstr(text, "key x"));
	free(text);
	free(left);
	free(right);

	// Bad requests fail clearly and change nothing.
	assert_false(harness_key(h, "kb-a", "hyper+q"));
	assert_false(harness_key(h, "nope", "a"));
	assert_false(harness_request_add_keyboard(h, "kb-a", "usb-0:1", NULL));
}

static void test_unassigned_device_reaches_nobody(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	char *station = NULL;
	assert_true(harness_request_add_keyboard(h, "stray", "usb-0:9:1.0",
		&station));
	assert_string_equal(station, "");
	free(station);
	assert_true(harness_type(h, "stray", "q"));
	// Then a key that does go somewhere, to know the first one is past.
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-0:1", NULL));
	char *left = log_path(h, "left"), *right = log_path(h, "right");
	assert_true(harness_wait_file_contains(left, "keyboard-ready", 5));
	assert_true(harness_type(h, "kb-a", "z"));
	assert_true(harness_wait_file_contains(left, "key z z", 5));
	char *text = harness_read_file(left);
	assert_null(strstr(text, "key q"));
	free(text);
	text = harness_read_file(right);
	assert_null(strstr(text, "key q"));
	free(text);
	free(left);
	free(right);
}

static void test_pointer_confined_to_station(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	assert_true(harness_request_add_pointer(h, "mouse-b", "usb-0:2:1.1",
		NULL));
	char *right = log_path(h, "right"), *left = log_path(h, "left");
	assert_true(harness_wait_file_contains(right, "pointer-ready", 5));
	char *json = harness_state(h);
	long x = harness_state_int(json, "stations", "right", "cursor.x");
	free(json);
	assert_true(x >= 640 && x < 1280);

	assert_true(harness_move(h, "mouse-b", -5000, -5000));
	json = harness_state(h);
	assert_int_equal(harness_state_int(json, "stations", "right", "cursor.x"),
		640);
	assert_int_equal(harness_state_int(json, "stations", "right", "cursor.y"),
		0);
	free(json);
	assert_true(harness_move(h, "mouse-b", 10000, 10000));
	json = harness_state(h);
	assert_int_equal(harness_state_int(json, "stations", "right", "cursor.x"),
		1279);
	assert_int_equal(harness_state_int(json, "stations", "right", "cursor.y"),
		719);
	free(json);

	assert_true(harness_click(h, "mouse-b", BTN_LEFT));
	assert_true(harness_wait_file_contains(right, "pointer-enter", 5));
	assert_true(harness_wait_file_contains(right, "button 272 released", 5));
	char *text = harness_read_file(left);
	assert_null(strstr(text, "pointer-enter"));
	assert_null(strstr(text, "button"));
	free(text);
	free(left);
	free(right);

	// The right station's cursor is drawn on its half only.
	assert_true(harness_wait(h, "idle"));
	int w, ht;
	uint32_t *px = harness_screenshot(h, "output", "HEADLESS-1", &w, &ht);
	assert_int_equal(harness_count_color(px, w, 0, 0, 640, 720, RED),
		640 * 720);
	assert_true(harness_count_color(px, w, 640, 0, 640, 720, BLUE) <
		640 * 720);
	free(px);
}

static void test_device_removal(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-0:1", NULL));
	char *json = harness_state(h);
	assert_non_null(strstr(json, "\"devices\":[\"kb-a\"]"));
	free(json);
	assert_true(harness_remove_device(h, "kb-a"));
	json = harness_state(h);
	assert_null(strstr(json, "kb-a"));
	free(json);
	assert_false(harness_type(h, "kb-a", "a"));
	assert_false(harness_remove_device(h, "kb-a"));
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_keys_reach_only_their_station,
			teardown),
		cmocka_unit_test_teardown(test_unassigned_device_reaches_nobody,
			teardown),
		cmocka_unit_test_teardown(test_pointer_confined_to_station, teardown),
		cmocka_unit_test_teardown(test_device_removal, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
