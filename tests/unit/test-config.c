#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <xkbcommon/xkbcommon.h>
#include "config.h"

/* Asserts that parsing text gives exactly one error, on the given line,
 * whose message contains what. */
static void expect_one_error(const char *text, int line, const char *what) {
	struct mp_config *config = config_parse_string("t.ini", text);
	assert_non_null(config);
	if (config->n_errors != 1) {
		print_error("parsing:\n%s\n", text);
		for (size_t i = 0; i < config->n_errors; i++) {
			print_error("error %zu: %s\n", i, config->errors[i]);
		}
	}
	assert_int_equal(config->n_errors, 1);
	char prefix[32];
	snprintf(prefix, sizeof(prefix), "t.ini:%d: ", line);
	if (strncmp(config->errors[0], prefix, strlen(prefix)) != 0 ||
			strstr(config->errors[0], what) == NULL) {
		fail_msg("got '%s', want '%s...%s'", config->errors[0], prefix, what);
	}
	config_destroy(config);
}

static void test_valid(void **state) {
	struct mp_config *config = config_parse_string("t.ini",
		"# comment\n"
		"[compositor]\n"
		"background = #102030\n"
		"\n"
		"[station left]\n"
		"outputs = DP-1\n"
		"split = left\n"
		"devices = pci-0000:00:14.0-usb-0:1, pci-0000:00:14.0-usb-0:5\n"
		"layout = es\n"
		"variant = nodeadkeys\n"
		"options = ctrl:nocaps\n"
		"session-command = foot --server\n"
		"autologin = ana\n"
		"[station right]\n"
		"outputs = DP-1\n"
		"split = right\n"
		"[station wide]\n"
		"outputs = HDMI-A-1 HDMI-A-2\n");
	assert_int_equal(config->n_errors, 0);
	assert_int_equal(config->n_stations, 3);
	struct mp_station_config *left = &config->stations[0];
	assert_string_equal(left->name, "left");
	assert_int_equal(left->split, MP_SPLIT_LEFT);
	assert_int_equal(left->n_devices, 2);
	assert_string_equal(left->devices[1], "pci-0000:00:14.0-usb-0:5");
	assert_string_equal(left->xkb_layout, "es");
	assert_string_equal(left->xkb_variant, "nodeadkeys");
	assert_string_equal(left->xkb_options, "ctrl:nocaps");
	assert_string_equal(left->session_command, "foot --server");
	assert_string_equal(left->autologin, "ana");
	assert_int_equal(left->role, MP_ROLE_DESKTOP);
	assert_string_equal(config->pam_service, "mpcomp");
	assert_int_equal(config->logoff_grace_ms, 5000);
	assert_int_equal(config->stations[2].n_outputs, 2);
	assert_string_equal(config->stations[2].outputs[1], "HDMI-A-2");
	assert_int_equal(config_find_station_for_output(config, "DP-1",
		MP_SPLIT_RIGHT), 1);
	assert_int_equal(config_find_station_for_output(config, "HDMI-A-2",
		MP_SPLIT_NONE), 2);
	assert_int_equal(config_find_station_for_output(config, "X", 0), -1);
	assert_true(config->background[0] > 0.06f && config->background[0] < 0.07f);
	config_destroy(config);
}

static void test_unknown_key(void **state) {
	expect_one_error("[station a]\noutputs = X\ncolour = red\n", 3,
		"unknown key 'colour'");
	expect_one_error("[compositor]\nfoo = 1\n", 2, "unknown key 'foo'");
}

static void test_unknown_section(void **state) {
	expect_one_error("[station a]\noutputs = X\n\n[stations b]\nx = 1\n", 4,
		"unknown section");
}

static void test_duplicate_station(void **state) {
	expect_one_error("[station a]\noutputs = X\n[station a]\noutputs = Y\n",
		3, "duplicate station 'a'");
}

static void test_output_claimed_twice(void **state) {
	expect_one_error("[station a]\noutputs = X\n[station b]\n\noutputs = Y X\n",
		5, "output X already claimed by station 'a'");
	// a whole output and a half of it
	expect_one_error("[station a]\noutputs = X\n[station b]\noutputs = X\n"
		"split = left\n", 4, "already claimed");
}

