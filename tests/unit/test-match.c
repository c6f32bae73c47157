/* The device-to-station matching rules (seatd-glue/match.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "match.h"

#define SYS_QEMU "/sys/devices/pci0000:00/0000:00:04.0"

/* An identity from udev properties in text ("KEY=VALUE" lines). */
static void identity_of(const char *text, struct mp_identity *id) {
	char *warning = NULL;
	assert_true(identity_parse(id, text, &warning));
	assert_null(warning);
}

/* An identity from tests/data/udev/name. */
static void load(const char *name, struct mp_identity *id) {
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", MP_UDEV_FIXTURES, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fail_msg("cannot open %s", path);
	}
	char *data = malloc(64 * 1024);
	assert_non_null(data);
	size_t size = fread(data, 1, 64 * 1024 - 1, f);
	fclose(f);
	data[size] = '\0';
	identity_of(data, id);
	free(data);
}

/* The station a device with just this ID_PATH goes to. */
static int match_path(const struct mp_match_station *stations, size_t n,
		const char *id_path, enum mp_match_rule *rule) {
	char text[256];
	snprintf(text, sizeof(text), "ID_PATH=%s\n", id_path);
	struct mp_identity id;
	identity_of(text, &id);
	int index = match_identity(stations, n, NULL, 0, &id, rule);
	identity_finish(&id);
	return index;
}

static const char *const a_devices[] = { "usb-0:1" };
static const char *const b_devices[] = { "usb-0:2", "usb-0:1.3" };
static const struct mp_match_station two_stations[] = {
	{ "a", a_devices, 1 },
	{ "b", b_devices, 2 },
};

static void test_prefix_boundaries(void **state) {
	const char *hub = "pci-0000:00:14.0-usb-0:1";
	assert_true(match_id_path_prefix(hub, "pci-0000:00:14.0-usb-0:1"));
	assert_true(match_id_path_prefix(hub, "pci-0000:00:14.0-usb-0:1:1.0"));
	assert_true(match_id_path_prefix(hub, "pci-0000:00:14.0-usb-0:1.4:1.0"));
	assert_false(match_id_path_prefix(hub, "pci-0000:00:14.0-usb-0:10:1.0"));
	assert_false(match_id_path_prefix(hub, "pci-0000:00:14.0-usb-0:2:1.0"));
	assert_false(match_id_path_prefix(hub, NULL));
	assert_false(match_id_path_prefix("", "anything"));
}

static void test_config_rule(void **state) {
	enum mp_match_rule rule;
	assert_int_equal(match_path(two_stations, 2, "usb-0:1.2:1.0", &rule), 0);
	assert_int_equal(rule, MP_MATCH_CONFIG);
	assert_int_equal(match_path(two_stations, 2, "usb-0:2:1.1", &rule), 1);
	assert_int_equal(rule, MP_MATCH_CONFIG);
}

static void test_most_specific_entry_wins(void **state) {
	// a port of a's hub given to b
	enum mp_match_rule rule;
	assert_int_equal(match_path(two_stations, 2, "usb-0:1.3:1.0", &rule), 1);
	assert_int_equal(rule, MP_MATCH_CONFIG);
}

static void test_equal_entries_go_to_the_first_station(void **state) {
	static const char *const same[] = { "usb-0:4" };
	const struct mp_match_station stations[] = {
		{ "a", same, 1 },
		{ "b", same, 1 },
	};
	enum mp_match_rule rule;
	assert_int_equal(match_path(stations, 2, "usb-0:4:1.0", &rule), 0);
	assert_int_equal(rule, MP_MATCH_CONFIG);
}

static void test_unclaimed_device_is_unassigned(void **state) {
	enum mp_match_rule rule;
	assert_int_equal(match_path(two_stations, 2, "usb-0:3:1.0", &rule), -1);
	assert_int_equal(rule, MP_MATCH_NONE);
	// usb-0:1 does not claim port 10
	assert_int_equal(match_path(two_stations, 2, "usb-0:10:1.0", &rule), -1);

	struct mp_identity id;
	identity_of("ID_INPUT_KEYBOARD=1\n", &id); // no ID_PATH at all
	assert_int_equal(match_identity(two_stations, 2, NULL, 0, &id, &rule),
		-1);
	assert_int_equal(rule, MP_MATCH_NONE);
	identity_finish(&id);
}

static void test_config_by_hub_sysfs_path(void **state) {
	static const char *const left[] = { SYS_QEMU "/usb1/1-1" };
	static const char *const right[] = {
		"/devices/pci0000:00/0000:00:04.0/usb1/1-2",
	};
	const struct mp_match_station stations[] = {
		{ "left", left, 1 },
		{ "right", right, 1 },
	};
	struct {
		const char *file;
		int station;
	} devices[] = {
		{ "qemu-kbd-1.txt", 0 },
		{ "qemu-mouse-1.txt", 0 },
		{ "qemu-kbd-2.txt", 1 },
		{ "qemu-mouse-2.txt", 1 },
		{ "ps2-keyboard.txt", -1 },
	};
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		struct mp_identity id;
		load(devices[i].file, &id);
		enum mp_match_rule rule;
		assert_int_equal(match_identity(stations, 2, NULL, 0, &id, &rule),
			devices[i].station);
		assert_int_equal(rule, devices[i].station >= 0 ?
			MP_MATCH_CONFIG : MP_MATCH_NONE);
		identity_finish(&id);
	}
}

