#include "common.h"

/* Stations: their areas on outputs, their greeters, outputs coming and
 * going. */

static void test_split_output_shows_each_station_on_its_half(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "output", "HEADLESS-1");
	assert_int_equal(shot->width, 1280);
	assert_int_equal(shot->height, 720);
	assert_true(harness_expect_color(shot, 0, 0, 640, 720, RED, 640 * 720,
		"split-left-half-red"));
	assert_true(harness_expect_color(shot, 640, 0, 640, 720, BLUE,
		640 * 720, "split-right-half-blue"));
	harness_shot_free(shot);
}

static void test_station_screenshot_shows_only_its_client(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "left");
	assert_int_equal(shot->width, 640);
	assert_int_equal(shot->height, 720);
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, RED, 640 * 720,
		"station-left-red"));
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, BLUE, 0,
		"station-left-no-blue"));
	harness_shot_free(shot);
	shot = shoot(h, "station", "right");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, RED, 0,
		"station-right-no-red"));
	harness_shot_free(shot);
}

static void test_split_clients_are_configured_to_their_half(void **state) {
	struct mp_harness *h = start_split(state, NULL);
	assert_true(log_has(h, "left", "configure 640 720"));
	assert_true(log_has(h, "right", "configure 640 720"));
}

static void test_oversize_client_is_clipped(void **state) {
	// The left client commits a buffer of the whole output whatever size
	// it is told: nothing of it may reach the right half.
	struct mp_harness *h = start_split(state, "--oversize 1280x720");
	assert_true(log_has(h, "left", "drawn 1280 720"));
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "output", "HEADLESS-1");
	assert_true(harness_expect_color(shot, 640, 0, 640, 720, RED, 0,
		"oversize-no-red-right"));
	assert_true(harness_expect_color(shot, 640, 0, 640, 720, BLUE,
		640 * 720, "oversize-right-blue"));
	assert_true(harness_expect_color(shot, 0, 0, 640, 720, RED, 640 * 720,
		"oversize-left-red"));
	harness_shot_free(shot);
}

/* One kiosk station "wide" over two 640x480 outputs, its client green. */
static struct mp_harness *start_wide(void **state) {
	char *cmd = client_cmd("00ff00", "wide", NULL);
	char *config = harness_format("[station wide]\n"
		"outputs = HEADLESS-1, HEADLESS-2\nrole = kiosk\n"
		"autologin = %%USER%%\ncommand = %s\n", cmd);
	struct mp_harness *h = start(state, "2:640x480", config);
	free(cmd);
	free(config);
	assert_true(harness_wait(h, "views wide 1"));
	return h;
}

static void test_two_output_station_configures_both(void **state) {
	struct mp_harness *h = start_wide(state);
	// Its window is maximized to one output: the first, where the
	// pointer starts (test-multimonitor has the rest).
	assert_true(log_has(h, "wide", "configure 640 480"));
	assert_state_long(h, "stations/wide/area/width", 1280);
	assert_state_long(h, "stations/wide/area/height", 480);
	assert_state_count(h, "stations/wide/outputs", 2);
}

static void test_two_output_station_shows_window_on_one(void **state) {
	struct mp_harness *h = start_wide(state);
	assert_true(log_has(h, "wide", "drawn 640 480"));
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "wide");
	assert_int_equal(shot->width, 1280);
	assert_int_equal(shot->height, 480);
	harness_shot_free(shot);
	shot = shoot(h, "output", "HEADLESS-1");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, GREEN, 640 * 480,
		"wide-HEADLESS-1-green"));
	harness_shot_free(shot);
	shot = shoot(h, "output", "HEADLESS-2");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, GREEN, 0,
		"wide-HEADLESS-2-no-green"));
	harness_shot_free(shot);
}

