/* Windows and menus of a session as it lives at and moves between
 * stations. */
#include "common.h"

#define CYAN 0x00ffff

/* Station a (left half of a 1280x720 output) and c (a 1024x768 output of
 * its own), desktops with keyboards kb-a and kb-c; sessions run mp-client
 * (green) with extra options, logging to session.log. */
static struct mp_harness *start_two_sizes(void **state, const char *extra) {
	char *cmd = client_cmd("00ff00", "session", extra);
	char *config = harness_format("[compositor]\nsession-command = %s\n"
		"[station a]\noutputs = HEADLESS-1\nsplit = left\ndevices = usb-a\n"
		"[station c]\noutputs = HEADLESS-2\ndevices = usb-c\n", cmd);
	struct mp_harness *h = start(state, "2:1280x720,1024x768", config);
	free(cmd);
	free(config);
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-a:1.0", NULL));
	assert_true(harness_request_add_keyboard(h, "kb-c", "usb-c:1.0", NULL));
	return h;
}

/* The user signs in at c: the session moves there. */
static void move_to_c(struct mp_harness *h) {
	sign_in(h, "kb-c");
	assert_true(harness_wait(h, "session c any"));
}

static void test_popups_close_when_the_session_moves(void **state) {
	struct mp_harness *h = start_two_sizes(state, "--popups 2");
	sign_in(h, "kb-a");
	assert_true(log_has(h, "session", "popup 2 drawn"));
	move_to_c(h);
	assert_true(log_has(h, "session", "popup 1 done"));
	assert_true(log_has(h, "session", "popup 2 done"));
}

static void test_menu_opens_after_a_move(void **state) {
	// A menu opened at a, the session moves to c, a new (nested) menu
	// opens there: it is shown at c, inside c, and nothing points to
	// what was shown at a (valgrind saw a popup's parent node freed).
	struct mp_harness *h = start_two_sizes(state, "--popup-key");
	sign_in(h, "kb-a");
	assert_true(log_has(h, "session", "keyboard-enter"));
	assert_true(harness_type(h, "kb-a", "p"));
	assert_true(log_has(h, "session", "popup 1 drawn"));
	move_to_c(h);
	assert_true(log_has(h, "session", "popup 1 done"));
	assert_true(harness_type(h, "kb-c", "p"));
	assert_true(log_has(h, "session", "popup 2 drawn"));
	assert_true(harness_type(h, "kb-c", "p"));
	assert_true(log_has(h, "session", "popup 3 drawn"));
	assert_true(harness_wait(h, "idle"));
	// Popup 2 (cyan, partly under popup 3) is on c; a shows its
	// greeter, no pixel of the session.
	struct mp_shot *shot = shoot(h, "station", "c");
	assert_true(harness_expect_color_range(shot, 0, 0, 0, 0, CYAN,
		50 * 50 / 2, 50 * 50, "menu-after-move-on-c"));
	harness_shot_free(shot);
	shot = shoot(h, "station", "a");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, CYAN, 0,
		"menu-after-move-not-on-a"));
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, GREEN, 0,
		"session-not-on-a"));
	harness_shot_free(shot);
}

static void test_nested_menu_after_a_move(void **state) {
	// A menu is open at a; the session moves to c, where the client opens
	// another menu as it gets c's size (on the newest menu it still has
	// open). Nothing of what a showed may be used for it: the moved
	// session's menus once pointed at scene nodes freed with its old
	// windows (valgrind saw it).
	struct mp_harness *h = start_two_sizes(state,
		"--popups 1 --popup-on-resize");
	sign_in(h, "kb-a");
	assert_true(log_has(h, "session", "popup 1 drawn"));
	move_to_c(h);
	assert_true(log_has(h, "session", "popup 1 done"));
	assert_true(log_has(h, "session", "popup 2 drawn"));
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "c");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, CYAN, 50 * 50,
		"nested-menu-on-c"));
	harness_shot_free(shot);
	assert_true(harness_type(h, "kb-c", "x"));
	assert_true(log_has(h, "session", "key x x"));
}

