#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "config.h"
#include "match.h"

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

static struct mp_config *two_stations(void) {
	return config_parse_string("t.ini",
		"[station a]\noutputs = X\ndevices = usb-0:1\n"
		"[station b]\noutputs = Y\ndevices = usb-0:2 usb-0:1.3\n");
}

static void test_config_rule(void **state) {
	struct mp_config *config = two_stations();
	assert_int_equal(config->n_errors, 0);
	enum mp_match_rule rule;
	struct mp_device_identity id = { .id_path = "usb-0:1.2:1.0" };
	assert_int_equal(match_device(config, &id, &rule), 0);
	assert_int_equal(rule, MP_MATCH_CONFIG);
	// the longest prefix wins: a port of a's hub given to b
	id.id_path = "usb-0:1.3:1.0";
	assert_int_equal(match_device(config, &id, &rule), 1);
	id.id_path = "usb-0:2:1.1";
	assert_int_equal(match_device(config, &id, &rule), 1);
	// nobody claims it: unassigned
	id.id_path = "usb-0:3:1.0";
	assert_int_equal(match_device(config, &id, &rule), -1);
	assert_int_equal(rule, MP_MATCH_NONE);
	id.id_path = NULL;
	assert_int_equal(match_device(config, &id, &rule), -1);
	config_destroy(config);
}

static void test_id_seat_rule(void **state) {
	struct mp_config *config = two_stations();
	enum mp_match_rule rule;
	struct mp_device_identity id = { .id_path = "usb-0:9", .id_seat = "b" };
	assert_int_equal(match_device(config, &id, &rule), 1);
	assert_int_equal(rule, MP_MATCH_ID_SEAT);
	// explicit configuration beats ID_SEAT
	id.id_path = "usb-0:1";
	assert_int_equal(match_device(config, &id, &rule), 0);
	assert_int_equal(rule, MP_MATCH_CONFIG);
	config_destroy(config);
}

static void test_default_rule(void **state) {
	struct mp_config *config = config_parse_string("t.ini",
		"[station a]\noutputs = X\n[station b]\noutputs = Y\n");
	enum mp_match_rule rule;
	struct mp_device_identity id = { .id_path = "usb-0:9" };
	assert_int_equal(match_device(config, &id, &rule), 0);
	assert_int_equal(rule, MP_MATCH_DEFAULT);
	config_destroy(config);

	config = config_create_default();
	assert_int_equal(match_device(config, &id, &rule), -1);
	config_destroy(config);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_boundaries),
		cmocka_unit_test(test_config_rule),
		cmocka_unit_test(test_id_seat_rule),
		cmocka_unit_test(test_default_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