static void test_overlapping_halves(void **state) {
	expect_one_error("[station a]\noutputs = X\nsplit = left\n"
		"[station b]\noutputs = X\nsplit = left\n", 6,
		"left half of X overlaps station 'a'");
}

static void test_bad_split(void **state) {
	expect_one_error("[station a]\noutputs = X\nsplit = middle\n", 3,
		"bad split value 'middle'");
	expect_one_error("[station a]\noutputs = X Y\nsplit = left\n", 3,
		"split needs exactly one output");
}

static void test_missing_outputs(void **state) {
	expect_one_error("[station a]\nlayout = us\n", 1, "has no outputs");
}

static void test_syntax_error(void **state) {
	expect_one_error("[station a]\noutputs = X\nthis is not ini\n", 3,
		"syntax error");
	// Every one, not only the first (inih returns the first).
	struct mp_config *config = config_parse_string("t.ini",
		"[station a]\nnot ini\noutputs = X\nlayout\n[station b\n");
	assert_int_equal(config->n_errors, 3);
	assert_non_null(strstr(config->errors[0], "t.ini:2: syntax error"));
	assert_non_null(strstr(config->errors[1], "t.ini:4: syntax error"));
	assert_non_null(strstr(config->errors[2], "t.ini:5: syntax error"));
	config_destroy(config);
}

static void test_device_claimed_twice(void **state) {
	expect_one_error("[station a]\noutputs = X\ndevices = usb-1\n"
		"[station b]\noutputs = Y\ndevices = usb-2 usb-1\n", 6,
		"device usb-1 already claimed");
}

static void test_bad_values(void **state) {
	expect_one_error("[compositor]\nbackground = blue\n", 2, "bad colour");
	expect_one_error("[station a]\noutputs = X\nsession-command =\n", 3,
		"session-command is empty");
	expect_one_error("[station a b]\noutputs = X\n", 1,
		"invalid station name");
	expect_one_error("outputs = X\n", 1, "outside of any section");
}

static void test_roles(void **state) {
	struct mp_config *config = config_parse_string("t.ini",
		"[compositor]\npam-service = mpcomp-test\nlogoff-grace = 0.5\n"
		"session-command = weston-terminal\nlogoff-key =\n"
		"[station k]\noutputs = X\nrole = kiosk\nautologin = kiosk\n"
		"command = firefox --kiosk\n");
	assert_int_equal(config->n_errors, 0);
	assert_int_equal(config->stations[0].role, MP_ROLE_KIOSK);
	assert_string_equal(config->stations[0].command, "firefox --kiosk");
	assert_string_equal(config->pam_service, "mpcomp-test");
	assert_int_equal(config->logoff_grace_ms, 500);
	assert_string_equal(config->session_command, "weston-terminal");
	assert_string_equal(config->logoff_key, "");
	config_destroy(config);

	expect_one_error("[station k]\noutputs = X\nrole = kiosk\n"
		"command = x\n", 3, "needs autologin = USER and command = CMD");
	expect_one_error("[station k]\noutputs = X\nrole = shop\n", 3,
		"bad role 'shop'");
	expect_one_error("[station d]\noutputs = X\ncommand = foot\n", 3,
		"command is for role = kiosk");
	expect_one_error("[compositor]\nlogoff-grace = soon\n", 2,
		"bad logoff-grace");
	expect_one_error("[compositor]\npam-service = ../etc/x\n", 2,
		"bad pam-service");
}

static void test_admin_group(void **state) {
	struct mp_config *config = config_parse_string("t.ini",
		"[compositor]\nadmin-group = lab-admins\n");
	assert_int_equal(config->n_errors, 0);
	assert_string_equal(config->admin_group, "lab-admins");
	config_destroy(config);
	config = config_parse_string("t.ini", "[compositor]\n");
	assert_null(config->admin_group);
	config_destroy(config);
	expect_one_error("[compositor]\nadmin-group = -x\n", 2,
		"bad admin-group '-x'");
	expect_one_error("[compositor]\nadmin-group = a b\n", 2,
		"bad admin-group");
	expect_one_error("[compositor]\nadmin-group =\n", 2,
		"bad admin-group");
}

