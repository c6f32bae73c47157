/* A station of several screens: each window fills one screen (the one
 * the pointer is on when it maps), its client is told that screen's
 * session output only, fullscreen goes to the screen the client names,
 * and a move to a station of fewer screens brings every window to the
 * first one. Station duo is two screens side by side (HEADLESS-1, its
 * first: MP-1, and HEADLESS-2: MP-2, wherever the layout puts them),
 * station solo one 800x600 screen (HEADLESS-3); its sessions run
 * mp-client (green, session.log, --log-outputs). */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lifecycle.h"

#define BACKGROUND 0x203040
#define YELLOW 0xffff00

/* duo on the first two outputs of headless ("3:640x480" when NULL), with
 * keyboard kb and, when pointer, pointer ptr; solo on the third with
 * keyboard kb-s. Nobody is signed in. */
static struct mp_harness *start_duo_with(void **state, const char *headless,
		const char *client_extra, bool pointer) {
	char *extra = harness_format("--log-outputs %s",
		client_extra ? client_extra : "");
	char *cmd = client_cmd("00ff00", "session", extra);
	char *config = harness_format(
		"[compositor]\nbackground = #203040\nsession-command = %s\n"
		"[station duo]\noutputs = HEADLESS-1, HEADLESS-2\n"
		"devices = usb-d\n"
		"[station solo]\noutputs = HEADLESS-3\ndevices = usb-s\n", cmd);
	struct mp_harness *h = start(state, headless ? headless :
		"3:640x480,640x480,800x600", config);
	free(extra);
	free(cmd);
	free(config);
	assert_true(harness_request_add_keyboard(h, "kb", "usb-d:1.0", NULL));
	assert_true(harness_request_add_keyboard(h, "kb-s", "usb-s:1.0", NULL));
	if (pointer) {
		assert_true(harness_request_add_pointer(h, "ptr", "usb-d:1.1",
			NULL));
	}
	return h;
}

static long output_field(struct mp_harness *h, const char *output,
		const char *field) {
	char *path = harness_format("outputs/%s/%s", output, field);
	long value = state_long(h, path);
	free(path);
	return value;
}

/* duo's pointer to the middle of output. */
static void pointer_to(struct mp_harness *h, const char *output) {
	long x = output_field(h, output, "x") + output_field(h, output,
		"width") / 2;
	long y = output_field(h, output, "y") + output_field(h, output,
		"height") / 2;
	long cx = state_long(h, "stations/duo/cursor/x");
	long cy = state_long(h, "stations/duo/cursor/y");
	assert_true(harness_move(h, "ptr", (int)(x - cx), (int)(y - cy)));
	assert_state_long(h, "stations/duo/cursor/x", x);
	assert_state_long(h, "stations/duo/cursor/y", y);
}

/* duo with its pointer on output, then the test user signs in there:
 * returns once the window is drawn. */
static struct mp_harness *signed_in_on(void **state, const char *output,
		const char *client_extra) {
	struct mp_harness *h = start_duo_with(state, NULL, client_extra, true);
	pointer_to(h, output);
	signed_in_at(h, "kb", "duo");
	assert_true(log_has(h, "session", "drawn 640 480"));
	assert_true(harness_wait(h, "idle"));
	return h;
}

/* Output target shows rgb on all of its w x h pixels, but where the
 * cursor may be drawn over it. */
static void expect_filled(struct mp_harness *h, const char *target, int w,
		int ht, uint32_t rgb, const char *label) {
	struct mp_shot *shot = shoot(h, "output", target);
	assert_int_equal(shot->width, w);
	assert_int_equal(shot->height, ht);
	size_t all = (size_t)w * (size_t)ht;
	assert_true(harness_expect_color_range(shot, 0, 0, 0, 0, rgb,
		all - 64 * 64, all, label));
	harness_shot_free(shot);
}