/* A free station "lobby" on one output of the given size (N:WxH). */
static struct mp_harness *start_lobby(void **state, const char *headless) {
	struct mp_harness *h = start(state, headless,
		"[compositor]\nbackground = #203040\n"
		"[station lobby]\noutputs = HEADLESS-1\n");
	// The only station takes every device: it has a keyboard, so it
	// shows its greeter, not its key.
	char *station = NULL;
	assert_true(harness_request_add_keyboard(h, "kb", "", &station));
	assert_string_equal(station, "lobby");
	free(station);
	assert_true(harness_wait(h, "no-overlay lobby identify"));
	return h;
}

static void test_free_station_is_at_its_greeter(void **state) {
	struct mp_harness *h = start_lobby(state, "1:800x600");
	assert_state_str(h, "stations/lobby/state", "login");
	assert_state_null(h, "stations/lobby/session");
	assert_state_str(h, "stations/lobby/overlays/greeter/type", "greeter");
	assert_state_str(h, "stations/lobby/overlays/greeter/focus", "user");
}

static void test_free_station_draws_its_greeter(void **state) {
	struct mp_harness *h = start_lobby(state, "1:800x600");
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "lobby");
	size_t all = (size_t)shot->width * shot->height;
	// The background around, the sign-in panel (#1b2633) in the middle,
	// white fields in it, text.
	assert_true(harness_expect_color_range(shot, 0, 0, 0, 0, 0x203040,
		all / 2 + 1, all, "greeter-background"));
	assert_true(harness_expect_color_range(shot, 0, 0, 0, 0, 0x1b2633,
		all / 10 + 1, all, "greeter-panel"));
	assert_true(harness_expect_color_range(shot, 0, 0, 0, 0, 0xf4f6f8,
		all / 50 + 1, all, "greeter-fields"));
	assert_true(harness_expect_color(shot, shot->width / 2,
		shot->height / 2 - 100, 1, 1, 0x203040, 0, "greeter-panel-middle"));
	harness_shot_free(shot);
}

static void test_short_station_draws_its_greeter(void **state) {
	// Lower than the sign-in panel once was (204 px): the greeter is laid
	// out to fit, drawn inside its image (its panel was filled outside
	// it, over the heap).
	struct mp_harness *h = start_lobby(state, "1:800x180");
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "lobby");
	assert_true(harness_expect_color_range(shot, 0, 0, 0, 0, 0x1b2633,
		800 * 180 / 10, 800 * 180, "short-greeter-panel"));
	assert_true(harness_expect_color(shot, 0, 0, 0, 1, 0x1b2633, 0,
		"short-greeter-panel-below-the-top"));
	assert_true(harness_expect_color(shot, 0, 179, 0, 1, 0x1b2633, 0,
		"short-greeter-panel-above-the-bottom"));
	harness_shot_free(shot);
}

static void test_narrow_station_draws_its_greeter(void **state) {
	// Narrower than the panel's margins: nothing of it is drawn with a
	// negative size (pixman reported invalid rectangles).
	struct mp_harness *h = start_lobby(state, "1:20x600");
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "lobby");
	assert_true(harness_expect_color_range(shot, 0, 0, 0, 0, 0x203040,
		1, 20 * 600, "narrow-greeter-background"));
	harness_shot_free(shot);
	char *path = harness_path(h, "mpcomp.log");
	char *log = harness_read_file(path);
	free(path);
	assert_non_null(log);
	if (strstr(log, "Invalid rectangle") != NULL) {
		fail_msg("pixman saw an invalid rectangle:\n%s", log);
	}
	free(log);
}

/* Station "first" on HEADLESS-1 (640x480), "late" on HEADLESS-2, which
 * is not there at start. */
static struct mp_harness *start_hotplug(void **state) {
	return start(state, "1:640x480",
		"[station first]\noutputs = HEADLESS-1\n"
		"[station late]\noutputs = HEADLESS-2\n");
}

static void plug_late(struct mp_harness *h) {
	char *name = harness_add_output(h, 800, 600, NULL);
	assert_non_null(name);
	assert_string_equal(name, "HEADLESS-2");
	free(name);
}