static void test_output_and_device_entries(void **state) {
	struct mp_config *config = config_parse_string("t.ini",
		"[station a]\noutputs = DP-1 edid:Dell/U2419H edid:Dell/U2419H/A1\n"
		"devices = pci-0000:00:14.0-usb-0:2 /devices/pci0000:00/usb1/1-2 "
		"/sys/devices/pci0000:00/usb1/1-3 path:pci-0000:00:14.0-usb-0:4\n");
	assert_int_equal(config->n_errors, 0);
	config_destroy(config);
	expect_one_error("[station a]\noutputs = edid:Dell\n", 2,
		"bad output 'edid:Dell' (an EDID name is edid:MAKE/MODEL");
	expect_one_error("[station a]\noutputs = edid:a/b/c/d\n", 2,
		"bad output 'edid:a/b/c/d'");
	expect_one_error("[station a]\noutputs = X\ndevices = path:\n", 3,
		"bad devices entry 'path:' (path: names no path)");
	expect_one_error("[station a]\noutputs = X\ndevices = /dev/input\n", 3,
		"bad devices entry '/dev/input' (a hub's sysfs path starts with");
	expect_one_error("[station a]\noutputs = X\n"
		"devices = /sys/devices/../x\n", 3,
		"bad devices entry '/sys/devices/../x' (a sysfs path with '..'");
}

static void test_allow_vt_switch(void **state) {
	struct mp_config *config = config_parse_string("t.ini", "[compositor]\n");
	assert_false(config->allow_vt_switch); // off unless asked for
	config_destroy(config);
	config = config_parse_string("t.ini",
		"[compositor]\nallow-vt-switch = yes\n");
	assert_int_equal(config->n_errors, 0);
	assert_true(config->allow_vt_switch);
	config_destroy(config);
	expect_one_error("[compositor]\nallow-vt-switch = maybe\n", 2,
		"bad allow-vt-switch 'maybe'");
}

static void test_lifecycle_keys(void **state) {
	struct mp_config *config = config_parse_string("t.ini",
		"[compositor]\nsecure-key = ctrl+alt+End\nidle-lock = 300\n"
		"reattach-window = 60\ndisconnected-limit = 86400\n"
		"max-sessions = 12\n"
		"[station a]\noutputs = X\nidle-lock = 0\n"
		"[station b]\noutputs = Y\n");
	assert_int_equal(config->n_errors, 0);
	assert_string_equal(config->secure_key, "ctrl+alt+End");
	assert_int_equal(config->secure_sym, XKB_KEY_End);
	assert_int_equal(config->idle_lock_ms, 300000);
	assert_int_equal(config->reattach_window_ms, 60000);
	assert_int_equal(config->disconnected_limit_ms, 86400000);
	assert_int_equal(config->max_sessions, 12);
	assert_int_equal(config->stations[0].idle_lock_ms, 0);
	assert_int_equal(config->stations[1].idle_lock_ms, -1); // the global
	config_destroy(config);

	config = config_create_default();
	assert_string_equal(config->secure_key, "ctrl+alt+Delete");
	assert_int_equal(config->secure_sym, XKB_KEY_Delete);
	assert_int_equal(config->idle_lock_ms, 0);
	assert_int_equal(config->reattach_window_ms, 120000);
	assert_int_equal(config->disconnected_limit_ms, 0);
	assert_int_equal(config->max_sessions, 0);
	config_destroy(config);

	expect_one_error("[compositor]\nsecure-key = ctrl+nokey\n", 2,
		"bad secure-key");
	expect_one_error("[compositor]\nidle-lock = 86401\n", 2,
		"bad idle-lock");
	expect_one_error("[station a]\noutputs = X\nidle-lock = -1\n", 3,
		"bad idle-lock");
	expect_one_error("[compositor]\nreattach-window = soon\n", 2,
		"bad reattach-window");
	expect_one_error("[compositor]\ndisconnected-limit = 604801\n", 2,
		"bad disconnected-limit");
	static const char *const bad_counts[] = {
		"", "-1", "1.5", "10001", "99999999999999999999", "0x10", "5x",
	};
	for (size_t i = 0; i < sizeof(bad_counts) / sizeof(bad_counts[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "[compositor]\nmax-sessions = %s\n",
			bad_counts[i]);
		expect_one_error(text, 2, "bad max-sessions");
	}
}

/* Seconds are plain decimal numbers in range: no nan, inf, exponent, hex,
 * sign or trailing junk (strtod takes all of them). */
static void test_seconds(void **state) {
	static const char *const bad[] = {
		"nan", "-nan", "NAN", "inf", "-inf", "infinity", "1e999", "1e2",
		"0x10", "0x1p3", "-1", "+5", "-0", "5s", "5 6", ".", "",
		"5,5",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "[compositor]\nlogoff-grace = %s\n",
			bad[i]);
		expect_one_error(text, 2, "bad logoff-grace");
		snprintf(text, sizeof(text), "[compositor]\nsignin-timeout = %s\n",
			bad[i]);
		expect_one_error(text, 2, "bad signin-timeout");
	}
	expect_one_error("[compositor]\nlogoff-grace = 600.001\n", 2,
		"bad logoff-grace");
	expect_one_error("[compositor]\nsignin-timeout = 0.5\n", 2,
		"bad signin-timeout");
	expect_one_error("[compositor]\nsignin-timeout = 3601\n", 2,
		"bad signin-timeout");

	static const struct {
		const char *value;
		int ms;
	} good[] = {
		{ "0", 0 }, { "600", 600000 }, { "0.25", 250 }, { ".5", 500 },
		{ "5.", 5000 }, { "007", 7000 }, { "4.35", 4350 },
		{ "0.0004", 0 }, { "0.0006", 1 },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char text[128];
		snprintf(text, sizeof(text), "[compositor]\nlogoff-grace = %s\n"
			"signin-timeout = 1%s\n", good[i].value, good[i].value);
		struct mp_config *config = config_parse_string("t.ini", text);
		assert_int_equal(config->n_errors, 0);
		assert_int_equal(config->logoff_grace_ms, good[i].ms);
		config_destroy(config);
	}
}