static void test_menu_answered_as_it_is_dismissed_keeps_the_client(
		void **state) {
	// The client acks its menu's configure while the move dismisses the
	// menu (its request was on its way): it lives on at c.
	struct mp_harness *h = start_two_sizes(state,
		"--popups 1 --late-popup-ack");
	sign_in(h, "kb-a");
	assert_true(log_has(h, "session", "popup 1 configure not acked"));
	long pid = state_long(h, "sessions/1/pid");
	move_to_c(h);
	assert_true(log_has(h, "session", "popup 1 acked after done"));
	assert_true(harness_type(h, "kb-c", "x"));
	assert_true(log_has(h, "session", "key x x"));
	assert_state_long(h, "sessions/1/pid", pid);
	assert_state_count(h, "sessions", 1);
	assert_true(log_lacks(h, "session", "exit"));
}

static void test_session_outputs_take_the_new_station_size(void **state) {
	// The session's output is resized (a mode set through a commit) and
	// its window configured to the new station's size.
	struct mp_harness *h = start_two_sizes(state, NULL);
	sign_in(h, "kb-a");
	assert_true(log_has(h, "session", "output-mode 640 720"));
	assert_true(log_has(h, "session", "configure 640 720"));
	move_to_c(h);
	assert_true(log_has(h, "session", "output-mode 1024 768"));
	assert_true(log_has(h, "session", "configure 1024 768"));
	assert_true(log_has(h, "session", "drawn 1024 768"));
	assert_true(log_lacks(h, "session", "global-remove"));
}

static long count_lines(struct mp_harness *h, const char *name,
		const char *prefix) {
	char *path = log_path(h, name);
	char *text = harness_read_file(path);
	free(path);
	long n = 0;
	for (char *p = text; p && (p = strstr(p, prefix)) != NULL; p++) {
		n++;
	}
	free(text);
	return n;
}

static void test_new_window_configures_only_what_changes(void **state) {
	// 100 windows of one client, each made once the one before is
	// mapped: each is configured when it is made, when it gets the focus
	// and when it loses it, never again for the others (each new window
	// once configured all of them: N(N+3)/2 = 5150 configures).
	enum { N = 100 };
	char *extra = harness_format("--windows %d --one-by-one", N);
	struct mp_harness *h = start_two_sizes(state, extra);
	free(extra);
	sign_in(h, "kb-a");
	char *views = harness_format("views a %d", N);
	assert_true(harness_wait(h, views));
	free(views);
	char *last = harness_format("configure[%d] 640 720 activated", N - 1);
	assert_true(log_has(h, "session", last));
	free(last);
	char *before_last = harness_format("configure[%d] 640 720 inactive",
		N - 2);
	assert_true(log_has(h, "session", before_last));
	free(before_last);
	assert_true(harness_wait(h, "idle"));
	long configures = count_lines(h, "session", "configure[");
	fprintf(stderr, "%d windows: %ld configures\n", N, configures);
	assert_true(configures <= 3 * N);
}

static void test_lying_opaque_region_shows_only_the_clients_pixels(
		void **state) {
	// A window drawn red, then transparent (ARGB, every pixel 0) while
	// it declares the whole of itself opaque: what the station shows
	// there is what the client sent (its pixels copied; the output has
	// no alpha: black), never its last frame (red) nor the background.
	char *cmd = client_cmd("ff0000", "s", "--lying-opaque");
	struct mp_harness *h = start_session_command(state, cmd);
	free(cmd);
	assert_true(log_has(h, "s", "drawn 640 480"));
	assert_true(log_has(h, "s", "lying-frame 640 480"));
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "s");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, RED, 0,
		"lying-opaque-not-red"));
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, 0x000000, 640 * 480,
		"lying-opaque-black"));
	harness_shot_free(shot);
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_popups_close_when_the_session_moves,
			teardown),
		cmocka_unit_test_teardown(test_menu_opens_after_a_move, teardown),
		cmocka_unit_test_teardown(test_nested_menu_after_a_move, teardown),
		cmocka_unit_test_teardown(
			test_menu_answered_as_it_is_dismissed_keeps_the_client,
			teardown),
		cmocka_unit_test_teardown(
			test_session_outputs_take_the_new_station_size, teardown),
		cmocka_unit_test_teardown(
			test_new_window_configures_only_what_changes, teardown),
		cmocka_unit_test_teardown(
			test_lying_opaque_region_shows_only_the_clients_pixels,
			teardown),
	};
	return RUN_TESTS(tests);
}