static void test_station_without_output_is_offline(void **state) {
	struct mp_harness *h = start_hotplug(state);
	assert_state_str(h, "stations/late/state", "offline");
	assert_state_count(h, "stations/late/outputs", 0);
	assert_state_str(h, "stations/first/state", "login");
}

static void test_plugged_output_brings_its_station_online(void **state) {
	struct mp_harness *h = start_hotplug(state);
	plug_late(h);
	assert_state_str(h, "stations/late/state", "login");
	assert_state_long(h, "stations/late/area/width", 800);
	assert_state_long(h, "stations/late/area/x", 640);
	assert_state_str(h, "stations/late/outputs/HEADLESS-2", "HEADLESS-2");
}

static void test_unplugged_output_takes_its_station_offline(void **state) {
	struct mp_harness *h = start_hotplug(state);
	plug_late(h);
	assert_true(harness_remove_output(h, "HEADLESS-2"));
	assert_state_str(h, "stations/late/state", "offline");
	assert_false(harness_state_has(h, "outputs/HEADLESS-2"));
}

static void test_removing_unknown_output_fails(void **state) {
	struct mp_harness *h = start_hotplug(state);
	assert_false(harness_remove_output(h, "HEADLESS-7"));
	assert_state_count(h, "outputs", 1);
	assert_state_str(h, "stations/first/state", "login");
}

/* A kiosk station "s" on HEADLESS-1 (640x480) with a green client;
 * returns its session's pid. */
static struct mp_harness *start_kiosk(void **state, long *pid) {
	char *cmd = client_cmd("00ff00", "s", NULL);
	char *config = harness_format("[station s]\noutputs = HEADLESS-1\n"
		"role = kiosk\nautologin = %%USER%%\ncommand = %s\n", cmd);
	struct mp_harness *h = start(state, "1:640x480", config);
	free(cmd);
	free(config);
	assert_true(harness_wait(h, "views s 1"));
	*pid = state_long(h, "sessions/1/pid");
	assert_true(*pid > 0);
	return h;
}

/* The station's monitor is unplugged. */
static void unplug(struct mp_harness *h) {
	assert_true(harness_remove_output(h, "HEADLESS-1"));
	assert_true(harness_wait(h, "views s 0"));
}

/* And plugged in again, at 800x600; returns once the client drew at that
 * size. */
static void replug(struct mp_harness *h) {
	char *name = harness_add_output(h, 800, 600, "HEADLESS-1");
	assert_non_null(name);
	assert_string_equal(name, "HEADLESS-1");
	free(name);
	assert_true(harness_wait(h, "views s 1"));
	assert_true(log_has(h, "s", "drawn 800 600"));
}

static void test_unplugged_station_parks_its_session(void **state) {
	// Hardware loss parks, never kills: the kiosk's session waits for
	// its station (kiosk sessions belong to it) with its programs.
	long pid;
	struct mp_harness *h = start_kiosk(state, &pid);
	unplug(h);
	assert_state_str(h, "stations/s/state", "offline");
	assert_state_long(h, "sessions/1/pid", pid);
	assert_state_null(h, "stations/s/session");
	assert_state_str(h, "sessions/1/state", "parked");
	assert_state_str(h, "sessions/1/parked/home", "s");
	assert_state_count(h, "sessions", 1);
}

static void test_replugged_station_shows_the_same_session(void **state) {
	long pid;
	struct mp_harness *h = start_kiosk(state, &pid);
	unplug(h);
	replug(h);
	assert_state_long(h, "sessions/1/pid", pid);
	assert_state_str(h, "stations/s/state", "active");
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "s");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, GREEN, 800 * 600,
		"replugged-green"));
	harness_shot_free(shot);
}