/* inih took an indented line as the continuation of the previous value:
 * outputs were HEADLESS-1, split, = and left. */
static void test_indented_line(void **state) {
	const char *why = "indented line: remove the leading spaces "
		"(continuation lines are not supported)";
	expect_one_error("[station a]\noutputs = HEADLESS-1\n  split = left\n",
		3, why);
	expect_one_error("[station a]\noutputs = X\n\tlayout = us\n", 3, why);
	expect_one_error("[station a]\noutputs = X\n \t[station b]\n"
		"outputs = Y\n", 3, why);

	struct mp_config *config = config_parse_string("t.ini",
		"[station a]\noutputs = HEADLESS-1\n  split = left\n");
	assert_int_equal(config->stations[0].n_outputs, 1);
	config_destroy(config);

	// Indented comments and lines of only spaces are fine.
	config = config_parse_string("t.ini",
		"  # a comment\n[station a]\n\t; another\n   \t\noutputs = X\n"
		"  \n   # outputs = Y\n");
	assert_int_equal(config->n_errors, 0);
	assert_int_equal(config->stations[0].n_outputs, 1);
	config_destroy(config);
}

/* A '#' or ';' after a space or tab in a value starts a comment; a value
 * may begin with '#'. */
static void test_comments_after_values(void **state) {
	struct mp_config *config = config_parse_string("t.ini",
		"[compositor]   # the defaults\n"
		"background = #29394d # blue-grey\n"
		"session-command = sh -c 'a;b' #x\n"
		"logoff-key = ; none\n"
		"[station a]\t; the front desk\n"
		"outputs = HDMI-A-1  # left monitor\n"
		"devices = usb-0:1\t;usb-0:2\n"
		"autologin = ana;\n"
		"session-command = foot#1\n"
		"[station b]\n"
		"outputs = DP-1#2 ;x ;y\n"
		"session-command = #!x\n");
	assert_int_equal(config->n_errors, 0);
	assert_true(config->background[0] > 0.16f && config->background[0] < 0.17f);
	assert_string_equal(config->session_command, "sh -c 'a;b'");
	assert_string_equal(config->logoff_key, "");
	struct mp_station_config *a = &config->stations[0];
	assert_int_equal(a->n_outputs, 1);
	assert_string_equal(a->outputs[0], "HDMI-A-1");
	assert_int_equal(a->n_devices, 1);
	assert_string_equal(a->autologin, "ana;");
	assert_string_equal(a->session_command, "foot#1");
	struct mp_station_config *b = &config->stations[1];
	assert_int_equal(b->n_outputs, 1);
	assert_string_equal(b->outputs[0], "DP-1#2");
	assert_string_equal(b->session_command, "#!x");
	config_destroy(config);

	// A comment leaves nothing: an empty value. (With '#' the value
	// would begin with it: "outputs = # none" is two outputs.)
	expect_one_error("[station a]\noutputs = ; none yet\n", 2,
		"outputs is empty");
	expect_one_error("[station a]\noutputs = X\ncommand = ; later\n", 3,
		"command is empty");
}

