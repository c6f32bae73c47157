/* Device identity (seatd-glue/identity.c) from recorded udev properties
 * (tests/data/udev/), and output names (seatd-glue/output-id.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "identity.h"
#include "output-id.h"

#define SYS_XHCI "/sys/devices/pci0000:00/0000:00:14.0"
#define SYS_QEMU "/sys/devices/pci0000:00/0000:00:04.0"

/* Reads tests/data/udev/name and parses it; returns identity_parse's
 * answer, *error its message or warning. */
static bool parse_fixture(const char *name, struct mp_identity *id,
		char **error) {
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", MP_UDEV_FIXTURES, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fail_msg("cannot open %s", path);
	}
	size_t cap = 64 * 1024;
	char *data = malloc(cap);
	assert_non_null(data);
	size_t size = fread(data, 1, cap, f);
	fclose(f);
	assert_true(size < cap);
	bool ok = identity_parse_buffer(id, data, size, error);
	free(data);
	return ok;
}

/* A fixture that parses cleanly, without any warning. */
static void load(const char *name, struct mp_identity *id) {
	char *error = NULL;
	if (!parse_fixture(name, id, &error) || error != NULL) {
		fail_msg("%s: %s", name, error ? error : "(no message)");
	}
}

/* Parses text that must be accepted; returns its warning (or NULL). */
static char *parse_text(const char *text, struct mp_identity *id) {
	char *warning = NULL;
	if (!identity_parse(id, text, &warning)) {
		fail_msg("refused: %s", warning ? warning : "(no message)");
	}
	return warning;
}

static void assert_str(const char *got, const char *want) {
	if (want == NULL) {
		assert_null(got);
	} else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

static void assert_contains(const char *text, const char *what) {
	assert_non_null(text);
	if (strstr(text, what) == NULL) {
		fail_msg("'%s' does not contain '%s'", text, what);
	}
}

/* The group of a fixture, in a new string. */
static char *group_of(const char *name) {
	struct mp_identity id;
	load(name, &id);
	assert_non_null(id.group);
	char *group = strdup(id.group);
	identity_finish(&id);
	return group;
}

static void test_hub_keyboard_chain(void **state) {
	struct mp_identity id;
	load("hub4-keyboard.txt", &id);
	assert_str(id.name, "USB_Keyboard");
	assert_str(id.id_path, "pci-0000:00:14.0-usb-0:2.1:1.0");
	assert_str(id.vendor, "046d");
	assert_str(id.product, "c31c");
	assert_null(id.id_seat);
	assert_int_equal(id.kind, MP_DEVICE_KEYBOARD);
	assert_str(id.syspath, SYS_XHCI "/usb1/1-2/1-2.1/1-2.1:1.0/"
		"0003:046D:C31C.0003/input/input7/event5");
	assert_str(id.usb_device, SYS_XHCI "/usb1/1-2/1-2.1");
	assert_int_equal(id.n_hubs, 1);
	assert_str(id.hubs[0], SYS_XHCI "/usb1/1-2");
	assert_str(id.group, SYS_XHCI "/usb1/1-2");
	identity_finish(&id);
}

static void test_hub_mouse_chain(void **state) {
	struct mp_identity id;
	load("hub4-mouse.txt", &id);
	assert_int_equal(id.kind, MP_DEVICE_POINTER);
	assert_str(id.usb_device, SYS_XHCI "/usb1/1-2/1-2.3");
	assert_int_equal(id.n_hubs, 1);
	assert_str(id.hubs[0], SYS_XHCI "/usb1/1-2");
	identity_finish(&id);
}

static void test_keyboard_and_mouse_on_one_hub_share_a_group(void **state) {
	char *kb = group_of("hub4-keyboard.txt");
	char *mouse = group_of("hub4-mouse.txt");
	assert_string_equal(kb, mouse);
	free(kb);
	free(mouse);
}

static void test_monitor_hub_groups_keyboard_and_mouse(void **state) {
	struct mp_identity kb, mouse;
	load("monitor-hub-keyboard.txt", &kb);
	load("monitor-hub-mouse.txt", &mouse);
	assert_str(kb.group, SYS_XHCI "/usb3/3-4");
	assert_str(mouse.group, SYS_XHCI "/usb3/3-4");
	assert_str(kb.usb_device, SYS_XHCI "/usb3/3-4/3-4.3");
	assert_str(mouse.usb_device, SYS_XHCI "/usb3/3-4/3-4.4");
	assert_int_equal(kb.kind, MP_DEVICE_KEYBOARD);
	assert_int_equal(mouse.kind, MP_DEVICE_POINTER);
	identity_finish(&kb);
	identity_finish(&mouse);
}

static void test_hubs_are_listed_nearest_first(void **state) {
	struct mp_identity id;
	load("identical-keyboard-1.txt", &id);
	assert_str(id.usb_device, SYS_XHCI "/usb1/1-1/1-1.4/1-1.4.2");
	assert_int_equal(id.n_hubs, 2);
	assert_str(id.hubs[0], SYS_XHCI "/usb1/1-1/1-1.4");
	assert_str(id.hubs[1], SYS_XHCI "/usb1/1-1");
	assert_str(id.group, SYS_XHCI "/usb1/1-1/1-1.4");
	identity_finish(&id);
}

static void test_device_on_a_root_port_is_its_own_group(void **state) {
	struct mp_identity id;
	load("identical-keyboard-2.txt", &id);
	assert_int_equal(id.n_hubs, 0);
	assert_str(id.usb_device, SYS_XHCI "/usb1/1-5");
	assert_str(id.group, SYS_XHCI "/usb1/1-5");
	identity_finish(&id);
}

static void test_identical_keyboards_get_different_groups(void **state) {
	struct mp_identity one, two;
	load("identical-keyboard-1.txt", &one);
	load("identical-keyboard-2.txt", &two);
	assert_string_equal(one.name, two.name);
	assert_string_equal(one.vendor, two.vendor);
	assert_string_equal(one.product, two.product);
	assert_string_not_equal(one.group, two.group);
	identity_finish(&one);
	identity_finish(&two);
}

static void test_qemu_devices_group_by_hub(void **state) {
	struct {
		const char *file, *id_path, *group;
		enum mp_device_kind kind;
	} devices[] = {
		{ "qemu-kbd-1.txt", "pci-0000:00:04.0-usb-0:1.1:1.0",
			SYS_QEMU "/usb1/1-1", MP_DEVICE_KEYBOARD },
		{ "qemu-mouse-1.txt", "pci-0000:00:04.0-usb-0:1.2:1.0",
			SYS_QEMU "/usb1/1-1", MP_DEVICE_POINTER },
		{ "qemu-kbd-2.txt", "pci-0000:00:04.0-usb-0:2.1:1.0",
			SYS_QEMU "/usb1/1-2", MP_DEVICE_KEYBOARD },
		{ "qemu-mouse-2.txt", "pci-0000:00:04.0-usb-0:2.2:1.0",
			SYS_QEMU "/usb1/1-2", MP_DEVICE_POINTER },
	};
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		struct mp_identity id;
		load(devices[i].file, &id);
		assert_str(id.id_path, devices[i].id_path);
		assert_str(id.group, devices[i].group);
		assert_int_equal(id.n_hubs, 1);
		assert_int_equal(id.kind, devices[i].kind);
		assert_str(id.vendor, "0627");
		assert_str(id.product, "0001");
		identity_finish(&id);
	}
	struct mp_identity kb;
	load("qemu-kbd-1.txt", &kb);
	assert_str(kb.usb_device, SYS_QEMU "/usb1/1-1/1-1.1");
	assert_str(kb.name, "QEMU_USB_Keyboard");
	identity_finish(&kb);
}

