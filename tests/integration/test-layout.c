#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"
#include "lifecycle.h"

/* Layout changes at run time with mpmgr (split, join, assign-output,
 * assign-device), kept in stations.ini, and outputs named by EDID. */

static const char one_wide[] =
	"[station a]\noutputs = HEADLESS-1\ndevices = usb-a\n"
	"[station c]\noutputs = HEADLESS-2\ndevices = usb-c\n";

static struct mp_harness *start_in(void **state, const char *stations,
		const char *headless, const char *state_dir) {
	char *cmd = client_cmd("00ff00", "session", NULL);
	char *config = harness_format("[compositor]\nsession-command = %s\n%s",
		cmd, stations);
	free(cmd);
	struct mp_harness_options options = {
		.config = config,
		.headless = headless,
		.state_dir = state_dir,
	};
	struct mp_harness *h = harness_start_with(&options);
	free(config);
	assert_non_null(h);
	*state = h;
	return h;
}

/* a on a 1920x1080 output, c on a 1024x768 one, each with a keyboard. */
static struct mp_harness *start_wide(void **state, const char *state_dir) {
	struct mp_harness *h = start_in(state, one_wide, "2:1920x1080,1024x768",
		state_dir);
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-a:1.0", NULL));
	assert_true(harness_request_add_keyboard(h, "kb-c", "usb-c:1.0", NULL));
	return h;
}

/* mpmgr's exit status; its stderr in *err when err is not NULL. */
static int mpmgr(struct mp_harness *h, char **err, const char *a,
		const char *b, const char *c, const char *d) {
	char *out = NULL, *e = NULL;
	int status = harness_mpmgr(h, &out, &e, a, b, c, d, NULL);
	free(out);
	if (status != 0 && err == NULL) {
		fprintf(stderr, "mpmgr %s %s: %s", a, b ? b : "", e ? e : "");
	}
	if (err != NULL) {
		*err = e;
	} else {
		free(e);
	}
	return status;
}

static void test_split_makes_two_stations(void **state) {
	struct mp_harness *h = start_wide(state, NULL);
	assert_int_equal(mpmgr(h, NULL, "split", "a", NULL, NULL), 0);
	assert_true(harness_wait(h, "station a login"));
	assert_state_long(h, "stations/a/area/width", 960);
	assert_state_long(h, "stations/a/area/height", 1080);
	assert_state_long(h, "stations/a-2/area/x", 960);
	assert_state_long(h, "stations/a-2/area/width", 960);
	assert_state_str(h, "stations/a/layout/split", "left");
	// The new half has no keyboard yet: it shows its key (a, c, a-2).
	assert_true(harness_wait(h, "overlay a-2 identify"));
	assert_state_str(h, "stations/a-2/key", "F3");
	assert_state_str(h, "devices/kb-a/station", "a");
	char *path = harness_path(h, "state/stations.ini");
	char *ini = harness_read_file(path);
	free(path);
	assert_non_null(strstr(ini, "[station a]\noutputs = HEADLESS-1\n"
		"split = left\n"));
	assert_non_null(strstr(ini, "[station a-2]\nfrom = a\n"
		"outputs = HEADLESS-1\nsplit = right\n"));
	free(ini);
}

static void test_split_of_a_small_screen_is_refused(void **state) {
	struct mp_harness *h = start_wide(state, NULL);
	char *err = NULL;
	assert_int_equal(mpmgr(h, &err, "split", "c", NULL, NULL), 1);
	assert_non_null(strstr(err, "1024x768: halves of a screen of 1024x768 "
		"or less are too small to use"));
	free(err);
	assert_false(harness_state_has(h, "stations/c-2"));
	assert_state_str(h, "stations/c/layout/split", "none");
}

static void test_split_with_a_session_needs_park(void **state) {
	struct mp_harness *h = start_wide(state, NULL);
	signed_in_at(h, "kb-a", "a");
	char *err = NULL;
	assert_int_equal(mpmgr(h, &err, "split", "a", NULL, NULL), 1);
	assert_non_null(strstr(err, "station a is in use"));
	assert_non_null(strstr(err, "--park"));
	free(err);
	assert_false(harness_state_has(h, "stations/a-2"));
	assert_true(harness_wait(h, "station a active"));
	// With --park the session waits, parked, and comes back by sign-in.
	assert_int_equal(mpmgr(h, NULL, "split", "a", "--park", NULL), 0);
	assert_true(harness_wait(h, "session-state 1 parked"));
	assert_true(harness_wait(h, "station a login"));
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "session-state 1 attached"));
	assert_true(harness_wait(h, "views a 1"));
	assert_state_long(h, "stations/a/area/width", 960);
}