/* The last of two equal keys used to win silently. */
static void test_duplicate_key(void **state) {
	expect_one_error("[station a]\noutputs = X\nlayout = us\n\noutputs = Y\n",
		5, "station 'a': duplicate key 'outputs' (first on line 2)");
	expect_one_error("[compositor]\nbackground = #000000\nfont = Sans\n"
		"background = #ffffff\n", 4,
		"[compositor]: duplicate key 'background' (first on line 2)");
	// The same key in two sections is fine.
	struct mp_config *config = config_parse_string("t.ini",
		"[compositor]\nsession-command = foot\n[station a]\noutputs = X\n"
		"session-command = foot\n[station b]\noutputs = Y\n");
	assert_int_equal(config->n_errors, 0);
	config_destroy(config);
}

static void test_section_headers(void **state) {
	expect_one_error("[compositor]\nfont = Sans\n[station a]\noutputs = X\n"
		"[compositor]\nfont = Serif\n", 5,
		"duplicate section [compositor] (first on line 1)");
	expect_one_error("[station a] x\noutputs = X\n", 1,
		"junk after ] of the section header: 'x'");
	expect_one_error("[station a]# x\noutputs = X\n", 1,
		"junk after ] of the section header: '# x'");
	expect_one_error("[compositor]]\n", 1,
		"junk after ] of the section header: ']'");
	expect_one_error("[station ]\noutputs = X\n", 1,
		"invalid station name ''");
	expect_one_error("[station]\noutputs = X\n", 1,
		"invalid station name ''");
	expect_one_error("[]\n", 1, "unknown section []");
	expect_one_error("[station a\noutputs = X\n", 1, "syntax error");

	// Spaces inside the brackets and a comment after them are fine.
	struct mp_config *config = config_parse_string("t.ini",
		"[ compositor ] # global\n[station  a ]\t; front\noutputs = X\n");
	assert_int_equal(config->n_errors, 0);
	assert_string_equal(config->stations[0].name, "a");
	config_destroy(config);
}

/* Every station's keymap is compiled while checking: an unknown layout,
 * variant, option, model or rules is an error on its own line. */