static void test_ps2_keyboard_is_not_usb(void **state) {
	struct mp_identity id;
	load("ps2-keyboard.txt", &id);
	assert_int_equal(id.kind, MP_DEVICE_KEYBOARD);
	assert_str(id.syspath,
		"/sys/devices/platform/i8042/serio0/input/input3/event3");
	assert_null(id.usb_device);
	assert_int_equal(id.n_hubs, 0);
	assert_str(id.group, "path:platform-i8042-serio-0");
	identity_finish(&id);
}

static void test_virtual_device_without_id_path(void **state) {
	struct mp_identity id;
	load("uinput-keyboard.txt", &id);
	assert_int_equal(id.kind, MP_DEVICE_KEYBOARD);
	assert_null(id.id_path);
	assert_null(id.usb_device);
	assert_int_equal(id.n_hubs, 0);
	assert_null(id.group);
	assert_null(id.name); // NAME is on the parent input device
	assert_non_null(id.syspath);
	identity_finish(&id);
}

static void test_id_seat(void **state) {
	struct mp_identity id;
	load("id-seat-front.txt", &id);
	assert_str(id.id_seat, "seat-front");
	assert_str(id.group, SYS_XHCI "/usb1/1-7");
	identity_finish(&id);
}

static void test_kind_from_udev(void **state) {
	struct {
		const char *text;
		enum mp_device_kind kind;
	} cases[] = {
		{ "ID_INPUT=1\nID_INPUT_KEY=1\nID_INPUT_KEYBOARD=1\n",
			MP_DEVICE_KEYBOARD },
		{ "ID_INPUT=1\nID_INPUT_MOUSE=1\n", MP_DEVICE_POINTER },
		{ "ID_INPUT=1\nID_INPUT_TOUCHPAD=1\n", MP_DEVICE_POINTER },
		{ "ID_INPUT=1\nID_INPUT_POINTINGSTICK=1\n", MP_DEVICE_POINTER },
		{ "ID_INPUT=1\nID_INPUT_TRACKBALL=1\n", MP_DEVICE_POINTER },
		{ "ID_INPUT=1\nID_INPUT_TOUCHSCREEN=1\n", MP_DEVICE_TOUCH },
		{ "ID_INPUT=1\nID_INPUT_TABLET=1\n", MP_DEVICE_TABLET },
		// a pen tablet that also says mouse is a tablet
		{ "ID_INPUT_MOUSE=1\nID_INPUT_TABLET=1\n", MP_DEVICE_TABLET },
		// keys, but no keyboard: a power button
		{ "ID_INPUT=1\nID_INPUT_KEY=1\n", MP_DEVICE_UNKNOWN },
		{ "ID_INPUT=1\nID_INPUT_KEYBOARD=0\n", MP_DEVICE_UNKNOWN },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mp_identity id;
		char *warning = parse_text(cases[i].text, &id);
		assert_null(warning);
		if (id.kind != cases[i].kind) {
			fail_msg("%s: kind %s, want %s", cases[i].text,
				identity_kind_name(id.kind),
				identity_kind_name(cases[i].kind));
		}
		identity_finish(&id);
	}
}