static void test_join_takes_the_whole_output_back(void **state) {
	struct mp_harness *h = start_wide(state, NULL);
	assert_int_equal(mpmgr(h, NULL, "split", "a", "half", NULL), 0);
	assert_true(harness_wait(h, "overlay half identify"));
	assert_int_equal(mpmgr(h, NULL, "join", "a", NULL, NULL), 0);
	assert_false(harness_state_has(h, "stations/half"));
	assert_state_long(h, "stations/a/area/width", 1920);
	assert_state_str(h, "stations/a/layout/split", "none");
	assert_true(harness_wait(h, "station a login"));
}

static void test_join_with_a_session_on_the_other_half_parks_it(
		void **state) {
	struct mp_harness *h = start_wide(state, NULL);
	assert_int_equal(mpmgr(h, NULL, "split", "a", "half", NULL), 0);
	// The other half gets a keyboard of its own, and a session.
	assert_int_equal(mpmgr(h, NULL, "assign-device", "kb-c", "half", NULL),
		1); // kb-c is c's by mpcomp.ini: refused
	assert_true(harness_request_add_keyboard(h, "kb-x", "usb-x:1.0", NULL));
	assert_int_equal(mpmgr(h, NULL, "assign-device", "kb-x", "half", NULL),
		0);
	assert_state_str(h, "devices/kb-x/station", "half");
	assert_state_str(h, "devices/kb-x/rule", "pairing");
	signed_in_at(h, "kb-x", "half");
	char *err = NULL;
	assert_int_equal(mpmgr(h, &err, "join", "a", NULL, NULL), 1);
	assert_non_null(strstr(err, "station half is in use"));
	free(err);
	assert_int_equal(mpmgr(h, NULL, "join", "a", "--park", NULL), 0);
	assert_true(harness_wait(h, "session-state 1 parked"));
	// half's keyboard came to a.
	assert_state_str(h, "devices/kb-x/station", "a");
	assert_state_long(h, "stations/a/area/width", 1920);
}

static void test_layout_survives_a_restart(void **state) {
	char *dir = strdup("/tmp/mpcomp-test-state-XXXXXX");
	assert_non_null(mkdtemp(dir));
	struct mp_harness *h = start_wide(state, dir);
	assert_int_equal(mpmgr(h, NULL, "split", "a", NULL, NULL), 0);
	assert_int_equal(mpmgr(h, NULL, "rename", "a-2", "right", NULL), 0);
	*state = NULL;
	assert_int_equal(harness_stop(h), 0);
	h = start_wide(state, dir);
	assert_true(harness_wait(h, "overlay right identify"));
	assert_state_long(h, "stations/a/area/width", 960);
	assert_state_long(h, "stations/right/area/x", 960);
	*state = NULL;
	assert_int_equal(harness_stop(h), 0);
	char *file = harness_format("%s/stations.ini", dir);
	unlink(file);
	free(file);
	rmdir(dir);
	free(dir);
}

static void test_split_that_cannot_be_saved_says_so(void **state) {
	// The state directory cannot be made (a file is in the way): the
	// split holds until mpcomp exits, and mpmgr says it is not kept.
	char *file = strdup("/tmp/mpcomp-test-file-XXXXXX");
	int fd = mkstemp(file);
	assert_true(fd >= 0);
	close(fd);
	char *dir = harness_format("%s/state", file);
	struct mp_harness *h = start_wide(state, dir);
	char *err = NULL;
	assert_int_equal(mpmgr(h, &err, "split", "a", NULL, NULL), 1);
	assert_non_null(strstr(err, "done, but not kept over a restart: cannot "
		"save"));
	free(err);
	assert_state_long(h, "stations/a-2/area/width", 960);
	assert_int_equal(mpmgr(h, &err, "rename", "a-2", "right", NULL), 1);
	assert_non_null(strstr(err, "done, but not kept over a restart"));
	free(err);
	assert_true(harness_state_has(h, "stations/right"));
	// Pairings forgotten are forgotten at once, kept or not.
	assert_int_equal(mpmgr(h, &err, "clear-pairings", NULL, NULL, NULL), 1);
	assert_non_null(strstr(err, "done, but not kept over a restart"));
	free(err);
	assert_state_bool(h, "pairing", true);
	*state = NULL;
	assert_int_equal(harness_stop(h), 0);
	unlink(file);
	free(file);
	free(dir);
}