static void test_kiosk_ended_while_away_starts_again(void **state) {
	// The kiosk's command dies while its station is unplugged: its
	// session ends; when the monitor is back the kiosk starts anew.
	long pid;
	struct mp_harness *h = start_kiosk(state, &pid);
	unplug(h);
	assert_true(harness_action(h, "end", "1"));
	assert_true(harness_wait(h, "sessions 0"));
	char *name = harness_add_output(h, 800, 600, "HEADLESS-1");
	free(name);
	assert_true(harness_wait(h, "views s 1"));
	assert_state_long(h, "sessions_started", 2);
	assert_state_str(h, "stations/s/state", "active");
}

static void test_output_name_in_use_is_refused(void **state) {
	long pid;
	struct mp_harness *h = start_kiosk(state, &pid);
	unplug(h);
	replug(h);
	assert_null(harness_add_output(h, 800, 600, "HEADLESS-1"));
	assert_state_count(h, "outputs", 1);
}

static void test_window_covering_replugged_output_is_scanned_out(
		void **state) {
	// One window exactly covering the whole output: its buffer is shown
	// as it is, without composition.
	long pid;
	struct mp_harness *h = start_kiosk(state, &pid);
	unplug(h);
	replug(h);
	assert_true(harness_wait(h, "idle"));
	assert_state_bool(h, "outputs/HEADLESS-1/scanout", true);
}

static void test_layout_changes_leave_nothing_on_outputs(void **state) {
	// Every output that comes and goes makes the stations lay out their
	// parts again: what the old parts listened to on HEADLESS-1 goes
	// with them (wlroots 0.15 leaves a scene output's damage tracking).
	struct mp_harness *h = start(state, "1:640x480",
		"[station a]\noutputs = HEADLESS-1\n");
	assert_true(harness_wait(h, "greeter a ready"));
	long before = state_long(h, "outputs/HEADLESS-1/frame_listeners");
	for (int i = 0; i < 10; i++) {
		char *name = harness_add_output(h, 320, 240, "EXTRA");
		assert_non_null(name);
		assert_true(harness_remove_output(h, name));
		free(name);
	}
	assert_state_long(h, "outputs/HEADLESS-1/frame_listeners", before);
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			test_split_output_shows_each_station_on_its_half, teardown),
		cmocka_unit_test_teardown(
			test_station_screenshot_shows_only_its_client, teardown),
		cmocka_unit_test_teardown(
			test_split_clients_are_configured_to_their_half, teardown),
		cmocka_unit_test_teardown(test_oversize_client_is_clipped, teardown),
		cmocka_unit_test_teardown(test_two_output_station_configures_both,
			teardown),
		cmocka_unit_test_teardown(
			test_two_output_station_shows_window_on_one, teardown),
		cmocka_unit_test_teardown(test_free_station_is_at_its_greeter,
			teardown),
		cmocka_unit_test_teardown(test_short_station_draws_its_greeter,
			teardown),
		cmocka_unit_test_teardown(test_narrow_station_draws_its_greeter,
			teardown),
		cmocka_unit_test_teardown(test_free_station_draws_its_greeter,
			teardown),
		cmocka_unit_test_teardown(test_station_without_output_is_offline,
			teardown),
		cmocka_unit_test_teardown(
			test_plugged_output_brings_its_station_online, teardown),
		cmocka_unit_test_teardown(
			test_unplugged_output_takes_its_station_offline, teardown),
		cmocka_unit_test_teardown(test_removing_unknown_output_fails,
			teardown),
		cmocka_unit_test_teardown(test_unplugged_station_parks_its_session,
			teardown),
		cmocka_unit_test_teardown(
			test_replugged_station_shows_the_same_session, teardown),
		cmocka_unit_test_teardown(test_kiosk_ended_while_away_starts_again,
			teardown),
		cmocka_unit_test_teardown(test_output_name_in_use_is_refused,
			teardown),
		cmocka_unit_test_teardown(
			test_window_covering_replugged_output_is_scanned_out, teardown),
		cmocka_unit_test_teardown(
			test_layout_changes_leave_nothing_on_outputs, teardown),
	};
	return RUN_TESTS(tests);
}