static void test_kind_names(void **state) {
	assert_string_equal(identity_kind_name(MP_DEVICE_KEYBOARD), "keyboard");
	assert_string_equal(identity_kind_name(MP_DEVICE_POINTER), "pointer");
	assert_string_equal(identity_kind_name(MP_DEVICE_TOUCH), "touch");
	assert_string_equal(identity_kind_name(MP_DEVICE_TABLET), "tablet");
	assert_string_equal(identity_kind_name(MP_DEVICE_UNKNOWN), "unknown");
	assert_string_equal(identity_kind_name((enum mp_device_kind)99),
		"unknown");
}

static void test_name_quotes_are_stripped(void **state) {
	struct mp_identity id;
	assert_null(parse_text("E: NAME=\"Logitech USB Keyboard\"\n"
		"E: ID_MODEL=USB_Keyboard\n", &id));
	assert_str(id.name, "Logitech USB Keyboard");
	identity_finish(&id);

	assert_null(parse_text("NAME=Plain name\n", &id));
	assert_str(id.name, "Plain name");
	identity_finish(&id);
}

static void test_name_falls_back_to_model(void **state) {
	struct mp_identity id;
	assert_null(parse_text("ID_MODEL=USB_Keyboard\n", &id));
	assert_str(id.name, "USB_Keyboard");
	identity_finish(&id);

	// an empty NAME is none
	assert_null(parse_text("NAME=\"\"\nID_MODEL=USB_Keyboard\n", &id));
	assert_str(id.name, "USB_Keyboard");
	identity_finish(&id);
}

static void test_name_with_bad_quoting_is_left_out(void **state) {
	const char *texts[] = {
		"NAME=\"Logitech\nID_PATH=usb-0:1\n",
		"NAME=Logitech\"\nID_PATH=usb-0:1\n",
		"NAME=\"\nID_PATH=usb-0:1\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct mp_identity id;
		char *warning = parse_text(texts[i], &id);
		assert_contains(warning, "NAME has bad quoting");
		assert_null(id.name);
		assert_str(id.id_path, "usb-0:1"); // the rest is kept
		free(warning);
		identity_finish(&id);
	}
}

static void test_name_with_control_characters_is_left_out(void **state) {
	struct mp_identity id;
	char *warning = NULL;
	assert_true(parse_fixture("malformed-name-control.txt", &id, &warning));
	assert_contains(warning, "NAME has control characters");
	assert_null(id.name);
	assert_int_equal(id.kind, MP_DEVICE_KEYBOARD);
	assert_str(id.syspath, "/sys/devices/virtual/input/input22");
	free(warning);
	identity_finish(&id);
}

static void test_devpath_with_dotdot_is_left_out(void **state) {
	struct mp_identity id;
	char *warning = NULL;
	assert_true(parse_fixture("malformed-devpath-dotdot.txt", &id,
		&warning));
	assert_contains(warning, "DEVPATH");
	assert_null(id.syspath);
	assert_null(id.usb_device);
	assert_int_equal(id.n_hubs, 0);
	// no usable DEVPATH: the group comes from ID_PATH (hub at port 2)
	assert_str(id.group, "path:pci-0000:00:14.0-usb-0:2");
	assert_str(id.name, "USB_Keyboard");
	free(warning);
	identity_finish(&id);
}

