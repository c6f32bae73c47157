#include "common.h"

/* Two stations on the two halves of one output, each with its own client. */

static void test_split_stations_show_own_client(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	assert_true(harness_wait(h, "idle"));
	int w, ht;
	uint32_t *px = harness_screenshot(h, "output", "HEADLESS-1", &w, &ht);
	assert_non_null(px);
	assert_int_equal(w, 1280);
	assert_int_equal(ht, 720);
	assert_int_equal(harness_count_color(px, w, 0, 0, 640, 720, RED),
		640 * 720);
	assert_int_equal(harness_count_color(px, w, 640, 0, 640, 720, BLUE),
		640 * 720);
	free(px);

	px = harness_screenshot(h, "station", "left", &w, &ht);
	assert_int_equal(w, 640);
	assert_int_equal(harness_count_color(px, w, 0, 0, w, ht, RED), 640 * 720);
	assert_int_equal(harness_count_color(px, w, 0, 0, w, ht, BLUE), 0);
	free(px);
	px = harness_screenshot(h, "station", "right", &w, &ht);
	assert_int_equal(harness_count_color(px, w, 0, 0, w, ht, RED), 0);
	free(px);

	// Each client was configured to its own half.
	char *log = log_path(h, "left");
	assert_true(harness_wait_file_contains(log, "configure 640 720", 5));
	free(log);
}

static void test_oversize_client_is_clipped(void **state) {
	// The left client commits a buffer of the whole output whatever size
	// it is told: nothing of it may reach the right half.
	struct mp_harness *h = start_split(state, "--oversize 1280x720");
	char *log = log_path(h, "left");
	assert_true(harness_wait_file_contains(log, "drawn 1280 720", 5));
	free(log);
	assert_true(harness_wait(h, "idle"));
	int w, ht;
	uint32_t *px = harness_screenshot(h, "output", "HEADLESS-1", &w, &ht);
	assert_non_null(px);
	assert_int_equal(harness_count_color(px, w, 640, 0, 640, 720, RED), 0);
	assert_int_equal(harness_count_color(px, w, 640, 0, 640, 720, BLUE),
		640 * 720);
	assert_int_equal(harness_count_color(px, w, 0, 0, 640, 720, RED),
		640 * 720);
	free(px);
}

static void test_two_output_station(void **state) {
	char *cmd = client_cmd("00ff00", "wide", NULL);
	char *config = harness_format("[station wide]\n"
		"outputs = HEADLESS-1, HEADLESS-2\nrole = kiosk\nautologin = %%USER%%\ncommand = %s\n", cmd);
	struct mp_harness *h = start(state, "2:640x480", config);
	free(cmd);
	free(config);
	assert_true(harness_wait(h, "views wide 1"));
	char *log = log_path(h, "wide");
	assert_true(harness_wait_file_contains(log, "configure 1280 480", 5));
	assert_true(harness_wait_file_contains(log, "drawn 1280 480", 5));
	free(log);
	assert_true(harness_wait(h, "idle"));

	int w, ht;
	uint32_t *px = harness_screenshot(h, "station", "wide", &w, &ht);
	assert_int_equal(w, 1280);
	assert_int_equal(ht, 480);
	assert_int_equal(harness_count_color(px, w, 0, 0, w, ht, GREEN),
		1280 * 480);
	free(px);
	const char *outputs[] = { "HEADLESS-1", "HEADLESS-2" };
	for (int i = 0; i < 2; i++) {
		px = harness_screenshot(h, "output", outputs[i], &w, &ht);
		assert_int_equal(harness_count_color(px, w, 0, 0, w, ht, GREEN),
			640 * 480);
		free(px);
	}
}

static void test_free_station_shows_its_greeter(void **state) {
	struct mp_harness *h = start(state, "1:800x600",
		"[compositor]\nbackground = #203040\n"
		"[station lobby]\noutputs = HEADLESS-1\n");
	assert_true(harness_wait(h, "idle"));
	int w, ht;
	uint32_t *px = harness_screenshot(h, "station", "lobby", &w, &ht);
	// The background around, the sign-in panel (#1b2633) in the middle,
	// white fields in it, text.
	size_t bg = harness_count_color(px, w, 0, 0, w, ht, 0x203040);
	size_t panel = harness_count_color(px, w, 0, 0, w, ht, 0x1b2633);
	size_t field = harness_count_color(px, w, 0, 0, w, ht, 0xf4f6f8);
	assert_true(bg > (size_t)(w * ht) / 2);
	assert_true(panel > (size_t)(w * ht) / 10);
	assert_true(field > (size_t)(w * ht) / 50);
	assert_int_equal(harness_count_color(px, w, w / 2, ht / 2 - 100, 1, 1,
		0x203040), 0);
	free(px);
	char *json = harness_state(h);
	assert_non_null(strstr(json, "\"state\":\"login\""));
	free(json);
}