/* Output target shows no pixel of rgb, and mostly the background. */
static void expect_none(struct mp_harness *h, const char *target,
		uint32_t rgb, const char *label) {
	struct mp_shot *shot = shoot(h, "output", target);
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, rgb, 0, label));
	size_t all = (size_t)shot->width * (size_t)shot->height;
	assert_true(harness_expect_color_range(shot, 0, 0, 0, 0, BACKGROUND,
		all / 2, all, "the background"));
	harness_shot_free(shot);
}

/* How many lines of NAME.log begin with prefix. */
static long count_prefixed(struct mp_harness *h, const char *name,
		const char *prefix) {
	char *path = log_path(h, name);
	char *log = harness_read_file(path);
	free(path);
	assert_non_null(log);
	long n = 0;
	size_t len = strlen(prefix);
	for (const char *line = log; *line != '\0';) {
		n += strncmp(line, prefix, len) == 0;
		const char *end = strchr(line, '\n');
		line = end ? end + 1 : line + strlen(line);
	}
	free(log);
	return n;
}

/* mp-client started by hand in session 1 (as the user would from a
 * terminal), logging to NAME.log; the caller kills it. */
static pid_t spawn_client(struct mp_harness *h, const char *color,
		const char *name) {
	char *socket = harness_state_str(h, "sessions/1/socket");
	assert_non_null(socket);
	char *log = log_path(h, name);
	pid_t child = fork();
	if (child == 0) {
		setenv("WAYLAND_DISPLAY", socket, 1);
		execl(harness_mp_client(), "mp-client", "--color", color, "--log",
			log, "--log-outputs", (char *)NULL);
		_exit(127);
	}
	free(socket);
	free(log);
	assert_true(child > 0);
	return child;
}

static void stop_client(pid_t child) {
	kill(child, SIGKILL);
	assert_true(harness_wait_pid_gone(child, 10));
	waitpid(child, NULL, 0);
}

static void test_window_fills_the_screen_under_the_pointer(void **state) {
	struct mp_harness *h = signed_in_on(state, "HEADLESS-2", NULL);
	assert_true(log_has(h, "session", "configure 640 480"));
	expect_filled(h, "HEADLESS-2", 640, 480, GREEN, "window-on-right");
	expect_none(h, "HEADLESS-1", GREEN, "left-shows-no-window");
	// The station's own pixels: green on HEADLESS-2's part only.
	int x2 = (int)(output_field(h, "HEADLESS-2", "x") -
		state_long(h, "stations/duo/area/x"));
	int x1 = (int)(output_field(h, "HEADLESS-1", "x") -
		state_long(h, "stations/duo/area/x"));
	struct mp_shot *shot = shoot(h, "station", "duo");
	assert_int_equal(shot->width, 1280);
	assert_true(harness_expect_color_range(shot, x2, 0, 640, 480, GREEN,
		640 * 480 - 64 * 64, 640 * 480, "station-its-screen-green"));
	assert_true(harness_expect_color(shot, x1, 0, 640, 480, GREEN, 0,
		"station-other-screen-not-green"));
	harness_shot_free(shot);
}

static void test_pointer_on_the_first_screen_maps_there(void **state) {
	struct mp_harness *h = signed_in_on(state, "HEADLESS-1", NULL);
	expect_filled(h, "HEADLESS-1", 640, 480, GREEN, "window-on-left");
	expect_none(h, "HEADLESS-2", GREEN, "right-shows-no-window");
}

static void test_surface_enters_only_its_screen(void **state) {
	struct mp_harness *h = signed_in_on(state, "HEADLESS-2", NULL);
	assert_true(log_has(h, "session", "enter MP-2"));
	// Everything sent before its first frame has come (drawn is logged
	// after a round trip).
	assert_int_equal(count_prefixed(h, "session", "enter "), 1);
	assert_int_equal(count_prefixed(h, "session", "leave "), 0);
}