static void test_malformed_devpaths_are_left_out(void **state) {
	const char *texts[] = {
		"DEVPATH=/sys/devices/pci0000:00/usb1/1-1/event3\n",
		"DEVPATH=devices/pci0000:00/usb1/1-1/event3\n",
		"DEVPATH=/devices/pci0000:00//usb1/1-1/event3\n",
		"DEVPATH=/devices/pci0000:00/usb1/1-1/event3/\n",
		"DEVPATH=/devices/pci0000:00/usb1/1-1\x01/event3\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct mp_identity id;
		char *warning = parse_text(texts[i], &id);
		assert_contains(warning, "DEVPATH");
		assert_null(id.syspath);
		assert_null(id.usb_device);
		assert_null(id.group);
		free(warning);
		identity_finish(&id);
	}
}

static void test_overlong_value_is_left_out(void **state) {
	char text[MP_IDENTITY_MAX_VALUE + 64];
	size_t n = strlen("ID_PATH=");
	memcpy(text, "ID_PATH=", n);
	memset(text + n, 'a', MP_IDENTITY_MAX_VALUE + 1);
	strcpy(text + n + MP_IDENTITY_MAX_VALUE + 1, "\nID_SEAT=seat-a\n");
	struct mp_identity id;
	char *warning = parse_text(text, &id);
	assert_contains(warning, "ID_PATH is over 1024 bytes");
	assert_null(id.id_path);
	assert_str(id.id_seat, "seat-a");
	free(warning);
	identity_finish(&id);

	// exactly the limit is fine
	strcpy(text + n + MP_IDENTITY_MAX_VALUE, "\n");
	assert_null(parse_text(text, &id));
	assert_int_equal(strlen(id.id_path), MP_IDENTITY_MAX_VALUE);
	identity_finish(&id);
}

static void test_binary_garbage_is_refused(void **state) {
	struct mp_identity id;
	char *error = NULL;
	assert_false(parse_fixture("malformed-binary.bin", &id, &error));
	assert_contains(error, "NUL");
	assert_null(id.name);
	assert_null(id.group);
	free(error);
	identity_finish(&id);

	// garbage with no NUL byte: no property in it
	assert_false(identity_parse(&id,
		"\x89PNG\r\n\x1a\n\x01\x02\xff\xfe=\x80\n= =\n", &error));
	assert_contains(error, "no udev property");
	free(error);
	identity_finish(&id);
}

static void test_file_without_properties_is_refused(void **state) {
	struct mp_identity id;
	char *error = NULL;
	assert_false(parse_fixture("malformed-no-properties.txt", &id, &error));
	assert_contains(error, "no udev property");
	free(error);

	const char *texts[] = { "", "\n\n", "just some words\n", "M: event3\n" };
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_false(identity_parse(&id, texts[i], &error));
		assert_non_null(error);
		free(error);
	}
	// a NULL error pointer is fine too
	assert_false(identity_parse(&id, "", NULL));
	identity_finish(&id);
}

static void test_overlong_line_is_refused(void **state) {
	size_t len = MP_IDENTITY_MAX_LINE + 1;
	char *text = malloc(len + 32);
	assert_non_null(text);
	strcpy(text, "ID_PATH=usb-0:1\n");
	size_t at = strlen(text);
	memset(text + at, 'x', len);
	strcpy(text + at + len, "\n");
	struct mp_identity id;
	char *error = NULL;
	assert_false(identity_parse(&id, text, &error));
	assert_contains(error, "line 2 is over 4096 bytes");
	assert_null(id.id_path);
	free(error);
	free(text);
}

static void test_too_many_properties_are_refused(void **state) {
	size_t cap = (MP_IDENTITY_MAX_PROPERTIES + 1) * 16 + 1;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t at = 0;
	for (int i = 0; i < MP_IDENTITY_MAX_PROPERTIES; i++) {
		at += (size_t)snprintf(text + at, cap - at, "K%d=%d\n", i, i);
	}
	struct mp_identity id;
	assert_null(parse_text(text, &id)); // the limit itself is fine
	identity_finish(&id);

	snprintf(text + at, cap - at, "ONE_MORE=1\n");
	char *error = NULL;
	assert_false(identity_parse(&id, text, &error));
	assert_contains(error, "more than 256 properties");
	free(error);
	free(text);
}

static void test_query_property_format(void **state) {
	// udevadm info --query=property, saved with CRLF line endings
	struct mp_identity id;
	assert_null(parse_text(
		"DEVPATH=/devices/pci0000:00/0000:00:04.0/usb1/1-1/1-1.2/"
		"1-1.2:1.0/0003:0627:0001.0002/input/input6/event4\r\n"
		"ID_INPUT_MOUSE=1\r\n"
		"ID_PATH=pci-0000:00:04.0-usb-0:1.2:1.0\r\n", &id));
	assert_str(id.id_path, "pci-0000:00:04.0-usb-0:1.2:1.0");
	assert_str(id.group, SYS_QEMU "/usb1/1-1");
	assert_int_equal(id.kind, MP_DEVICE_POINTER);
	identity_finish(&id);
}