static void test_keymaps(void **state) {
	struct mp_config *config = config_parse_string("t.ini",
		"[station a]\noutputs = X\nrules = evdev\nmodel = pc105\n"
		"layout = es\nvariant = nodeadkeys\noptions = ctrl:nocaps\n"
		"[station b]\noutputs = Y\nlayout = us,de\nvariant = ,nodeadkeys\n"
		"options = grp:alt_shift_toggle,compose:ralt\n"
		"[station c]\noutputs = Z\nlayout =\n");
	assert_int_equal(config->n_errors, 0);
	assert_int_equal(config->stations[0].xkb_rules_line, 3);
	assert_int_equal(config->stations[0].xkb_model_line, 4);
	assert_int_equal(config->stations[0].xkb_layout_line, 5);
	assert_int_equal(config->stations[0].xkb_variant_line, 6);
	assert_int_equal(config->stations[0].xkb_options_line, 7);

	struct xkb_keymap *keymap = config_station_keymap(&config->stations[0]);
	assert_non_null(keymap);
	assert_string_equal(xkb_keymap_layout_get_name(keymap, 0),
		"Spanish (no dead keys)");
	xkb_keymap_unref(keymap);
	keymap = config_station_keymap(&config->stations[1]);
	assert_non_null(keymap);
	assert_int_equal(xkb_keymap_num_layouts(keymap), 2);
	xkb_keymap_unref(keymap);
	keymap = config_station_keymap(NULL);
	assert_non_null(keymap);
	xkb_keymap_unref(keymap);
	config_destroy(config);

	expect_one_error("[station a]\noutputs = X\nlayout = xx\n", 3,
		"station 'a': bad layout 'xx' (xkbcommon: Couldn't find file "
		"\"symbols/xx\"");
	expect_one_error("[station a]\noutputs = X\nvariant = bogus\n"
		"layout = us\n", 3, "station 'a': bad variant 'bogus' "
		"(xkbcommon: Couldn't process include statement for 'us(bogus)')");
	expect_one_error("[station a]\noutputs = X\nlayout = us,de\n"
		"variant = ,bogus\n", 4, "bad variant ',bogus'");
	expect_one_error("[station a]\noutputs = X\nlayout = de\n"
		"options = ctrl:nocaps,foo:bar\n", 4, "station 'a': bad options "
		"'ctrl:nocaps,foo:bar' (xkbcommon: Unrecognized RMLVO option "
		"\"foo:bar\" was ignored)");
	expect_one_error("[station a]\noutputs = X\nrules = bogus\n", 3,
		"station 'a': bad rules 'bogus' (xkbcommon: Couldn't find file "
		"\"rules/bogus\"");
	expect_one_error("[station a]\noutputs = X\nmodel = bogus\n", 3,
		"station 'a': bad model 'bogus' (not in ");
	expect_one_error("[station a]\noutputs = X\nvariant = nodeadkeys\n", 3,
		"station 'a': variant needs a layout");
	// The first key that does not compile is the one to blame.
	expect_one_error("[station a]\noutputs = X\nlayout = xx\n"
		"variant = yy\noptions = zz\n", 3, "bad layout 'xx'");

	struct mp_station_config bad = { .xkb_layout = "xx" };
	assert_null(config_station_keymap(&bad));
}

static void test_every_error_reported(void **state) {
	struct mp_config *config = config_parse_string("t.ini",
		"[station a]\noutputs = X\nsplit = up\nfoo = 1\n"
		"[station a]\noutputs = Y\n");
	assert_int_equal(config->n_errors, 3);
	config_destroy(config);
}

static void test_missing_file(void **state) {
	struct mp_config *config = config_load("/nonexistent/mpcomp.ini");
	assert_int_equal(config->n_errors, 1);
	assert_non_null(strstr(config->errors[0], "cannot open"));
	config_destroy(config);
}

/* config_load of path gives one error, containing what, at once (an
 * alarm ends a test that would read or wait for ever). */
static void expect_load_error(const char *path, const char *what) {
	alarm(10);
	struct mp_config *config = config_load(path);
	alarm(0);
	assert_non_null(config);
	assert_int_equal(config->n_errors, 1);
	if (strstr(config->errors[0], what) == NULL) {
		fail_msg("got '%s', want '%s'", config->errors[0], what);
	}
	config_destroy(config);
}

static void test_device_is_refused(void **state) {
	// Read as a file, /dev/zero took all memory.
	expect_load_error("/dev/zero", "not a regular file");
}

static void test_fifo_is_refused(void **state) {
	// A FIFO nobody writes to blocked for ever.
	char dir[] = "/tmp/mpcomp-config-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/fifo.ini", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_load_error(path, "not a regular file");
	unlink(path);
	rmdir(dir);
}

static void test_huge_file_is_refused(void **state) {
	char dir[] = "/tmp/mpcomp-config-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/huge.ini", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 40000; i++) {
		fputs("# a comment line that makes the file larger and larger\n", f);
	}
	fclose(f);
	expect_load_error(path, "too large");
	unlink(path);
	rmdir(dir);
}

static void test_byte_order_mark(void **state) {
	// Windows editors may begin the file with one: it is not a syntax
	// error on line 1.
	struct mp_config *config = config_parse_string("t.ini",
		"\xef\xbb\xbf[station a]\noutputs = X\n");
	assert_int_equal(config->n_errors, 0);
	assert_int_equal(config->n_stations, 1);
	assert_string_equal(config->stations[0].name, "a");
	config_destroy(config);
}

/* A config with lines of exactly len bytes (without the line ending):
 * line 3 is a session-command of that length. */
static char *config_with_line(size_t len, const char *eol) {
	const char *key = "session-command = ";
	char *text = malloc(len + 256);
	assert_non_null(text);
	int n = sprintf(text, "[station a]%soutputs = X%s%s", eol, eol, key);
	memset(text + n, 'x', len - strlen(key));
	sprintf(text + n + len - strlen(key), "%sfoo = 1%s", eol, eol);
	return text;
}

