#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"

/* A desktop station "s" signing its user in at start-up; the session
 * command leaves a background process in its group (its pid in bg.pid),
 * which must go with the session, and runs a red mp-client logging to
 * s.log. */
struct session_info {
	long pid;      // the session command
	pid_t bg;      // its background process
	char *socket;  // the session's Wayland socket
	char *dir;     // and its directory
};

static struct mp_harness *start_session(void **state,
		struct session_info *info) {
	char *cmd = harness_format("sleep 1000 & echo $! > %%DIR%%/bg.pid; "
		"exec %s --color ff0000 --log %%DIR%%/s.log", harness_mp_client());
	struct mp_harness *h = start_session_command(state, cmd);
	free(cmd);

	info->pid = state_long(h, "sessions/1/pid");
	assert_true(info->pid > 0);
	info->socket = harness_state_str(h, "sessions/1/socket");
	assert_non_null(info->socket);
	char *slash = strrchr(info->socket, '/');
	assert_non_null(slash);
	info->dir = strndup(info->socket, slash - info->socket);
	char *pid_file = harness_path(h, "bg.pid");
	char *pid_text = harness_read_file(pid_file);
	free(pid_file);
	assert_non_null(pid_text);
	info->bg = (pid_t)strtol(pid_text, NULL, 10);
	free(pid_text);
	assert_true(info->bg > 0);
	return h;
}

static void session_info_finish(struct session_info *info) {
	free(info->socket);
	free(info->dir);
}

/* The session command exits. */
static void end_session(struct mp_harness *h, struct session_info *info) {
	assert_int_equal(kill((pid_t)info->pid, SIGTERM), 0);
	assert_true(harness_wait(h, "session s none"));
	assert_true(harness_wait(h, "sessions 0"));
}

static void test_session_is_attached_with_its_client(void **state) {
	struct session_info info;
	struct mp_harness *h = start_session(state, &info);
	assert_state_str(h, "sessions/1/state", "attached");
	assert_state_str(h, "sessions/1/station", "s");
	assert_state_str(h, "sessions/1/user", harness_user());
	assert_state_long(h, "sessions/1/clients", 1);
	assert_state_long(h, "stations/s/session", 1);
	assert_state_str(h, "stations/s/state", "active");
	assert_int_equal(kill(info.bg, 0), 0);
	session_info_finish(&info);
}