static void test_p_line_gives_devpath(void **state) {
	struct mp_identity id;
	assert_null(parse_text("P: /devices/pci0000:00/0000:00:04.0/usb1/1-2/"
		"1-2.1/1-2.1:1.0\nE: ID_INPUT_KEYBOARD=1\n", &id));
	assert_str(id.usb_device, SYS_QEMU "/usb1/1-2/1-2.1");
	identity_finish(&id);

	// an E: DEVPATH wins over P:
	assert_null(parse_text("P: /devices/virtual/input/input1/event1\n"
		"E: DEVPATH=/devices/virtual/input/input2/event2\n", &id));
	assert_str(id.syspath, "/sys/devices/virtual/input/input2/event2");
	identity_finish(&id);
}

static void test_export_db_reads_the_first_record(void **state) {
	struct mp_identity id;
	assert_null(parse_text("P: /devices/virtual/input/input1/event1\n"
		"E: ID_PATH=first\n\n"
		"P: /devices/virtual/input/input2/event2\n"
		"E: ID_PATH=second\nE: ID_SEAT=seat-x\n\n", &id));
	assert_str(id.id_path, "first");
	assert_str(id.syspath, "/sys/devices/virtual/input/input1/event1");
	assert_null(id.id_seat);
	identity_finish(&id);
}

static void test_lines_that_are_no_property_are_warned(void **state) {
	struct mp_identity id;
	char *warning = parse_text("ID_PATH=usb-0:1\nwhat is this\n"
		"E: =no key\nE: BAD KEY=1\nQ: 7\n", &id);
	assert_contains(warning, "line 2 is no property");
	assert_contains(warning, "line 3 is no property");
	assert_contains(warning, "line 4 is no property");
	assert_str(id.id_path, "usb-0:1");
	free(warning);
	identity_finish(&id);
}

/* A getter over a NULL-terminated array of key, value pairs. */
static const char *pairs_get(void *data, const char *key) {
	const char *const *pairs = data;
	for (size_t i = 0; pairs[i] != NULL; i += 2) {
		if (strcmp(pairs[i], key) == 0) {
			return pairs[i + 1];
		}
	}
	return NULL;
}

static void test_build_from_a_getter(void **state) {
	const char *pairs[] = {
		"DEVPATH", "/devices/pci0000:00/0000:00:04.0/usb1/1-2/1-2.2/"
			"1-2.2:1.0/0003:0627:0001.0004/input/input8/event6",
		"NAME", "\"QEMU QEMU USB Mouse\"",
		"ID_INPUT_MOUSE", "1",
		"ID_SEAT", "\x1b[2J", // malformed: dropped, no warning pointer
		NULL,
	};
	struct mp_identity id;
	assert_true(identity_build(&id, pairs_get, (void *)pairs, NULL));
	assert_str(id.name, "QEMU QEMU USB Mouse");
	assert_int_equal(id.kind, MP_DEVICE_POINTER);
	assert_str(id.group, SYS_QEMU "/usb1/1-2");
	assert_null(id.id_seat);
	identity_finish(&id);
	identity_finish(&id); // twice is fine

	const char *none[] = { NULL };
	char *warning = NULL;
	assert_true(identity_build(&id, pairs_get, (void *)none, &warning));
	assert_null(warning);
	assert_null(id.name);
	assert_null(id.group);
	assert_int_equal(id.kind, MP_DEVICE_UNKNOWN);
	identity_finish(&id);
}

/* The USB chain of a DEVPATH alone. */
static void chain_of(const char *devpath, struct mp_identity *id) {
	char text[1100];
	snprintf(text, sizeof(text), "DEVPATH=%s\n", devpath);
	char *warning = NULL;
	assert_true(identity_parse(id, text, &warning));
	free(warning);
}

static void test_usb_chain_edges(void **state) {
	struct mp_identity id;
	// the root hub's own interface: no USB device below the root
	chain_of("/devices/pci0000:00/0000:00:14.0/usb1/1-0:1.0", &id);
	assert_null(id.usb_device);
	assert_int_equal(id.n_hubs, 0);
	assert_null(id.group);
	identity_finish(&id);

	// a USB device itself (a hub on port 2 of a hub)
	chain_of("/devices/pci0000:00/0000:00:14.0/usb2/2-3/2-3.2", &id);
	assert_str(id.usb_device, SYS_XHCI "/usb2/2-3/2-3.2");
	assert_int_equal(id.n_hubs, 1);
	assert_str(id.hubs[0], SYS_XHCI "/usb2/2-3");
	identity_finish(&id);

	// a component of another bus, or not a child: the chain ends
	chain_of("/devices/pci0000:00/0000:00:14.0/usb1/1-2/2-3/x", &id);
	assert_str(id.usb_device, SYS_XHCI "/usb1/1-2");
	assert_int_equal(id.n_hubs, 0);
	identity_finish(&id);
	chain_of("/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-3.1/x", &id);
	assert_str(id.usb_device, SYS_XHCI "/usb1/1-2");
	identity_finish(&id);

	// bus-address names of other buses (i2c 1-0050) are no USB devices
	chain_of("/devices/pci0000:00/0000:00:15.0/i2c-1/1-0050/input/input9",
		&id);
	assert_null(id.usb_device);
	identity_finish(&id);
}

