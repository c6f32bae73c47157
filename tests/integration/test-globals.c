#include "common.h"

/* What globals each session sees: stations a and b on the halves of
 * HEADLESS-1, c on HEADLESS-2 and HEADLESS-3; a and b list what they are
 * told in a.globals and b.globals and try to bind the rest. */

static size_t count_lines_with(const char *text, const char *needle) {
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++) {
		n++;
	}
	return n;
}

static struct mp_harness *start_globals(void **state) {
	char *a = client_cmd("ff0000", "a",
		"--globals %DIR%/a.globals --probe-hidden 40");
	char *b = client_cmd("0000ff", "b",
		"--globals %DIR%/b.globals --probe-hidden 40");
	char *config = harness_format(
		"[station a]\noutputs = HEADLESS-1\nsplit = left\nrole = kiosk\n"
		"autologin = %%USER%%\ncommand = %s\n"
		"[station b]\noutputs = HEADLESS-1\nsplit = right\nrole = kiosk\n"
		"autologin = %%USER%%\ncommand = %s\n"
		"[station c]\noutputs = HEADLESS-2, HEADLESS-3\n"
		"role = kiosk\nautologin = %%USER%%\n"
		"command = %s --globals %%DIR%%/c.globals\n",
		a, b, harness_mp_client());
	struct mp_harness *h = start(state, "3:1280x720,640x480", config);
	free(a);
	free(b);
	free(config);
	return h;
}

/* The globals file of a station's client, once complete; caller frees. */
static char *read_globals(struct mp_harness *h, const char *station) {
	char *file = harness_format("%s.globals", station);
	char *path = harness_path(h, file);
	assert_true(harness_wait_file_contains(path, "end\n", 20));
	char *text = harness_read_file(path);
	assert_non_null(text);
	free(path);
	free(file);
	return text;
}

static void test_session_sees_one_seat_and_its_output(void **state) {
	struct mp_harness *h = start_globals(state);
	const char *names[] = { "a", "b" };
	for (int i = 0; i < 2; i++) {
		char *text = read_globals(h, names[i]);
		assert_int_equal(count_lines_with(text, " wl_seat\n"), 1);
		assert_int_equal(count_lines_with(text, " wl_output\n"), 1);
		assert_null(strstr(text, "mp_test_v1"));
		free(text);
	}
}

static void test_hidden_globals_refuse_to_bind(void **state) {
	struct mp_harness *h = start_globals(state);
	const char *names[] = { "a", "b" };
	for (int i = 0; i < 2; i++) {
		char *text = read_globals(h, names[i]);
		// Every global it was not told of (other stations' seats and
		// outputs, the real outputs, mp_test_v1) refuses to bind.
		if (count_lines_with(text, ": refused") < 5 ||
				count_lines_with(text, "BOUND") != 0) {
			fail_msg("%s: want 5 or more refused, none bound:\n%s",
				names[i], text);
		}
		free(text);
	}
}

static void test_two_output_station_shows_two_outputs(void **state) {
	struct mp_harness *h = start_globals(state);
	char *text = read_globals(h, "c");
	assert_int_equal(count_lines_with(text, " wl_output\n"), 2);
	assert_int_equal(count_lines_with(text, " wl_seat\n"), 1);
	free(text);
}

static void test_session_output_is_its_half(void **state) {
	struct mp_harness *h = start_globals(state);
	assert_true(log_has(h, "a", "configure 640 720"));
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_session_sees_one_seat_and_its_output,
			teardown),
		cmocka_unit_test_teardown(test_hidden_globals_refuse_to_bind,
			teardown),
		cmocka_unit_test_teardown(test_two_output_station_shows_two_outputs,
			teardown),
		cmocka_unit_test_teardown(test_session_output_is_its_half, teardown),
	};
	return RUN_TESTS(tests);
}