static void test_outputs_bound_later_are_told_too(void **state) {
	// The client binds its wl_outputs once its window is mapped (told
	// where it is before that): the enter comes with the binding.
	struct mp_harness *h = signed_in_on(state, "HEADLESS-2",
		"--late-outputs");
	assert_true(log_has(h, "session", "outputs bound"));
	assert_true(log_has(h, "session", "enter MP-2"));
	assert_int_equal(count_prefixed(h, "session", "enter "), 1);
}

static void test_session_sees_one_output_per_screen(void **state) {
	struct mp_harness *h = signed_in_on(state, "HEADLESS-2",
		"--globals %DIR%/session.globals");
	char *path = harness_path(h, "session.globals");
	assert_true(harness_wait_file_contains(path, "end\n", 10));
	char *text = harness_read_file(path);
	assert_non_null(text);
	long outputs = 0;
	for (const char *p = text; (p = strstr(p, " wl_output\n")); p++) {
		outputs++;
	}
	assert_int_equal(outputs, 2);
	free(text);
	free(path);
	assert_true(log_has(h, "session", "output MP-1 mode 640 480"));
	assert_true(log_has(h, "session", "output MP-2 mode 640 480"));
}

static void test_window_stays_where_it_is_when_the_pointer_moves(
		void **state) {
	// A second program started with the pointer on the left screen
	// opens there; the first window stays on the right one.
	struct mp_harness *h = signed_in_on(state, "HEADLESS-2", NULL);
	pointer_to(h, "HEADLESS-1");
	pid_t child = spawn_client(h, "ff0000", "second");
	assert_true(log_has(h, "second", "drawn 640 480"));
	assert_true(log_has(h, "second", "enter MP-1"));
	assert_true(harness_wait(h, "views duo 2"));
	assert_true(harness_wait(h, "idle"));
	expect_filled(h, "HEADLESS-1", 640, 480, RED, "second-on-left");
	expect_filled(h, "HEADLESS-2", 640, 480, GREEN, "first-stays-right");
	assert_true(log_lacks(h, "session", "leave "));
	stop_client(child);
}

static void test_fullscreen_on_a_named_screen(void **state) {
	// Pointer on the left, the client asks (before its first commit) to
	// be fullscreen on MP-2: it is, on the right screen.
	struct mp_harness *h = start_duo_with(state, NULL,
		"--fullscreen-output MP-2", true);
	pointer_to(h, "HEADLESS-1");
	signed_in_at(h, "kb", "duo");
	assert_true(log_has(h, "session", "configure 640 480 fullscreen"));
	assert_true(log_has(h, "session", "drawn 640 480"));
	assert_true(harness_wait(h, "idle"));
	expect_filled(h, "HEADLESS-2", 640, 480, GREEN, "fullscreen-on-right");
	expect_none(h, "HEADLESS-1", GREEN, "left-not-fullscreen");
	assert_int_equal(count_prefixed(h, "session", "enter "), 1);
	assert_true(log_has(h, "session", "enter MP-2"));
}

static void test_fullscreen_without_a_screen_stays_on_its_own(
		void **state) {
	struct mp_harness *h = signed_in_on(state, "HEADLESS-2",
		"--fullscreen-key -");
	size_t mark = log_mark(h, "session");
	assert_true(harness_type(h, "kb", "f"));
	assert_true(log_since_wait(h, "session", mark,
		"configure 640 480 fullscreen"));
	assert_true(log_since_wait(h, "session", mark, "drawn 640 480"));
	assert_true(harness_wait(h, "idle"));
	expect_filled(h, "HEADLESS-2", 640, 480, GREEN, "fullscreen-in-place");
	expect_none(h, "HEADLESS-1", GREEN, "left-untouched");
	assert_true(log_since_lacks(h, "session", mark, "leave "));
	assert_true(log_since_lacks(h, "session", mark, "enter "));
}