static void test_too_many_hubs_keep_the_nearest(void **state) {
	char devpath[512] = "/devices/pci0000:00/0000:00:14.0/usb1/1-1";
	char component[64] = "1-1";
	for (int i = 0; i < MP_IDENTITY_MAX_HUBS + 1; i++) {
		strcat(component, ".1");
		strcat(devpath, "/");
		strcat(devpath, component);
	}
	struct mp_identity id;
	char text[1100];
	snprintf(text, sizeof(text), "DEVPATH=%s\n", devpath);
	char *warning = parse_text(text, &id);
	assert_contains(warning, "only the nearest 8");
	assert_int_equal(id.n_hubs, MP_IDENTITY_MAX_HUBS);
	assert_str(id.usb_device, "/sys" "/devices/pci0000:00/0000:00:14.0"
		"/usb1/1-1/1-1.1/1-1.1.1/1-1.1.1.1/1-1.1.1.1.1/1-1.1.1.1.1.1"
		"/1-1.1.1.1.1.1.1/1-1.1.1.1.1.1.1.1/1-1.1.1.1.1.1.1.1.1"
		"/1-1.1.1.1.1.1.1.1.1.1");
	assert_str(id.hubs[0], "/sys/devices/pci0000:00/0000:00:14.0"
		"/usb1/1-1/1-1.1/1-1.1.1/1-1.1.1.1/1-1.1.1.1.1/1-1.1.1.1.1.1"
		"/1-1.1.1.1.1.1.1/1-1.1.1.1.1.1.1.1/1-1.1.1.1.1.1.1.1.1");
	assert_str(id.hubs[MP_IDENTITY_MAX_HUBS - 1],
		"/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1.1");
	free(warning);
	identity_finish(&id);
}

static void test_group_from_id_path_alone(void **state) {
	struct {
		const char *id_path, *group;
	} cases[] = {
		// port 2 of the hub at port 1: the hub's port
		{ "pci-0000:00:04.0-usb-0:1.2:1.0", "path:pci-0000:00:04.0-usb-0:1" },
		{ "pci-0000:00:04.0-usb-0:1.4.2:1.0",
			"path:pci-0000:00:04.0-usb-0:1.4" },
		{ "usb-0:3.1", "path:usb-0:3" },
		// no hub: the whole ID_PATH
		{ "pci-0000:00:04.0-usb-0:2:1.0", "path:pci-0000:00:04.0-usb-0:2:1.0" },
		{ "usb-a", "path:usb-a" },
		{ "platform-i8042-serio-0", "path:platform-i8042-serio-0" },
		// "usb-" inside a word is no USB part
		{ "pci-0000:00:04.0-xusb-0:1.2:1.0",
			"path:pci-0000:00:04.0-xusb-0:1.2:1.0" },
		{ "usb-0:1.x:1.0", "path:usb-0:1.x:1.0" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), "ID_PATH=%s\n", cases[i].id_path);
		struct mp_identity id;
		assert_null(parse_text(text, &id));
		assert_str(id.group, cases[i].group);
		identity_finish(&id);
	}
}

static void test_claimed_by_id_path_prefix(void **state) {
	struct mp_identity id;
	load("qemu-kbd-1.txt", &id);
	const char *hub = "pci-0000:00:04.0-usb-0:1";
	assert_int_equal(identity_claimed_by(&id, hub), strlen(hub));
	const char *port = "pci-0000:00:04.0-usb-0:1.1";
	assert_int_equal(identity_claimed_by(&id, port), strlen(port));
	const char *full = "pci-0000:00:04.0-usb-0:1.1:1.0";
	assert_int_equal(identity_claimed_by(&id, full), strlen(full));
	assert_int_equal(identity_claimed_by(&id, "pci-0000:00:04.0"), 16);
	assert_int_equal(identity_claimed_by(&id, "pci-0000:00:04.0-usb-0:1.2"),
		0);
	assert_int_equal(identity_claimed_by(&id, "pci-0000:00:04.0-usb-0:2"), 0);
	assert_int_equal(identity_claimed_by(&id, "pci-0000:00:0"), 0);
	assert_int_equal(identity_claimed_by(&id, "pci-0000:00:04.0-us"), 0);
	assert_int_equal(identity_claimed_by(&id, ""), 0);
	assert_int_equal(identity_claimed_by(&id, NULL), 0);
	identity_finish(&id);
}