static void test_config_by_path_group(void **state) {
	static const char *const left[] = { "path:pci-0000:00:04.0-usb-0:1" };
	const struct mp_match_station stations[] = {
		{ "left", left, 1 },
		{ "right", NULL, 0 },
	};
	enum mp_match_rule rule;
	assert_int_equal(match_path(stations, 2,
		"pci-0000:00:04.0-usb-0:1.2:1.0", &rule), 0);
	assert_int_equal(rule, MP_MATCH_CONFIG);
	assert_int_equal(match_path(stations, 2,
		"pci-0000:00:04.0-usb-0:2.2:1.0", &rule), -1);
}

static void test_pairing_rule(void **state) {
	const struct mp_match_station stations[] = {
		{ "a", NULL, 0 },
		{ "b", NULL, 0 },
	};
	struct mp_identity kb, mouse, other;
	load("hub4-keyboard.txt", &kb);
	load("hub4-mouse.txt", &mouse);
	load("monitor-hub-keyboard.txt", &other);
	const struct mp_match_pairing pairings[] = {
		{ kb.group, "b" },
	};
	enum mp_match_rule rule;
	assert_int_equal(match_identity(stations, 2, pairings, 1, &kb, &rule), 1);
	assert_int_equal(rule, MP_MATCH_PAIRING);
	// the whole hub follows its pairing
	assert_int_equal(match_identity(stations, 2, pairings, 1, &mouse, &rule),
		1);
	assert_int_equal(rule, MP_MATCH_PAIRING);
	// another hub is not paired
	assert_int_equal(match_identity(stations, 2, pairings, 1, &other, &rule),
		-1);
	assert_int_equal(rule, MP_MATCH_NONE);
	identity_finish(&kb);
	identity_finish(&mouse);
	identity_finish(&other);
}

static void test_pairing_to_unknown_station_is_ignored(void **state) {
	const struct mp_match_station stations[] = {
		{ "a", NULL, 0 },
		{ "b", NULL, 0 },
	};
	struct mp_identity id;
	identity_of("ID_PATH=pci-0000:00:04.0-usb-0:1.1:1.0\n", &id);
	assert_string_equal(id.group, "path:pci-0000:00:04.0-usb-0:1");
	const struct mp_match_pairing pairings[] = {
		{ id.group, "gone" },
		{ id.group, "a" },
	};
	enum mp_match_rule rule;
	assert_int_equal(match_identity(stations, 2, pairings, 1, &id, &rule),
		-1);
	assert_int_equal(rule, MP_MATCH_NONE);
	// the next pairing of the group that names a station decides
	assert_int_equal(match_identity(stations, 2, pairings, 2, &id, &rule), 0);
	assert_int_equal(rule, MP_MATCH_PAIRING);
	identity_finish(&id);
}

static void test_device_without_group_has_no_pairing(void **state) {
	const struct mp_match_station stations[] = {
		{ "a", NULL, 0 },
		{ "b", NULL, 0 },
	};
	struct mp_identity id;
	load("uinput-keyboard.txt", &id);
	assert_null(id.group);
	const struct mp_match_pairing pairings[] = {
		{ NULL, "a" },
		{ "", "a" },
	};
	enum mp_match_rule rule;
	assert_int_equal(match_identity(stations, 2, pairings, 2, &id, &rule),
		-1);
	identity_finish(&id);
}

static void test_id_seat_rule(void **state) {
	const struct mp_match_station stations[] = {
		{ "back", NULL, 0 },
		{ "front", NULL, 0 },
	};
	struct mp_identity id;
	load("id-seat-front.txt", &id);
	enum mp_match_rule rule;
	assert_int_equal(match_identity(stations, 2, NULL, 0, &id, &rule), 1);
	assert_int_equal(rule, MP_MATCH_ID_SEAT);
	identity_finish(&id);
}

static void test_other_id_seats_are_ignored(void **state) {
	const struct mp_match_station stations[] = {
		{ "seat0", NULL, 0 },
		{ "front", NULL, 0 },
	};
	const char *seats[] = {
		"ID_SEAT=seat0\n", // logind's default seat, not a station
		"ID_SEAT=front\n", // a station name without seat-
		"ID_SEAT=seat-\n",
		"ID_SEAT=seat-back\n", // no such station
		"ID_SEAT=seat-Front\n",
	};
	for (size_t i = 0; i < sizeof(seats) / sizeof(seats[0]); i++) {
		struct mp_identity id;
		identity_of(seats[i], &id);
		enum mp_match_rule rule;
		assert_int_equal(match_identity(stations, 2, NULL, 0, &id, &rule),
			-1);
		assert_int_equal(rule, MP_MATCH_NONE);
		identity_finish(&id);
	}
}