static void test_fullscreen_moves_to_the_screen_asked_and_back(
		void **state) {
	// On the left, f: fullscreen on MP-2 (leave MP-1, enter MP-2); f
	// again: maximized, still on the right screen, its screen now.
	struct mp_harness *h = signed_in_on(state, "HEADLESS-1",
		"--fullscreen-key MP-2");
	size_t mark = log_mark(h, "session");
	assert_true(harness_type(h, "kb", "f"));
	assert_true(log_since_wait(h, "session", mark,
		"configure 640 480 fullscreen"));
	assert_true(log_since_wait(h, "session", mark, "leave MP-1"));
	assert_true(log_since_wait(h, "session", mark, "enter MP-2"));
	assert_true(log_since_wait(h, "session", mark, "drawn 640 480"));
	assert_true(harness_wait(h, "idle"));
	expect_filled(h, "HEADLESS-2", 640, 480, GREEN, "fullscreen-right");
	expect_none(h, "HEADLESS-1", GREEN, "left-left");

	mark = log_mark(h, "session");
	assert_true(harness_type(h, "kb", "f"));
	assert_true(log_since_wait(h, "session", mark, "asked unfullscreen"));
	assert_true(log_since_wait(h, "session", mark,
		"\nconfigure 640 480\n"));
	assert_true(log_since_wait(h, "session", mark, "drawn 640 480"));
	assert_true(harness_wait(h, "idle"));
	expect_filled(h, "HEADLESS-2", 640, 480, GREEN, "maximized-right");
	expect_none(h, "HEADLESS-1", GREEN, "left-still-empty");
	assert_true(log_since_lacks(h, "session", mark, "enter "));
	assert_true(log_since_lacks(h, "session", mark, "leave "));
}

static void test_popup_opens_on_its_window_screen(void **state) {
	struct mp_harness *h = signed_in_on(state, "HEADLESS-2", "--popups 1");
	assert_true(log_has(h, "session", "popup 1 drawn"));
	assert_true(log_has(h, "session", "popup 1 configured 20 20 50 50"));
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "output", "HEADLESS-2");
	assert_true(harness_expect_color(shot, 20, 20, 50, 50, YELLOW, 50 * 50,
		"popup-at-its-window-corner"));
	harness_shot_free(shot);
	expect_none(h, "HEADLESS-1", YELLOW, "no-popup-on-left");
}

static void test_move_to_one_screen_brings_windows_to_it(void **state) {
	// On duo's second screen, then the user signs in at solo: the
	// session moves, MP-2 goes, its window fills solo's one screen.
	struct mp_harness *h = signed_in_on(state, "HEADLESS-2", NULL);
	assert_true(log_has(h, "session", "enter MP-2"));
	size_t mark = log_mark(h, "session");
	sign_in(h, "kb-s");
	assert_true(harness_wait(h, "views solo 1"));
	assert_state_str(h, "sessions/1/station", "solo");
	assert_true(log_since_wait(h, "session", mark, "global-remove"));
	assert_true(log_since_wait(h, "session", mark, "configure 800 600"));
	assert_true(log_since_wait(h, "session", mark, "enter MP-1"));
	assert_true(log_since_wait(h, "session", mark, "drawn 800 600"));
	assert_true(harness_wait(h, "idle"));
	expect_filled(h, "HEADLESS-3", 800, 600, GREEN, "solo-filled");
	expect_none(h, "HEADLESS-2", GREEN, "duo-right-empty");
}

static void test_back_at_two_screens_it_is_on_the_first(void **state) {
	// Moved to solo (one screen) and back to duo with the pointer on
	// the right: it stays on the screen it had, now the first.
	struct mp_harness *h = signed_in_on(state, "HEADLESS-2", NULL);
	sign_in(h, "kb-s");
	assert_true(harness_wait(h, "views solo 1"));
	assert_true(log_has(h, "session", "drawn 800 600"));
	size_t mark = log_mark(h, "session");
	assert_true(harness_action(h, "disconnect", "1"));
	assert_true(harness_wait(h, "session-state 1 parked"));
	pointer_to(h, "HEADLESS-2");
	sign_in(h, "kb");
	assert_true(harness_wait(h, "views duo 1"));
	assert_true(log_since_wait(h, "session", mark, "drawn 640 480"));
	assert_true(harness_wait(h, "idle"));
	expect_filled(h, "HEADLESS-1", 640, 480, GREEN, "back-on-first");
	expect_none(h, "HEADLESS-2", GREEN, "second-empty");
	assert_true(log_since_lacks(h, "session", mark, "enter "));
}