static void test_output_hotplug(void **state) {
	struct mp_harness *h = start(state, "1:640x480",
		"[station first]\noutputs = HEADLESS-1\n"
		"[station late]\noutputs = HEADLESS-2\n");
	char *json = harness_state(h);
	assert_non_null(strstr(json, "\"name\":\"late\",\"state\":\"offline\""));
	free(json);

	char *name = harness_add_output(h, 800, 600, NULL);
	assert_non_null(name);
	assert_string_equal(name, "HEADLESS-2");
	json = harness_state(h);
	assert_non_null(strstr(json, "\"name\":\"late\",\"state\":\"login\""));
	assert_int_equal(harness_state_int(json, "stations", "late", "area.width"),
		800);
	assert_int_equal(harness_state_int(json, "stations", "late", "area.x"),
		640);
	free(json);

	assert_true(harness_remove_output(h, name));
	free(name);
	json = harness_state(h);
	assert_non_null(strstr(json, "\"name\":\"late\",\"state\":\"offline\""));
	free(json);
	assert_false(harness_remove_output(h, "HEADLESS-7"));
}

static void test_session_survives_its_output_going(void **state) {
	// The monitor of a station with a session is unplugged and plugged in
	// again: the same session, the same client, shown again.
	char *cmd = client_cmd("00ff00", "s", NULL);
	char *config = harness_format("[station s]\noutputs = HEADLESS-1\n"
		"role = kiosk\nautologin = %%USER%%\ncommand = %s\n", cmd);
	struct mp_harness *h = start(state, "1:640x480", config);
	free(cmd);
	free(config);
	assert_true(harness_wait(h, "views s 1"));
	char *json = harness_state(h);
	long pid = harness_state_int(json, "sessions", "1", "pid");
	free(json);

	assert_true(harness_remove_output(h, "HEADLESS-1"));
	json = harness_state(h);
	assert_non_null(strstr(json, "\"name\":\"s\",\"state\":\"offline\""));
	assert_int_equal(harness_state_int(json, "sessions", "1", "pid"), pid);
	free(json);
	assert_true(harness_wait(h, "views s 0"));

	char *name = harness_add_output(h, 800, 600, "HEADLESS-1");
	assert_string_equal(name, "HEADLESS-1");
	free(name);
	assert_null(harness_add_output(h, 800, 600, "HEADLESS-1"));
	assert_true(harness_wait(h, "views s 1"));
	char *log = log_path(h, "s");
	assert_true(harness_wait_file_contains(log, "drawn 800 600", 5));
	free(log);
	json = harness_state(h);
	assert_int_equal(harness_state_int(json, "sessions", "1", "pid"), pid);
	assert_non_null(strstr(json, "\"name\":\"s\",\"state\":\"active\""));
	free(json);
	assert_true(harness_wait(h, "idle"));
	int w, ht;
	uint32_t *px = harness_screenshot(h, "station", "s", &w, &ht);
	assert_int_equal(harness_count_color(px, w, 0, 0, w, ht, GREEN),
		800 * 600);
	free(px);
	// One window exactly covering the whole output: its buffer is shown
	// as it is, without composition.
	json = harness_state(h);
	assert_non_null(strstr(json, "\"scanout\":true"));
	free(json);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_split_stations_show_own_client,
			teardown),
		cmocka_unit_test_teardown(test_oversize_client_is_clipped, teardown),
		cmocka_unit_test_teardown(test_two_output_station, teardown),
		cmocka_unit_test_teardown(
			test_free_station_shows_its_greeter, teardown),
		cmocka_unit_test_teardown(test_output_hotplug, teardown),
		cmocka_unit_test_teardown(test_session_survives_its_output_going,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