static void test_claimed_by_hub_sysfs_path(void **state) {
	struct mp_identity id;
	load("qemu-kbd-1.txt", &id);
	const char *sys = SYS_QEMU "/usb1/1-1";
	const char *bare = "/devices/pci0000:00/0000:00:04.0/usb1/1-1";
	assert_int_equal(identity_claimed_by(&id, sys), strlen(sys));
	// the /devices form is the same entry, as specific
	assert_int_equal(identity_claimed_by(&id, bare), strlen(sys));
	assert_int_equal(identity_claimed_by(&id, SYS_QEMU "/usb1/1-1/"),
		strlen(sys));
	// its own USB device, and any path above it at a '/'
	const char *own = SYS_QEMU "/usb1/1-1/1-1.1";
	assert_int_equal(identity_claimed_by(&id, own), strlen(own));
	assert_int_equal(identity_claimed_by(&id, SYS_QEMU "/usb1"),
		strlen(SYS_QEMU "/usb1"));
	assert_int_equal(identity_claimed_by(&id, SYS_QEMU "/usb"), 0);
	// another hub, another port, a path with ..
	assert_int_equal(identity_claimed_by(&id, SYS_QEMU "/usb1/1-2"), 0);
	assert_int_equal(identity_claimed_by(&id, SYS_QEMU "/usb1/1-1.1"), 0);
	assert_int_equal(identity_claimed_by(&id,
		SYS_QEMU "/usb1/1-2/../1-1"), 0);
	identity_finish(&id);

	// a deeper chain: every hub claims it, the nearest most specifically
	load("identical-keyboard-1.txt", &id);
	size_t near = identity_claimed_by(&id, SYS_XHCI "/usb1/1-1/1-1.4");
	size_t far = identity_claimed_by(&id, "/devices/pci0000:00/0000:00:14.0"
		"/usb1/1-1");
	assert_true(near > far);
	assert_true(far > 0);
	identity_finish(&id);

	// without a DEVPATH no sysfs path claims it
	assert_null(parse_text("ID_PATH=pci-0000:00:04.0-usb-0:1.1:1.0\n", &id));
	assert_int_equal(identity_claimed_by(&id, SYS_QEMU "/usb1/1-1"), 0);
	identity_finish(&id);
}

static void test_claimed_by_path_group(void **state) {
	struct mp_identity id;
	assert_null(parse_text("ID_PATH=pci-0000:00:04.0-usb-0:1.1:1.0\n", &id));
	const char *group = "path:pci-0000:00:04.0-usb-0:1";
	assert_int_equal(identity_claimed_by(&id, group), strlen(group));
	assert_int_equal(identity_claimed_by(&id,
		"path:pci-0000:00:04.0-usb-0:1.1:1.0"), 0);
	assert_int_equal(identity_claimed_by(&id, "path:pci-0000:00:04.0"), 0);
	assert_int_equal(identity_claimed_by(&id, "path:"), 0);
	identity_finish(&id);

	// a device with a DEVPATH has a sysfs group; path: entries miss it
	load("qemu-kbd-1.txt", &id);
	assert_int_equal(identity_claimed_by(&id, group), 0);
	identity_finish(&id);
}

static void test_edid_name(void **state) {
	char *name = output_edid_name("Dell Inc.", "DELL U2419H", "7W1RR93");
	assert_string_equal(name, "edid:Dell Inc./DELL U2419H/7W1RR93");
	free(name);
	// a '/' inside a field would split it: it becomes '_'
	name = output_edid_name("A/B", "M/1/2", "S/");
	assert_string_equal(name, "edid:A_B/M_1_2/S_");
	free(name);
	name = output_edid_name(NULL, "", NULL);
	assert_string_equal(name, "edid://");
	free(name);
}

static void test_output_matches_connector(void **state) {
	assert_true(output_matches("DP-1", "DP-1", "Dell", "U2419H", "X"));
	assert_false(output_matches("DP-1", "DP-10", NULL, NULL, NULL));
	assert_false(output_matches("dp-1", "DP-1", NULL, NULL, NULL));
	assert_false(output_matches("DP-1", NULL, NULL, NULL, NULL));
	assert_false(output_matches("", "", NULL, NULL, NULL));
}

