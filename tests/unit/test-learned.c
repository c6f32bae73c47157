#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "learned.h"

/* stations.ini: what mpcomp learned (pairings, layout changes). */

#define HUB "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2"

static char *temp_dir(void) {
	char *dir = strdup("/tmp/mpcomp-unit-learned-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void remove_dir(char *dir) {
	char path[256];
	snprintf(path, sizeof(path), "%s/stations.ini", dir);
	unlink(path);
	rmdir(dir);
	free(dir);
}

static char *read_all(const char *path) {
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = calloc(1, 65536);
	assert_int_equal(fread(buf, 1, 65535, f) > 0, 1);
	fclose(f);
	return buf;
}

static void test_no_file_is_empty(void **state) {
	char *dir = temp_dir();
	char *error = NULL;
	struct mp_learned *l = learned_load(dir, &error);
	assert_non_null(l);
	assert_null(error);
	assert_int_equal(l->n_pairings, 0);
	assert_int_equal(l->n_stations, 0);
	learned_destroy(l);
	remove_dir(dir);
}

static void test_save_and_load_again(void **state) {
	char *dir = temp_dir();
	char *error = NULL;
	struct mp_learned *l = learned_load(dir, &error);
	assert_true(learned_set_pairing(l, HUB, "front"));
	assert_true(learned_set_pairing(l, "path:pci-0000:00:14.0-usb-0:3",
		"back"));
	struct mp_learned_station *ls = learned_station(l, "front", true);
	char *outputs[] = { "DP-1", "edid:Dell/U2419H/ABC123" };
	assert_true(learned_station_set_outputs(ls, outputs, 2, MP_SPLIT_NONE));
	ls = learned_station(l, "front-2", true);
	ls->from = strdup("front");
	ls->name = strdup("corner");
	assert_true(learned_station_set_outputs(ls, outputs, 1, MP_SPLIT_RIGHT));
	learned_station(l, "old", true)->removed = true;
	assert_true(learned_save(l, &error));
	assert_null(error);
	learned_destroy(l);

	l = learned_load(dir, &error);
	assert_null(error);
	assert_int_equal(l->n_pairings, 2);
	assert_string_equal(learned_pairing(l, HUB), "front");
	assert_string_equal(learned_pairing(l, "path:pci-0000:00:14.0-usb-0:3"),
		"back");
	ls = learned_station(l, "front", false);
	assert_non_null(ls);
	assert_int_equal(ls->n_outputs, 2);
	assert_string_equal(ls->outputs[1], "edid:Dell/U2419H/ABC123");
	ls = learned_station(l, "front-2", false);
	assert_string_equal(ls->from, "front");
	assert_string_equal(ls->name, "corner");
	assert_int_equal(ls->split, MP_SPLIT_RIGHT);
	assert_true(learned_station(l, "old", false)->removed);
	learned_destroy(l);
	remove_dir(dir);
}

static void test_pairing_is_replaced_and_forgotten(void **state) {
	char *error = NULL;
	struct mp_learned *l = learned_parse("/nowhere", "", &error);
	assert_true(learned_set_pairing(l, HUB, "a"));
	assert_true(learned_set_pairing(l, HUB, "b"));
	assert_int_equal(l->n_pairings, 1);
	assert_string_equal(learned_pairing(l, HUB), "b");
	assert_true(learned_set_pairing(l, "x", "b"));
	assert_true(learned_move_pairings(l, "b", "c"));
	assert_string_equal(learned_pairing(l, "x"), "c");
	assert_int_equal(learned_forget_station(l, "c"), 2);
	assert_null(learned_pairing(l, HUB));
	assert_true(learned_set_pairing(l, HUB, "a"));
	assert_true(learned_set_pairing(l, HUB, NULL));
	assert_int_equal(l->n_pairings, 0);
	learned_destroy(l);
}

/* Text mpcomp did not write: all of it ignored, with a reason. */
static void expect_refused(const char *text, const char *reason) {
	char *error = NULL;
	struct mp_learned *l = learned_parse("/d", text, &error);
	assert_non_null(l);
	assert_non_null(error);
	if (strstr(error, reason) == NULL) {
		fail_msg("'%s' does not say '%s'", error, reason);
	}
	assert_int_equal(l->n_pairings, 0);
	assert_int_equal(l->n_stations, 0);
	free(error);
	learned_destroy(l);
}

static void test_foreign_text_is_refused_whole(void **state) {
	expect_refused("[pairings]\na = " HUB "\n[other]\nx = 1\n",
		"unknown section [other]");
	expect_refused("[pairings]\nbad name = " HUB "\n", "not a station name");
	expect_refused("[pairings]\na = " HUB "\nb = " HUB "\n", "paired twice");
	expect_refused("[station a]\nsplit = middle\n", "not left, right");
	expect_refused("[station a]\ncolour = red\n", "not a key mpcomp writes");
	expect_refused("[station a/b]\nname = x\n", "unknown section");
	expect_refused("[pairings]\na = \x01\n", "not a value mpcomp writes");
	expect_refused("just text\n", "line 1");
}

static void test_unwritable_dir_keeps_the_old_file(void **state) {
	char *dir = temp_dir();
	char *error = NULL;
	struct mp_learned *l = learned_load(dir, &error);
	assert_true(learned_set_pairing(l, HUB, "a"));
	assert_true(learned_save(l, &error));
	char path[256];
	snprintf(path, sizeof(path), "%s/stations.ini", dir);
	char *before = read_all(path);
	// A directory where the file's directory should be: cannot write.
	struct mp_learned *bad = learned_parse(path, "", &error);
	assert_true(learned_set_pairing(bad, HUB, "b"));
	assert_false(learned_save(bad, &error));
	assert_non_null(error);
	free(error);
	learned_destroy(bad);
	char *after = read_all(path);
	assert_string_equal(before, after);
	// No temporary file is left behind.
	assert_int_equal(access(dir, F_OK), 0);
	free(before);
	free(after);
	learned_destroy(l);
	remove_dir(dir);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_file_is_empty),
		cmocka_unit_test(test_save_and_load_again),
		cmocka_unit_test(test_pairing_is_replaced_and_forgotten),
		cmocka_unit_test(test_foreign_text_is_refused_whole),
		cmocka_unit_test(test_unwritable_dir_keeps_the_old_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