static void test_assign_output_moves_a_screen(void **state) {
	struct mp_harness *h = start_wide(state, NULL);
	assert_int_equal(mpmgr(h, NULL, "assign-output", "HEADLESS-1", "c",
		NULL), 0);
	assert_state_long(h, "stations/c/area/width", 1920);
	assert_state_long(h, "stations/a/hardware/outputs", 0);
	assert_true(harness_wait(h, "station a offline"));
	char *err = NULL;
	assert_int_equal(mpmgr(h, &err, "assign-output", "DP-9", "c", NULL), 1);
	assert_non_null(strstr(err, "no output DP-9"));
	free(err);
}

static void test_assign_device_and_back(void **state) {
	struct mp_harness *h = start_wide(state, NULL);
	assert_true(harness_request_add_keyboard(h, "kb-x", "usb-x:1.0", NULL));
	assert_state_null(h, "devices/kb-x/station");
	assert_int_equal(mpmgr(h, NULL, "assign-device", "kb-x", "c", NULL), 0);
	assert_state_str(h, "devices/kb-x/station", "c");
	assert_int_equal(mpmgr(h, NULL, "assign-device", "kb-x", "--none",
		NULL), 0);
	assert_state_null(h, "devices/kb-x/station");
}

static void test_edid_output_survives_a_renamed_connector(void **state) {
	static const char config[] =
		"[station desk]\noutputs = edid:Dell/U2419H/ABC123\n"
		"devices = usb-a\n"
		"[station other]\noutputs = HEADLESS-1\ndevices = usb-b\n";
	struct mp_harness *h = start(state, "1:640x480", config);
	assert_true(harness_wait(h, "station desk offline"));
	char *name = harness_add_output_edid(h, 1280, 720, "DP-1", "Dell",
		"U2419H", "ABC123");
	assert_string_equal(name, "DP-1");
	free(name);
	assert_state_long(h, "stations/desk/area/width", 1280);
	assert_true(harness_remove_output(h, "DP-1"));
	assert_state_long(h, "stations/desk/hardware/outputs", 0);
	// The same monitor on another connector; another monitor is not it.
	name = harness_add_output_edid(h, 800, 600, "DP-2", "Dell", "U2419H",
		"XYZ999");
	free(name);
	assert_state_long(h, "stations/desk/hardware/outputs", 0);
	name = harness_add_output_edid(h, 1280, 720, "DP-3", "Dell", "U2419H",
		"ABC123");
	free(name);
	assert_state_long(h, "stations/desk/hardware/outputs", 1);
	assert_state_str(h, "stations/desk/outputs/DP-3", "DP-3");
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_split_makes_two_stations, teardown),
		cmocka_unit_test_teardown(test_split_of_a_small_screen_is_refused,
			teardown),
		cmocka_unit_test_teardown(test_split_with_a_session_needs_park,
			teardown),
		cmocka_unit_test_teardown(test_join_takes_the_whole_output_back,
			teardown),
		cmocka_unit_test_teardown(
			test_join_with_a_session_on_the_other_half_parks_it, teardown),
		cmocka_unit_test_teardown(test_layout_survives_a_restart, teardown),
		cmocka_unit_test_teardown(test_split_that_cannot_be_saved_says_so,
			teardown),
		cmocka_unit_test_teardown(test_assign_output_moves_a_screen,
			teardown),
		cmocka_unit_test_teardown(test_assign_device_and_back, teardown),
		cmocka_unit_test_teardown(
			test_edid_output_survives_a_renamed_connector, teardown),
	};
	return RUN_TESTS(tests);
}
