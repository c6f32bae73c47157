#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

/* Reads a string field of session 1 from the state. */
static char *session_socket(const char *json) {
	const char *p = strstr(json, "\"socket\":\"");
	if (p == NULL) {
		return NULL;
	}
	p += strlen("\"socket\":\"");
	return strndup(p, strcspn(p, "\""));
}

static void test_session_ends_with_its_command(void **state) {
	// The command leaves a background process in its group, which must
	// go with the session.
	char *cmd = harness_format("sleep 1000 & echo $! > %%DIR%%/bg.pid; "
		"exec %s --color ff0000 --log %%DIR%%/s.log", harness_mp_client());
	char *config = harness_format("[station s]\noutputs = HEADLESS-1\n"
		"autologin = %%USER%%\nsession-command = %s\n", cmd);
	struct mp_harness *h = start(state, "1:640x480", config);
	free(cmd);
	free(config);
	assert_true(harness_wait(h, "views s 1"));

	char *json = harness_state(h);
	long pid = harness_state_int(json, "sessions", "1", "pid");
	assert_true(pid > 0);
	assert_int_equal(harness_state_int(json, "sessions", "1", "clients"), 1);
	assert_non_null(strstr(json, "\"state\":\"attached\""));
	char *socket = session_socket(json);
	free(json);
	assert_non_null(socket);
	struct stat st;
	assert_int_equal(stat(socket, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	char *dir = strndup(socket, strrchr(socket, '/') - socket);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	char *pid_file = harness_path(h, "bg.pid");
	char *pid_text = harness_read_file(pid_file);
	assert_non_null(pid_text);
	pid_t bg = (pid_t)strtol(pid_text, NULL, 10);
	free(pid_text);
	free(pid_file);
	assert_int_equal(kill(bg, 0), 0);

	// The session command exits: the session ends and leaves nothing.
	assert_int_equal(kill((pid_t)pid, SIGTERM), 0);
	assert_true(harness_wait(h, "session s none"));
	assert_true(harness_wait_pid_gone(bg, 10));
	assert_true(harness_wait(h, "sessions 0"));
	assert_int_equal(stat(socket, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(stat(dir, &st), -1);
	json = harness_state(h);
	assert_non_null(strstr(json, "\"sessions\":[]"));
	assert_non_null(strstr(json, "\"name\":\"s\",\"state\":\"login\""));
	free(json);
	free(socket);
	free(dir);

	// And the station shows no window of it any more.
	assert_true(harness_wait(h, "idle"));
	int w, ht;
	uint32_t *px = harness_screenshot(h, "station", "s", &w, &ht);
	assert_int_equal(harness_count_color(px, w, 0, 0, w, ht, RED), 0);
	free(px);
}

static void test_command_that_cannot_run(void **state) {
	struct mp_harness *h = start(state, "1:640x480",
		"[station s]\noutputs = HEADLESS-1\n"
		"autologin = %USER%\nsession-command = /nonexistent/program\n");
	// The sign-in is over (the session opened), then the session is over.
	assert_true(harness_wait(h, "greeter s ready"));
	assert_true(harness_wait(h, "sessions 0"));
	char *json = harness_state(h);
	assert_non_null(strstr(json, "{\"sessions_started\":1,"));
	assert_non_null(strstr(json, "\"sessions\":[]"));
	assert_non_null(strstr(json, "\"name\":\"s\",\"state\":\"login\""));
	free(json);
}

static void test_no_config_one_station_per_output(void **state) {
	struct mp_harness *h = start(state, "2:640x480", NULL);
	char *json = harness_state(h);
	assert_non_null(strstr(json, "\"name\":\"HEADLESS-1\",\"state\":\"login\""));
	assert_non_null(strstr(json, "\"name\":\"HEADLESS-2\",\"state\":\"login\""));
	free(json);
	char *station = NULL;
	assert_true(harness_request_add_keyboard(h, "kb", "usb-0:7", &station));
	assert_non_null(station);
	assert_true(strcmp(station, "HEADLESS-1") == 0 ||
		strcmp(station, "HEADLESS-2") == 0);
	free(station);
	assert_true(harness_request_add_pointer(h, "mouse", "", &station));
	free(station);
	json = harness_state(h);
	assert_null(strstr(json, "\"station\":null"));
	free(json);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_session_ends_with_its_command,
			teardown),
		cmocka_unit_test_teardown(test_command_that_cannot_run, teardown),
		cmocka_unit_test_teardown(test_no_config_one_station_per_output,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