static void test_output_matches_full_edid(void **state) {
	const char *e = "edid:Dell Inc./DELL U2419H/7W1RR93";
	assert_true(output_matches(e, "DP-1", "Dell Inc.", "DELL U2419H",
		"7W1RR93"));
	assert_true(output_matches(e, "HDMI-A-2", "Dell Inc.", "DELL U2419H",
		"7W1RR93")); // whichever connector it is on
	assert_false(output_matches(e, "DP-1", "dell inc.", "DELL U2419H",
		"7W1RR93")); // case-sensitive
	assert_false(output_matches(e, "DP-1", "Dell Inc.", "DELL U2419",
		"7W1RR93"));
	// a field with '/' matches its escaped form
	assert_true(output_matches("edid:A_B/M/S", NULL, "A/B", "M", "S"));
	// a name made by output_edid_name matches its output
	char *name = output_edid_name("Goldstar", "LG/ULTRA", "");
	assert_true(output_matches(name, NULL, "Goldstar", "LG/ULTRA", NULL));
	free(name);
}

static void test_output_matches_edid_without_serial(void **state) {
	const char *e = "edid:Dell Inc./DELL U2419H";
	assert_true(output_matches(e, "DP-1", "Dell Inc.", "DELL U2419H",
		"7W1RR93"));
	assert_true(output_matches(e, "DP-2", "Dell Inc.", "DELL U2419H",
		"8X2SS04"));
	assert_true(output_matches(e, "DP-2", "Dell Inc.", "DELL U2419H", NULL));
	assert_false(output_matches(e, "DP-1", "Dell Inc.", "DELL P2419H",
		"7W1RR93"));
}

static void test_output_matches_wrong_serial(void **state) {
	const char *e = "edid:Dell Inc./DELL U2419H/7W1RR93";
	assert_false(output_matches(e, "DP-1", "Dell Inc.", "DELL U2419H",
		"8X2SS04"));
	assert_false(output_matches(e, "DP-1", "Dell Inc.", "DELL U2419H", NULL));
	// an empty serial in the entry is the empty serial, not any
	assert_false(output_matches("edid:Dell Inc./DELL U2419H/", "DP-1",
		"Dell Inc.", "DELL U2419H", "7W1RR93"));
	assert_true(output_matches("edid:Dell Inc./DELL U2419H/", "DP-1",
		"Dell Inc.", "DELL U2419H", ""));
	// no model, or a fourth field: names no monitor
	assert_false(output_matches("edid:Dell Inc.", "DP-1", "Dell Inc.",
		"DELL U2419H", "7W1RR93"));
	assert_false(output_matches("edid:Dell Inc./DELL U2419H/7W1RR93/x",
		"DP-1", "Dell Inc.", "DELL U2419H", "7W1RR93"));
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hub_keyboard_chain),
		cmocka_unit_test(test_hub_mouse_chain),
		cmocka_unit_test(test_keyboard_and_mouse_on_one_hub_share_a_group),
		cmocka_unit_test(test_monitor_hub_groups_keyboard_and_mouse),
		cmocka_unit_test(test_hubs_are_listed_nearest_first),
		cmocka_unit_test(test_device_on_a_root_port_is_its_own_group),
		cmocka_unit_test(test_identical_keyboards_get_different_groups),
		cmocka_unit_test(test_qemu_devices_group_by_hub),
		cmocka_unit_test(test_ps2_keyboard_is_not_usb),
		cmocka_unit_test(test_virtual_device_without_id_path),
		cmocka_unit_test(test_id_seat),
		cmocka_unit_test(test_kind_from_udev),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_name_quotes_are_stripped),
		cmocka_unit_test(test_name_falls_back_to_model),
		cmocka_unit_test(test_name_with_bad_quoting_is_left_out),
		cmocka_unit_test(test_name_with_control_characters_is_left_out),
		cmocka_unit_test(test_devpath_with_dotdot_is_left_out),
		cmocka_unit_test(test_malformed_devpaths_are_left_out),
		cmocka_unit_test(test_overlong_value_is_left_out),
		cmocka_unit_test(test_binary_garbage_is_refused),
		cmocka_unit_test(test_file_without_properties_is_refused),
		cmocka_unit_test(test_overlong_line_is_refused),
		cmocka_unit_test(test_too_many_properties_are_refused),
		cmocka_unit_test(test_query_property_format),
		cmocka_unit_test(test_p_line_gives_devpath),
		cmocka_unit_test(test_export_db_reads_the_first_record),
		cmocka_unit_test(test_lines_that_are_no_property_are_warned),
		cmocka_unit_test(test_build_from_a_getter),
		cmocka_unit_test(test_usb_chain_edges),
		cmocka_unit_test(test_too_many_hubs_keep_the_nearest),
		cmocka_unit_test(test_group_from_id_path_alone),
		cmocka_unit_test(test_claimed_by_id_path_prefix),
		cmocka_unit_test(test_claimed_by_hub_sysfs_path),
		cmocka_unit_test(test_claimed_by_path_group),
		cmocka_unit_test(test_edid_name),
		cmocka_unit_test(test_output_matches_connector),
		cmocka_unit_test(test_output_matches_full_edid),
		cmocka_unit_test(test_output_matches_edid_without_serial),
		cmocka_unit_test(test_output_matches_wrong_serial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
