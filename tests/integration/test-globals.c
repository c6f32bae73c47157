#include "common.h"

static size_t count_lines_with(const char *text, const char *needle) {
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++) {
		n++;
	}
	return n;
}

static void test_session_sees_only_its_own_globals(void **state) {
	char *a = client_cmd("ff0000", "a",
		"--globals %DIR%/a.globals --probe-hidden 40");
	char *b = client_cmd("0000ff", "b",
		"--globals %DIR%/b.globals --probe-hidden 40");
	char *config = harness_format(
		"[station a]\noutputs = HEADLESS-1\nsplit = left\nrole = kiosk\nautologin = %%USER%%\ncommand = %s\n"
		"[station b]\noutputs = HEADLESS-1\nsplit = right\nrole = kiosk\nautologin = %%USER%%\ncommand = %s\n"
		"[station c]\noutputs = HEADLESS-2, HEADLESS-3\n"
		"role = kiosk\nautologin = %%USER%%\ncommand = %s --globals %%DIR%%/c.globals\n",
		a, b, harness_mp_client());
	struct mp_harness *h = start(state, "3:1280x720,640x480", config);
	free(a);
	free(b);
	free(config);

	const char *names[] = { "a", "b" };
	for (int i = 0; i < 2; i++) {
		char *file = harness_format("%s.globals", names[i]);
		char *path = harness_path(h, file);
		assert_true(harness_wait_file_contains(path, "end\n", 20));
		char *text = harness_read_file(path);
		assert_int_equal(count_lines_with(text, " wl_seat\n"), 1);
		assert_int_equal(count_lines_with(text, " wl_output\n"), 1);
		assert_null(strstr(text, "mp_test_v1"));
		// Every global it was not told of (other stations' seats and
		// outputs, the real outputs, mp_test_v1) refuses to bind.
		assert_true(count_lines_with(text, ": refused") >= 5);
		assert_int_equal(count_lines_with(text, "BOUND"), 0);
		free(text);
		free(path);
		free(file);
	}
	// A station made of two outputs shows two outputs to its session.
	char *path = harness_path(h, "c.globals");
	assert_true(harness_wait_file_contains(path, "end\n", 20));
	char *text = harness_read_file(path);
	assert_int_equal(count_lines_with(text, " wl_output\n"), 2);
	assert_int_equal(count_lines_with(text, " wl_seat\n"), 1);
	free(text);
	free(path);

	// The session's output is the size of its half of the screen.
	char *log = log_path(h, "a");
	assert_true(harness_wait_file_contains(log, "configure 640 720", 10));
	free(log);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_session_sees_only_its_own_globals,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