static void test_session_socket_is_in_a_private_directory(void **state) {
	struct session_info info;
	start_session(state, &info);
	struct stat st;
	assert_int_equal(stat(info.socket, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(stat(info.dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	session_info_finish(&info);
}

static void test_session_ends_with_its_command(void **state) {
	struct session_info info;
	struct mp_harness *h = start_session(state, &info);
	end_session(h, &info);
	assert_state_count(h, "sessions", 0);
	assert_state_str(h, "stations/s/state", "login");
	assert_state_null(h, "stations/s/session");
	session_info_finish(&info);
}

static void test_ended_session_kills_what_it_left(void **state) {
	struct session_info info;
	struct mp_harness *h = start_session(state, &info);
	assert_int_equal(kill(info.bg, 0), 0);
	end_session(h, &info);
	assert_true(harness_wait_pid_gone(info.bg, 10));
	session_info_finish(&info);
}

static void test_ended_session_removes_its_socket(void **state) {
	struct session_info info;
	struct mp_harness *h = start_session(state, &info);
	end_session(h, &info);
	struct stat st;
	assert_int_equal(stat(info.socket, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(stat(info.dir, &st), -1);
	assert_int_equal(errno, ENOENT);
	session_info_finish(&info);
}

static void test_ended_session_leaves_no_pixel(void **state) {
	struct session_info info;
	struct mp_harness *h = start_session(state, &info);
	end_session(h, &info);
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "s");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, RED, 0,
		"ended-session-no-red"));
	harness_shot_free(shot);
	session_info_finish(&info);
}

static void test_command_that_cannot_run(void **state) {
	struct mp_harness *h = start(state, "1:640x480",
		"[station s]\noutputs = HEADLESS-1\n"
		"autologin = %USER%\nsession-command = /nonexistent/program\n");
	// The sign-in is over (the session opened), then the session is over.
	assert_true(harness_wait(h, "greeter s ready"));
	assert_true(harness_wait(h, "sessions 0"));
	assert_state_long(h, "sessions_started", 1);
	assert_state_count(h, "sessions", 0);
	assert_state_str(h, "stations/s/state", "login");
}

static void test_failed_autologin_leaves_the_user_field_ready(
		void **state) {
	// PAM refuses the configured user: the greeter says why and waits
	// for a user name where typing goes (it had the password field).
	struct mp_harness *h = start(state, "1:640x480",
		"[station s]\noutputs = HEADLESS-1\ndevices = usb-s\n"
		"autologin = nosuchuser\n");
	assert_true(harness_wait(h, "greeter s error"));
	assert_state_str(h, "stations/s/overlays/greeter/focus", "user");
	assert_true(harness_request_add_keyboard(h, "kb", "usb-s:1.0", NULL));
	assert_true(harness_type(h, "kb", "ann"));
	assert_state_str(h, "stations/s/overlays/greeter/user", "ann");
}

static void test_no_config_one_station_per_output(void **state) {
	struct mp_harness *h = start(state, "2:640x480", NULL);
	assert_state_count(h, "stations", 2);
	assert_state_str(h, "stations/HEADLESS-1/state", "login");
	assert_state_str(h, "stations/HEADLESS-2/state", "login");
	assert_state_str(h, "stations/HEADLESS-1/outputs/HEADLESS-1",
		"HEADLESS-1");
	assert_state_str(h, "stations/HEADLESS-2/outputs/HEADLESS-2",
		"HEADLESS-2");
}

static void test_no_config_devices_wait_for_pairing(void **state) {
	// Two stations and nothing saying which device is whose: each shows
	// its key, and a keyboard takes the station whose key it presses.
	struct mp_harness *h = start(state, "2:640x480", NULL);
	char *station = NULL;
	assert_true(harness_request_add_keyboard(h, "kb", "usb-0:7.1:1.0",
		&station));
	assert_string_equal(station, "");
	free(station);
	assert_true(harness_request_add_pointer(h, "mouse", "usb-0:7.2:1.0",
		&station));
	assert_string_equal(station, "");
	free(station);
	assert_true(harness_wait(h, "overlay HEADLESS-1 identify"));
	assert_true(harness_wait(h, "overlay HEADLESS-2 identify"));
	char *key = harness_state_str(h, "stations/HEADLESS-2/key");
	assert_non_null(key);
	assert_true(harness_key(h, "kb", key));
	free(key);
	// The mouse on the same hub comes along.
	assert_state_str(h, "devices/kb/station", "HEADLESS-2");
	assert_state_str(h, "devices/mouse/station", "HEADLESS-2");
	assert_true(harness_wait(h, "no-overlay HEADLESS-2 identify"));
	assert_state_count(h, "devices", 2);
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_session_is_attached_with_its_client,
			teardown),
		cmocka_unit_test_teardown(
			test_session_socket_is_in_a_private_directory, teardown),
		cmocka_unit_test_teardown(test_session_ends_with_its_command,
			teardown),
		cmocka_unit_test_teardown(test_ended_session_kills_what_it_left,
			teardown),
		cmocka_unit_test_teardown(test_ended_session_removes_its_socket,
			teardown),
		cmocka_unit_test_teardown(test_ended_session_leaves_no_pixel,
			teardown),
		cmocka_unit_test_teardown(test_command_that_cannot_run, teardown),
		cmocka_unit_test_teardown(
			test_failed_autologin_leaves_the_user_field_ready, teardown),
		cmocka_unit_test_teardown(test_no_config_one_station_per_output,
			teardown),
		cmocka_unit_test_teardown(test_no_config_devices_wait_for_pairing,
			teardown),
	};
	return RUN_TESTS(tests);
}