static void test_long_line(void **state) {
	static const char *const eols[] = { "\n", "\r\n", "\r" };
	for (size_t i = 0; i < sizeof(eols) / sizeof(eols[0]); i++) {
		// At the limit: read whole (the line ending does not count).
		char *text = config_with_line(MP_CONFIG_MAX_LINE, eols[i]);
		expect_one_error(text, 4, "unknown key 'foo'");
		struct mp_config *config = config_parse_string("t.ini", text);
		assert_int_equal(strlen(config->stations[0].session_command),
			MP_CONFIG_MAX_LINE - strlen("session-command = "));
		config_destroy(config);
		free(text);

		// One more: an error naming the line, and the next line is
		// still read with its own number.
		text = config_with_line(MP_CONFIG_MAX_LINE + 1, eols[i]);
		config = config_parse_string("t.ini", text);
		assert_int_equal(config->n_errors, 2);
		char want[64];
		snprintf(want, sizeof(want), "t.ini:3: line too long (%d bytes, "
			"at most %d)", MP_CONFIG_MAX_LINE + 1, MP_CONFIG_MAX_LINE);
		assert_string_equal(config->errors[0], want);
		assert_string_equal(config->errors[1],
			"t.ini:4: station 'a': unknown key 'foo'");
		config_destroy(config);
		free(text);
	}
	char *text = config_with_line(5000, "\n");
	struct mp_config *config = config_parse_string("t.ini", text);
	assert_int_equal(config->n_errors, 2);
	assert_string_equal(config->errors[0],
		"t.ini:3: line too long (5000 bytes, at most 1024)");
	config_destroy(config);
	free(text);
}

/* The same file with LF, CRLF and CR line endings, or a mix, reads the
 * same, with the same line numbers. */
static void test_line_endings(void **state) {
	static const char *const eols[] = { "\n", "\r\n", "\r" };
	for (size_t i = 0; i <= sizeof(eols) / sizeof(eols[0]); i++) {
		char text[512] = "";
		const char *lines[] = {
			"# two stations", "[station a]", "outputs = X", "",
			"[station b]", "outputs = Y Z", "layout = us", "bad = 1",
		};
		for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
			strcat(text, lines[l]);
			// The last round mixes all three (never a CR, an empty
			// line and an LF: that is one CRLF).
			strcat(text, eols[i < 3 ? i : l * 2 % 3]);
		}
		struct mp_config *config = config_parse_string("t.ini", text);
		assert_int_equal(config->n_stations, 2);
		assert_string_equal(config->stations[0].outputs[0], "X");
		assert_int_equal(config->stations[1].n_outputs, 2);
		assert_string_equal(config->stations[1].outputs[1], "Z");
		assert_string_equal(config->stations[1].xkb_layout, "us");
		assert_int_equal(config->stations[1].line, 5);
		assert_int_equal(config->n_errors, 1);
		assert_string_equal(config->errors[0],
			"t.ini:8: station 'b': unknown key 'bad'");
		config_destroy(config);
	}
	// Without a final line ending.
	struct mp_config *config = config_parse_string("t.ini",
		"[station a]\routputs = X");
	assert_int_equal(config->n_errors, 0);
	assert_string_equal(config->stations[0].outputs[0], "X");
	config_destroy(config);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_duplicate_station),
		cmocka_unit_test(test_output_claimed_twice),
		cmocka_unit_test(test_overlapping_halves),
		cmocka_unit_test(test_bad_split),
		cmocka_unit_test(test_missing_outputs),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_device_claimed_twice),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_indented_line),
		cmocka_unit_test(test_comments_after_values),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_section_headers),
		cmocka_unit_test(test_keymaps),
		cmocka_unit_test(test_every_error_reported),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_device_is_refused),
		cmocka_unit_test(test_fifo_is_refused),
		cmocka_unit_test(test_huge_file_is_refused),
		cmocka_unit_test(test_byte_order_mark),
		cmocka_unit_test(test_lifecycle_keys),
		cmocka_unit_test(test_admin_group),
		cmocka_unit_test(test_allow_vt_switch),
		cmocka_unit_test(test_output_and_device_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