static void test_default_rule(void **state) {
	const struct mp_match_station one[] = { { "only", NULL, 0 } };
	enum mp_match_rule rule;
	assert_int_equal(match_path(one, 1, "usb-0:9", &rule), 0);
	assert_int_equal(rule, MP_MATCH_DEFAULT);
	// even a device that knows nothing of itself
	struct mp_identity id;
	identity_of("ID_INPUT_MOUSE=1\n", &id);
	assert_int_equal(match_identity(one, 1, NULL, 0, &id, &rule), 0);
	assert_int_equal(rule, MP_MATCH_DEFAULT);
	identity_finish(&id);
}

static void test_default_needs_exactly_one_station(void **state) {
	const struct mp_match_station two[] = {
		{ "a", NULL, 0 },
		{ "b", NULL, 0 },
	};
	enum mp_match_rule rule;
	assert_int_equal(match_path(two, 2, "usb-0:9", &rule), -1);
	assert_int_equal(rule, MP_MATCH_NONE);
	assert_int_equal(match_path(NULL, 0, "usb-0:9", &rule), -1);
	assert_int_equal(rule, MP_MATCH_NONE);
}

static void test_default_needs_no_devices_entry(void **state) {
	static const char *const devices[] = { "usb-0:1" };
	const struct mp_match_station one[] = { { "only", devices, 1 } };
	enum mp_match_rule rule;
	assert_int_equal(match_path(one, 1, "usb-0:2:1.0", &rule), -1);
	assert_int_equal(rule, MP_MATCH_NONE);
}

/* config beats pairing beats ID_SEAT beats default. */
static void test_rule_order(void **state) {
	struct mp_identity id;
	load("id-seat-front.txt", &id); // ID_PATH ...usb-0:7:1.0, seat-front
	static const char *const claims[] = { "pci-0000:00:14.0-usb-0:7" };
	const struct mp_match_pairing pairing[] = { { id.group, "paired" } };
	struct mp_match_station stations[] = {
		{ "configured", claims, 1 },
		{ "paired", NULL, 0 },
		{ "front", NULL, 0 },
	};
	enum mp_match_rule rule;
	assert_int_equal(match_identity(stations, 3, pairing, 1, &id, &rule), 0);
	assert_int_equal(rule, MP_MATCH_CONFIG);

	stations[0].n_devices = 0;
	assert_int_equal(match_identity(stations, 3, pairing, 1, &id, &rule), 1);
	assert_int_equal(rule, MP_MATCH_PAIRING);

	assert_int_equal(match_identity(stations, 3, NULL, 0, &id, &rule), 2);
	assert_int_equal(rule, MP_MATCH_ID_SEAT);

	// alone, the station named by ID_SEAT: ID_SEAT still decides
	assert_int_equal(match_identity(&stations[2], 1, NULL, 0, &id, &rule),
		0);
	assert_int_equal(rule, MP_MATCH_ID_SEAT);
	// alone, a station of another name: the default
	assert_int_equal(match_identity(&stations[1], 1, NULL, 0, &id, &rule),
		0);
	assert_int_equal(rule, MP_MATCH_DEFAULT);
	// alone, paired: the pairing
	assert_int_equal(match_identity(&stations[1], 1, pairing, 1, &id, &rule),
		0);
	assert_int_equal(rule, MP_MATCH_PAIRING);
	identity_finish(&id);
}

static void test_rule_may_be_null(void **state) {
	struct mp_identity id;
	identity_of("ID_PATH=usb-0:2:1.0\n", &id);
	assert_int_equal(match_identity(two_stations, 2, NULL, 0, &id, NULL), 1);
	identity_finish(&id);
}

static void test_rule_names(void **state) {
	assert_string_equal(match_rule_name(MP_MATCH_CONFIG), "config");
	assert_string_equal(match_rule_name(MP_MATCH_PAIRING), "pairing");
	assert_string_equal(match_rule_name(MP_MATCH_ID_SEAT), "ID_SEAT");
	assert_string_equal(match_rule_name(MP_MATCH_DEFAULT), "default");
	assert_string_equal(match_rule_name(MP_MATCH_NONE), "none");
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_boundaries),
		cmocka_unit_test(test_config_rule),
		cmocka_unit_test(test_most_specific_entry_wins),
		cmocka_unit_test(test_equal_entries_go_to_the_first_station),
		cmocka_unit_test(test_unclaimed_device_is_unassigned),
		cmocka_unit_test(test_config_by_hub_sysfs_path),
		cmocka_unit_test(test_config_by_path_group),
		cmocka_unit_test(test_pairing_rule),
		cmocka_unit_test(test_pairing_to_unknown_station_is_ignored),
		cmocka_unit_test(test_device_without_group_has_no_pairing),
		cmocka_unit_test(test_id_seat_rule),
		cmocka_unit_test(test_other_id_seats_are_ignored),
		cmocka_unit_test(test_default_rule),
		cmocka_unit_test(test_default_needs_exactly_one_station),
		cmocka_unit_test(test_default_needs_no_devices_entry),
		cmocka_unit_test(test_rule_order),
		cmocka_unit_test(test_rule_may_be_null),
		cmocka_unit_test(test_rule_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
