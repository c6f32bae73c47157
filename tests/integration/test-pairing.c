#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common.h"
#include "lifecycle.h"

/* Device identity and pairing by key press: two desktop stations with no
 * devices = lines (a on the left half, b on the right half of one
 * output), and virtual devices with the udev properties recorded from a
 * QEMU machine with two USB hubs (tests/data/udev/qemu-*: keyboard and
 * mouse on hub 1-1, keyboard and mouse on hub 1-2). */

#define HUB1 "/sys/devices/pci0000:00/0000:00:04.0/usb1/1-1"
#define HUB2 "/sys/devices/pci0000:00/0000:00:04.0/usb1/1-2"

static const char two_stations[] =
	"[station a]\noutputs = HEADLESS-1\nsplit = left\n"
	"[station b]\noutputs = HEADLESS-1\nsplit = right\n";

/* A state directory that outlives one mpcomp (for a restart); removed
 * by the test. */
static char *state_dir_make(void) {
	char *dir = strdup("/tmp/mpcomp-test-state-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void state_dir_remove(char *dir) {
	char *file = harness_format("%s/stations.ini", dir);
	unlink(file);
	free(file);
	rmdir(dir);
	free(dir);
}

static struct mp_harness *start_in(void **state, const char *state_dir) {
	char *cmd = client_cmd("00ff00", "session", NULL);
	char *config = harness_format("[compositor]\nsession-command = %s\n%s",
		cmd, two_stations);
	free(cmd);
	struct mp_harness_options options = {
		.config = config,
		.headless = "1:1280x720",
		.state_dir = state_dir,
	};
	struct mp_harness *h = harness_start_with(&options);
	free(config);
	assert_non_null(h);
	*state = h;
	return h;
}

static struct mp_harness *start_two(void **state) {
	return start_in(state, NULL);
}

static char *stations_ini(struct mp_harness *h) {
	char *path = harness_path(h, "state/stations.ini");
	char *text = harness_read_file(path);
	free(path);
	return text;
}

/* Adds a device from a fixture; returns the station it went to. */
static char *add(struct mp_harness *h, const char *type, const char *name,
		const char *fixture) {
	char *station = NULL;
	assert_true(harness_add_device(h, type, name, fixture, &station));
	assert_non_null(station);
	return station;
}

static void test_station_without_keyboard_shows_its_key(void **state) {
	struct mp_harness *h = start_two(state);
	assert_true(harness_wait(h, "overlay a identify"));
	assert_true(harness_wait(h, "overlay b identify"));
	assert_state_bool(h, "stations/a/pairing", true);
	assert_state_long(h, "stations/a/hardware/keyboards", 0);
	assert_state_long(h, "stations/a/hardware/outputs", 1);
	assert_state_str(h, "stations/b/key", "F2");
	// The identify overlay is the top one: the key, and why.
	assert_state_str(h, "stations/b/overlays/identify/title", "F2");
	assert_state_str(h, "stations/b/overlays/identify/text",
		"No keyboard: press F2 on a keyboard to use this station");
}

static void test_unassigned_keyboard_does_nothing(void **state) {
	struct mp_harness *h = start_two(state);
	char *station = add(h, "keyboard", "kb1", "qemu-kbd-1.txt");
	assert_string_equal(station, "");
	free(station);
	assert_state_str(h, "devices/kb1/rule", "none");
	assert_state_str(h, "devices/kb1/group", HUB1);
	// Typing on it reaches no greeter.
	assert_true(harness_type(h, "kb1", "someone"));
	assert_true(harness_wait(h, "greeter a ready"));
	assert_state_str(h, "stations/a/overlays/greeter/user", "");
}

static void test_key_press_pairs_the_keyboard(void **state) {
	struct mp_harness *h = start_two(state);
	free(add(h, "keyboard", "kb1", "qemu-kbd-1.txt"));
	assert_true(harness_key(h, "kb1", "F2"));
	assert_state_str(h, "devices/kb1/station", "b");
	assert_state_str(h, "devices/kb1/rule", "pairing");
	// b shows its greeter at once; a still waits for its keyboard.
	assert_true(harness_wait(h, "no-overlay b identify"));
	assert_state_bool(h, "stations/b/pairing", false);
	assert_state_bool(h, "stations/a/pairing", true);
	assert_true(harness_wait(h, "greeter b ready"));
	char *ini = stations_ini(h);
	assert_non_null(ini);
	assert_non_null(strstr(ini, "[pairings]\nb = " HUB1 "\n"));
	free(ini);
}

static void test_two_keyboards_pair_with_two_stations(void **state) {
	struct mp_harness *h = start_two(state);
	free(add(h, "keyboard", "kb1", "qemu-kbd-1.txt"));
	free(add(h, "keyboard", "kb2", "qemu-kbd-2.txt"));
	assert_true(harness_key(h, "kb1", "F2"));
	assert_true(harness_key(h, "kb2", "F1"));
	assert_state_str(h, "devices/kb1/station", "b");
	assert_state_str(h, "devices/kb2/station", "a");
	assert_true(harness_wait(h, "no-overlay a identify"));
	// Each types at its own station now.
	assert_true(harness_type(h, "kb2", "x"));
	assert_true(harness_wait(h, "idle"));
	assert_state_str(h, "stations/a/overlays/greeter/user", "x");
	assert_state_str(h, "stations/b/overlays/greeter/user", "");
}

static void test_mouse_plugged_later_follows_its_hub(void **state) {
	struct mp_harness *h = start_two(state);
	free(add(h, "keyboard", "kb1", "qemu-kbd-1.txt"));
	assert_true(harness_key(h, "kb1", "F2"));
	char *station = add(h, "pointer", "mouse1", "qemu-mouse-1.txt");
	assert_string_equal(station, "b");
	free(station);
	assert_state_str(h, "devices/mouse1/rule", "pairing");
	// The other hub's mouse does not.
	station = add(h, "pointer", "mouse2", "qemu-mouse-2.txt");
	assert_string_equal(station, "");
	free(station);
}

static void test_taken_key_says_so(void **state) {
	struct mp_harness *h = start_two(state);
	free(add(h, "keyboard", "kb1", "qemu-kbd-1.txt"));
	free(add(h, "keyboard", "kb2", "qemu-kbd-2.txt"));
	assert_true(harness_key(h, "kb1", "F1"));
	assert_true(harness_key(h, "kb2", "F1"));
	assert_state_null(h, "devices/kb2/station");
	// Shown where the key is still wanted: station b.
	assert_true(harness_wait(h, "idle"));
	char *text = harness_state_str(h, "stations/b/overlays/identify/text");
	assert_non_null(text);
	assert_non_null(strstr(text, "F1 is taken: station a has a keyboard"));
	free(text);
	assert_state_str(h, "devices/kb1/station", "a");
}

static void test_pairing_survives_a_restart(void **state) {
	char *dir = state_dir_make();
	struct mp_harness *h = start_in(state, dir);
	free(add(h, "keyboard", "kb1", "qemu-kbd-1.txt"));
	assert_true(harness_key(h, "kb1", "F2"));
	assert_state_str(h, "devices/kb1/station", "b");
	*state = NULL;
	assert_int_equal(harness_stop(h), 0);
	h = start_in(state, dir);
	char *station = add(h, "keyboard", "kb1", "qemu-kbd-1.txt");
	assert_string_equal(station, "b");
	free(station);
	assert_state_str(h, "devices/kb1/rule", "pairing");
	*state = NULL;
	assert_int_equal(harness_stop(h), 0);
	state_dir_remove(dir);
}

/* A stations.ini mpcomp did not write: ignored with a clear log line,
 * pairing runs, and the file stays as it is until a pairing. */
static void corrupt_start(void **state, const char *content, size_t len) {
	char *dir = state_dir_make();
	char *path = harness_format("%s/stations.ini", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	fclose(f);
	struct mp_harness *h = start_in(state, dir);
	assert_true(harness_wait(h, "overlay a identify"));
	char *log = harness_path(h, "mpcomp.log");
	assert_true(harness_wait_file_contains(log,
		"what it says is ignored (devices it paired wait for pairing)", 10));
	free(log);
	// The device it names is not paired.
	char *station = add(h, "keyboard", "kb1", "qemu-kbd-1.txt");
	assert_string_equal(station, "");
	free(station);
	char *text = harness_read_file(path);
	assert_non_null(text);
	assert_memory_equal(text, content, strlen(text) < len ? strlen(text) :
		len);
	free(text);
	// A pairing writes a good one.
	assert_true(harness_key(h, "kb1", "F1"));
	assert_state_str(h, "devices/kb1/station", "a");
	text = harness_read_file(path);
	assert_non_null(strstr(text, "[pairings]\na = " HUB1 "\n"));
	free(text);
	free(path);
	*state = NULL;
	assert_int_equal(harness_stop(h), 0);
	state_dir_remove(dir);
}

static void test_corrupted_stations_ini_is_ignored(void **state) {
	static const char text[] = "[pairings]\nb = " HUB1 "\n[station a\n"
		"outputs = ???\n";
	corrupt_start(state, text, sizeof(text) - 1);
}

static void test_binary_stations_ini_is_ignored(void **state) {
	static const char text[] = "[pairings]\nb = " HUB1 "\n\0\x01\x02garbage";
	corrupt_start(state, text, sizeof(text) - 1);
}

static void test_pairing_mode_leaves_a_station_in_use_alone(void **state) {
	struct mp_harness *h = start_two(state);
	free(add(h, "keyboard", "kb1", "qemu-kbd-1.txt"));
	free(add(h, "keyboard", "kb2", "qemu-kbd-2.txt"));
	assert_true(harness_key(h, "kb1", "F1"));
	assert_true(harness_key(h, "kb2", "F2"));
	assert_true(harness_wait(h, "greeter a ready"));
	sign_in(h, "kb1");
	assert_true(harness_wait(h, "station a active"));
	assert_int_equal(harness_mpmgr(h, NULL, NULL, "pair", NULL), 0);
	// b (free) shows its key again; a (in use) does not.
	assert_true(harness_wait(h, "overlay b identify"));
	assert_state_bool(h, "stations/a/pairing", false);
	// The user at a presses F2 and F1: typed into the session, nothing
	// paired.
	assert_true(harness_key(h, "kb1", "F2"));
	assert_state_str(h, "devices/kb1/station", "a");
	// b's own keyboard presses a's key: taken, a keeps its session.
	assert_true(harness_key(h, "kb2", "F1"));
	assert_state_str(h, "devices/kb2/station", "b");
	assert_true(harness_wait(h, "station a active"));
	char *text = harness_state_str(h, "stations/b/overlays/identify/text");
	assert_non_null(strstr(text, "F1 is taken: station a is in use"));
	free(text);
	// b's keyboard pressing b's key ends pairing mode.
	assert_true(harness_key(h, "kb2", "F2"));
	assert_true(harness_wait(h, "no-overlay b identify"));
	assert_state_bool(h, "pairing", false);
}

static void test_clear_pairings_forgets_free_stations(void **state) {
	struct mp_harness *h = start_two(state);
	free(add(h, "keyboard", "kb1", "qemu-kbd-1.txt"));
	free(add(h, "keyboard", "kb2", "qemu-kbd-2.txt"));
	assert_true(harness_key(h, "kb1", "F1"));
	assert_true(harness_key(h, "kb2", "F2"));
	assert_true(harness_wait(h, "greeter a ready"));
	sign_in(h, "kb1");
	assert_true(harness_wait(h, "station a active"));
	assert_int_equal(harness_mpmgr(h, NULL, NULL, "clear-pairings", NULL),
		0);
	// a is in use: its keyboard stays; b's is forgotten.
	assert_state_str(h, "devices/kb1/station", "a");
	assert_state_null(h, "devices/kb2/station");
	assert_true(harness_wait(h, "overlay b identify"));
	char *ini = stations_ini(h);
	assert_non_null(strstr(ini, "a = " HUB1));
	assert_null(strstr(ini, HUB2));
	free(ini);
}

static void test_id_seat_names_a_station(void **state) {
	static const char config[] =
		"[station front]\noutputs = HEADLESS-1\n"
		"[station back]\noutputs = HEADLESS-2\n";
	struct mp_harness *h = start(state, "2:1280x720", config);
	char *station = add(h, "keyboard", "kb", "id-seat-front.txt");
	assert_string_equal(station, "front");
	free(station);
	assert_state_str(h, "devices/kb/rule", "ID_SEAT");
}

static void test_config_devices_beat_pairings(void **state) {
	static const char config[] =
		"[station a]\noutputs = HEADLESS-1\nsplit = left\n"
		"devices = /sys/devices/pci0000:00/0000:00:04.0/usb1/1-1\n"
		"[station b]\noutputs = HEADLESS-1\nsplit = right\n";
	struct mp_harness *h = start(state, "1:1280x720", config);
	char *station = add(h, "pointer", "mouse1", "qemu-mouse-1.txt");
	assert_string_equal(station, "a");
	free(station);
	assert_state_str(h, "devices/mouse1/rule", "config");
	// Its hub's keyboard pressing b's key stays at a: mpcomp.ini says so.
	free(add(h, "keyboard", "kb1", "qemu-kbd-1.txt"));
	assert_state_str(h, "devices/kb1/station", "a");
	assert_true(harness_key(h, "kb1", "F2"));
	assert_state_str(h, "devices/kb1/station", "a");
}

static void test_malformed_properties_are_refused_or_left_out(void **state) {
	struct mp_harness *h = start_two(state);
	char *station = NULL;
	assert_false(harness_add_device(h, "keyboard", "bad", "malformed-binary.bin",
		&station));
	assert_false(harness_state_has(h, "devices/bad"));
	// A NAME with control characters: the device works, NAME left out.
	assert_true(harness_add_device(h, "keyboard", "odd",
		"malformed-name-control.txt", &station));
	free(station);
	assert_state_str(h, "devices/odd/type", "keyboard");
	assert_true(harness_wait(h, "idle"));
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_station_without_keyboard_shows_its_key,
			teardown),
		cmocka_unit_test_teardown(test_unassigned_keyboard_does_nothing,
			teardown),
		cmocka_unit_test_teardown(test_key_press_pairs_the_keyboard,
			teardown),
		cmocka_unit_test_teardown(test_two_keyboards_pair_with_two_stations,
			teardown),
		cmocka_unit_test_teardown(test_mouse_plugged_later_follows_its_hub,
			teardown),
		cmocka_unit_test_teardown(test_taken_key_says_so, teardown),
		cmocka_unit_test_teardown(test_pairing_survives_a_restart, teardown),
		cmocka_unit_test_teardown(test_corrupted_stations_ini_is_ignored,
			teardown),
		cmocka_unit_test_teardown(test_binary_stations_ini_is_ignored,
			teardown),
		cmocka_unit_test_teardown(
			test_pairing_mode_leaves_a_station_in_use_alone, teardown),
		cmocka_unit_test_teardown(test_clear_pairings_forgets_free_stations,
			teardown),
		cmocka_unit_test_teardown(test_id_seat_names_a_station, teardown),
		cmocka_unit_test_teardown(test_config_devices_beat_pairings,
			teardown),
		cmocka_unit_test_teardown(
			test_malformed_properties_are_refused_or_left_out, teardown),
	};
	return RUN_TESTS(tests);
}