static void test_unplugged_screen_sends_its_windows_to_the_first(
		void **state) {
	struct mp_harness *h = signed_in_on(state, "HEADLESS-2", NULL);
	size_t mark = log_mark(h, "session");
	assert_true(harness_remove_output(h, "HEADLESS-2"));
	assert_true(log_since_wait(h, "session", mark, "global-remove"));
	assert_true(log_since_wait(h, "session", mark, "enter MP-1"));
	assert_true(harness_wait(h, "idle"));
	assert_state_str(h, "sessions/1/station", "duo");
	expect_filled(h, "HEADLESS-1", 640, 480, GREEN, "on-the-remaining");
}

static void test_pointer_between_screens_maps_on_the_first(void **state) {
	// A tall screen and a short one: the pointer below the short one
	// is on neither.
	struct mp_harness *h = start_duo_with(state,
		"3:640x480,640x240,800x600", NULL, true);
	pointer_to(h, "HEADLESS-2");
	assert_true(harness_move(h, "ptr", 0, 5000));
	assert_state_long(h, "stations/duo/cursor/y", 479);
	signed_in_at(h, "kb", "duo");
	assert_true(log_has(h, "session", "drawn 640 480"));
	assert_true(log_has(h, "session", "enter MP-1"));
	assert_true(harness_wait(h, "idle"));
	expect_filled(h, "HEADLESS-1", 640, 480, GREEN, "first-screen");
}

static void test_station_without_pointer_uses_the_first(void **state) {
	struct mp_harness *h = start_duo_with(state, NULL, NULL, false);
	signed_in_at(h, "kb", "duo");
	assert_true(log_has(h, "session", "drawn 640 480"));
	assert_true(log_has(h, "session", "enter MP-1"));
	assert_true(harness_wait(h, "idle"));
	expect_filled(h, "HEADLESS-1", 640, 480, GREEN, "first-screen");
	expect_none(h, "HEADLESS-2", GREEN, "second-empty");
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			test_window_fills_the_screen_under_the_pointer, teardown),
		cmocka_unit_test_teardown(
			test_pointer_on_the_first_screen_maps_there, teardown),
		cmocka_unit_test_teardown(test_surface_enters_only_its_screen,
			teardown),
		cmocka_unit_test_teardown(test_outputs_bound_later_are_told_too,
			teardown),
		cmocka_unit_test_teardown(test_session_sees_one_output_per_screen,
			teardown),
		cmocka_unit_test_teardown(
			test_window_stays_where_it_is_when_the_pointer_moves, teardown),
		cmocka_unit_test_teardown(test_fullscreen_on_a_named_screen,
			teardown),
		cmocka_unit_test_teardown(
			test_fullscreen_without_a_screen_stays_on_its_own, teardown),
		cmocka_unit_test_teardown(
			test_fullscreen_moves_to_the_screen_asked_and_back, teardown),
		cmocka_unit_test_teardown(test_popup_opens_on_its_window_screen,
			teardown),
		cmocka_unit_test_teardown(
			test_move_to_one_screen_brings_windows_to_it, teardown),
		cmocka_unit_test_teardown(
			test_back_at_two_screens_it_is_on_the_first, teardown),
		cmocka_unit_test_teardown(
			test_unplugged_screen_sends_its_windows_to_the_first, teardown),
		cmocka_unit_test_teardown(
			test_pointer_between_screens_maps_on_the_first, teardown),
		cmocka_unit_test_teardown(
			test_station_without_pointer_uses_the_first, teardown),
	};
	return RUN_TESTS(tests);
}
