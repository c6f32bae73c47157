/* mpmgr's verbs of hardware, pairing and layout against a real mpcomp:
 * their argument errors, that only admins may use them, the devices and
 * the stations' hardware as mpmgr lists and watches them, and that the
 * answer of each action (done, or its reason) is what mpmgr reports. What
 * the actions do to the stations is tested with the actions. */
#include <json-c/json.h>
#include <poll.h>
#include <sys/wait.h>
#include "lifecycle.h"

#define NOBODY 65534

/* mpmgr must exit with want; its stdout in *out when not NULL. */
#define expect_mpmgr(want, h, out, ...) \
	assert_int_equal(harness_mpmgr(h, out, NULL, __VA_ARGS__, NULL), want)

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Runs mpmgr (as the test when run is NULL) expecting status want, and
 * text on its stderr. */
static void expect_said(struct mp_harness *h, const struct mp_mpmgr_run *run,
		int want, const char *text, const char *const *args) {
	char *err = NULL;
	int status = harness_mpmgr_as(h, run, NULL, &err, args);
	if (status != want || strstr(err, text) == NULL) {
		fprintf(stderr, "mpmgr %s ...: expected status %d and '%s', got "
			"%d and: %s\n", args[0], want, text, status, err);
	}
	assert_int_equal(status, want);
	assert_non_null(strstr(err, text));
	free(err);
}

/* A usage error: status 2, the message, and the hint to the verb's help. */
static void expect_usage(struct mp_harness *h, const char *text,
		const char *const *args) {
	expect_said(h, NULL, 2, text, args);
	char *hint = harness_format("Try 'mpmgr %s --help'", args[0]);
	expect_said(h, NULL, 2, hint, args);
	free(hint);
}

/* Refused by mpcomp: status 1 and the reason. */
static void expect_refused(struct mp_harness *h, const char *text,
		const char *const *args) {
	expect_said(h, NULL, 1, text, args);
}

/* The answer of an action, whatever it is: done (status 0, nothing on
 * stderr), or failed with the action's reason ("mpmgr: VERB: REASON",
 * status 1). Never a usage error, never a lost connection. */
static void expect_answered(struct mp_harness *h, const char *const *args) {
	char *err = NULL;
	int status = harness_mpmgr_as(h, NULL, NULL, &err, args);
	if (status == 0) {
		assert_string_equal(err, "");
	} else {
		char *prefix = harness_format("mpmgr: %s: ", args[0]);
		if (status != 1 || strncmp(err, prefix, strlen(prefix)) != 0) {
			fprintf(stderr, "mpmgr %s: status %d: %s\n", args[0], status,
				err);
		}
		assert_int_equal(status, 1);
		assert_int_equal(strncmp(err, prefix, strlen(prefix)), 0);
		// A reason follows, on one line.
		assert_true(strlen(err) > strlen(prefix) + 1);
		assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
		assert_null(strstr(err, "went away"));
		assert_null(strstr(err, "protocol error"));
		free(prefix);
	}
	free(err);
}

/* A field that is a string (NULL: it is null); it must be there. */
static const char *field_str(struct json_object *o, const char *key) {
	struct json_object *v;
	assert_true(json_object_object_get_ex(o, key, &v));
	if (v == NULL) {
		return NULL;
	}
	assert_true(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static int64_t field_int(struct json_object *o, const char *key) {
	struct json_object *v;
	assert_true(json_object_object_get_ex(o, key, &v));
	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

/* The rule that placed a device, as mpcomp names it. */
static void expect_rule(struct json_object *device, const char *rule) {
	const char *got = field_str(device, "rule");
	assert_non_null(got);
	assert_string_equal(got, rule);
}

/* `mpmgr stations --json`, parsed. */
static struct json_object *stations_json(struct mp_harness *h) {
	char *out = NULL;
	expect_mpmgr(0, h, &out, "stations", "--json");
	struct json_object *list = harness_json_lines(out);
	free(out);
	return list;
}

/* The hardware counts of station name, as stations --json says them. */
static void expect_hardware(struct json_object *stations, const char *name,
		int64_t keyboards, int64_t pointers, int64_t outputs) {
	struct json_object *station = harness_json_find(stations, "name", name);
	assert_non_null(station);
	struct json_object *hw;
	assert_true(json_object_object_get_ex(station, "hardware", &hw));
	assert_non_null(hw);
	assert_int_equal(field_int(hw, "keyboards"), keyboards);
	assert_int_equal(field_int(hw, "pointers"), pointers);
	assert_int_equal(field_int(hw, "outputs"), outputs);
}

/* ---- argument errors ---- */

static void test_usage_errors_of_the_new_verbs(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	expect_usage(h, "unexpected argument 'x'", ARGS("devices", "x"));
	expect_usage(h, "unknown option '--park'", ARGS("devices", "--park"));
	expect_usage(h, "unexpected argument 'on'", ARGS("pair", "on"));
	expect_usage(h, "unknown option '--park'", ARGS("pair", "--park"));
	expect_usage(h, "unexpected argument 'a'",
		ARGS("clear-pairings", "a"));
	expect_usage(h, "unknown option '--off'",
		ARGS("clear-pairings", "--off"));
	expect_usage(h, "missing STATION", ARGS("split"));
	expect_usage(h, "missing STATION", ARGS("split", "--park"));
	expect_usage(h, "unexpected argument 'c'", ARGS("split", "a", "b", "c"));
	expect_usage(h, "STATION is empty", ARGS("split", ""));
	expect_usage(h, "NEW-NAME is empty", ARGS("split", "a", ""));
	expect_usage(h, "--park takes no value", ARGS("split", "a", "--park=1"));
	expect_usage(h, "missing STATION", ARGS("join"));
	expect_usage(h, "unexpected argument 'b'", ARGS("join", "a", "b"));
	expect_usage(h, "STATION is empty", ARGS("join", ""));
	expect_usage(h, "missing OUTPUT and STATION", ARGS("assign-output"));
	expect_usage(h, "missing STATION", ARGS("assign-output", "HEADLESS-1"));
	expect_usage(h, "unexpected argument 'c'",
		ARGS("assign-output", "HEADLESS-1", "a", "c"));
	expect_usage(h, "OUTPUT is empty", ARGS("assign-output", "", "a"));
	expect_usage(h, "STATION is empty",
		ARGS("assign-output", "HEADLESS-1", ""));
	expect_usage(h, "unknown option '--none'",
		ARGS("assign-output", "HEADLESS-1", "--none"));
	expect_usage(h, "missing DEVICE and STATION (or --none)",
		ARGS("assign-device"));
	expect_usage(h, "missing DEVICE", ARGS("assign-device", "--none"));
	expect_usage(h, "missing STATION (or --none)",
		ARGS("assign-device", "kb-a"));
	expect_usage(h, "give STATION or --none, not both",
		ARGS("assign-device", "kb-a", "b", "--none"));
	expect_usage(h, "DEVICE is empty", ARGS("assign-device", "", "b"));
	expect_usage(h, "STATION is empty", ARGS("assign-device", "kb-a", ""));
	// Each has its help, which names what it takes.
	static const char *const helps[][2] = {
		{ "devices", "devices [--json]" },
		{ "pair", "pair [--off]" },
		{ "clear-pairings", "clear-pairings" },
		{ "split", "split STATION [NEW-NAME] [--park]" },
		{ "join", "join STATION [--park]" },
		{ "assign-output", "assign-output OUTPUT STATION [--park]" },
		{ "assign-device", "assign-device DEVICE STATION|--none [--park]" },
	};
	for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
		char *out = NULL;
		expect_mpmgr(0, h, &out, helps[i][0], "--help");
		assert_non_null(strstr(out, helps[i][1]));
		assert_non_null(strstr(out, "Who may: admins"));
		free(out);
		out = NULL;
		expect_mpmgr(0, h, &out, "--help");
		assert_non_null(strstr(out, helps[i][0]));
		free(out);
	}
	// Nothing reached mpcomp.
	assert_state_str(h, "stations/a/state", "login");
	assert_true(harness_state_has(h, "stations/b"));
}

/* ---- authorisation ---- */

static void test_another_user_is_denied_every_new_verb(void **state) {
	if (getuid() != 0) {
		skip(); // another user needs root
	}
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	// nobody signs in at b and uses its session's own admin socket.
	sign_in_as(h, "kb-b", "nobody", "secret");
	assert_true(harness_wait(h, "views b 1"));
	char *socket = harness_state_str(h, "sessions/1/socket");
	assert_non_null(socket);
	char *slash = strrchr(socket, '/');
	char *path = harness_format("%.*s/mpcomp-admin", (int)(slash - socket),
		socket);
	free(socket);
	struct mp_mpmgr_run run = {
		.uid = NOBODY,
		.gid = NOBODY,
		.socket = path,
		.no_socket_option = true,
	};
	const char *const *verbs[] = {
		ARGS("pair"),
		ARGS("pair", "--off"),
		ARGS("clear-pairings"),
		ARGS("split", "b"),
		ARGS("split", "c", "c2", "--park"),
		ARGS("join", "b", "--park"),
		ARGS("assign-output", "HEADLESS-2", "b"),
		ARGS("assign-output", "HEADLESS-1", "zz"),
		ARGS("assign-device", "kb-c", "b"),
		ARGS("assign-device", "kb-b", "--none", "--park"),
		ARGS("assign-device", "no-such-device", "b"),
	};
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		expect_said(h, &run, 1, "only an admin may do that", verbs[i]);
	}
	// It sees its own station's devices only, with their hardware.
	char *out = NULL;
	assert_int_equal(harness_mpmgr_as(h, &run, &out, NULL,
		ARGS("devices", "--json")), 0);
	struct json_object *list = harness_json_lines(out);
	assert_int_equal(json_object_array_length(list), 1);
	struct json_object *kb = json_object_array_get_idx(list, 0);
	assert_string_equal(field_str(kb, "name"), "kb-b");
	assert_string_equal(field_str(kb, "station"), "b");
	json_object_put(list);
	free(out);
	out = NULL;
	assert_int_equal(harness_mpmgr_as(h, &run, &out, NULL,
		ARGS("stations", "--json")), 0);
	list = harness_json_lines(out);
	assert_int_equal(json_object_array_length(list), 1);
	expect_hardware(list, "b", 1, 0, 1);
	json_object_put(list);
	free(out);
	// Nothing changed.
	assert_state_str(h, "stations/b/state", "active");
	assert_state_str(h, "stations/a/state", "login");
	assert_state_str(h, "stations/c/state", "login");
	free(path);
}

/* ---- listing ---- */

static void test_devices_lists_the_test_devices(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	// One no station claims.
	char *station = NULL;
	assert_true(harness_request_add_keyboard(h, "kb-x", "usb-x:1.0",
		&station));
	free(station);
	assert_true(harness_wait(h, "idle"));
	char *out = NULL;
	expect_mpmgr(0, h, &out, "devices", "--json");
	struct json_object *list = harness_json_lines(out);
	free(out);
	assert_int_equal(json_object_array_length(list), 5);
	static const struct {
		const char *name, *kind, *id_path, *station;
	} want[] = {
		{ "kb-a", "keyboard", "usb-a:1.0", "a" },
		{ "kb-b", "keyboard", "usb-b:1.0", "b" },
		{ "kb-c", "keyboard", "usb-c:1.0", "c" },
		{ "ptr-a", "pointer", "usb-a:1.1", "a" },
		{ "kb-x", "keyboard", "usb-x:1.0", NULL },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct json_object *d = harness_json_find(list, "name", want[i].name);
		if (d == NULL) {
			fprintf(stderr, "no device %s\n", want[i].name);
		}
		assert_non_null(d);
		assert_string_equal(field_str(d, "kind"), want[i].kind);
		assert_string_equal(field_str(d, "id_path"), want[i].id_path);
		const char *at = field_str(d, "station");
		if (want[i].station != NULL) {
			assert_non_null(at);
			assert_string_equal(at, want[i].station);
			expect_rule(d, "config");
		} else {
			assert_null(at);
			expect_rule(d, "none");
		}
		// The hub group of a test device: from its ID_PATH.
		assert_non_null(field_str(d, "group"));
	}
	// Listed by name.
	assert_string_equal(field_str(json_object_array_get_idx(list, 0),
		"name"), "kb-a");
	assert_string_equal(field_str(json_object_array_get_idx(list, 4),
		"name"), "ptr-a");
	json_object_put(list);
	// The table: a header, a line a device, "-" for no station.
	expect_mpmgr(0, h, &out, "devices");
	assert_int_equal(strncmp(out, "NAME", 4), 0);
	const char *header = out;
	const char *kind = strstr(header, "KIND");
	const char *st = strstr(header, "STATION");
	const char *rule = strstr(header, "RULE");
	const char *group = strstr(header, "GROUP");
	assert_true(kind && st && rule && group);
	assert_true(kind < st && st < rule && rule < group);
	size_t st_col = (size_t)(st - header);
	const char *x = strstr(out, "\nkb-x ");
	assert_non_null(x);
	x++;
	assert_int_equal(strncmp(x + st_col, "- ", 2), 0);
	const char *a = strstr(out, "\nptr-a ");
	assert_non_null(a);
	a++;
	assert_int_equal(strncmp(a + st_col, "a ", 2), 0);
	assert_non_null(strstr(a, "pointer"));
	int lines = 0;
	for (const char *p = out; *p != '\0'; p++) {
		lines += *p == '\n';
	}
	assert_int_equal(lines, 6);
	free(out);
}

static void test_stations_show_their_hardware(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station c login"));
	struct json_object *list = stations_json(h);
	expect_hardware(list, "a", 1, 1, 1); // kb-a, ptr-a, half HEADLESS-1
	expect_hardware(list, "b", 1, 0, 1);
	expect_hardware(list, "c", 1, 0, 1);
	assert_string_equal(field_str(harness_json_find(list, "name", "c"), "key"), "F3");
	json_object_put(list);
	// The table has a column each, aligned with its header.
	char *out = NULL;
	expect_mpmgr(0, h, &out, "stations");
	const char *kbd = strstr(out, "KBD");
	assert_non_null(kbd);
	assert_non_null(strstr(out, "PTR"));
	assert_non_null(strstr(out, "OUT "));
	size_t col = (size_t)(kbd - out);
	const char *line = strstr(out, "\na ");
	assert_non_null(line);
	line++;
	assert_int_equal(strncmp(line + col, "1 ", 2), 0);
	free(out);
}

/* ---- watch ---- */

struct watch {
	pid_t pid;
	int fd;
	char buf[65536];
	size_t len;
};

static void watch_start(struct mp_harness *h, struct watch *w, bool json) {
	int p[2];
	assert_int_equal(pipe(p), 0);
	char *socket = harness_admin_socket(h);
	w->len = 0;
	w->pid = fork();
	if (w->pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		execl(harness_mpmgr_path(), harness_mpmgr_path(), "--socket", socket,
			"watch", json ? "--json" : "--", (char *)NULL);
		_exit(127);
	}
	free(socket);
	close(p[1]);
	w->fd = p[0];
}

/* Reads watch's output until a line holding every text (up to 30 s). */
static bool watch_until(struct watch *w, const char *a, const char *b,
		const char *c) {
	for (int i = 0; i < 300; i++) {
		char *line = w->buf;
		w->buf[w->len] = '\0';
		for (char *end; (end = strchr(line, '\n')) != NULL; line = end + 1) {
			*end = '\0';
			bool hit = strstr(line, a) && (!b || strstr(line, b)) &&
				(!c || strstr(line, c));
			*end = '\n';
			if (hit) {
				size_t rest = w->len - (size_t)(end + 1 - w->buf);
				memmove(w->buf, end + 1, rest);
				w->len = rest;
				return true;
			}
		}
		struct pollfd pfd = { .fd = w->fd, .events = POLLIN };
		if (poll(&pfd, 1, 100) > 0) {
			ssize_t n = read(w->fd, w->buf + w->len,
				sizeof(w->buf) - 1 - w->len);
			if (n <= 0) {
				return false;
			}
			w->len += (size_t)n;
		}
	}
	fprintf(stderr, "watch printed no line with '%s' '%s' '%s'; left: %.*s\n",
		a, b ? b : "", c ? c : "", (int)w->len, w->buf);
	return false;
}

static void watch_stop(struct watch *w) {
	kill(w->pid, SIGINT);
	int status;
	assert_int_equal(waitpid(w->pid, &status, 0), w->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(w->fd);
}

static void test_removed_keyboard_changes_the_hardware(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station c login"));
	assert_true(harness_wait(h, "idle"));
	struct watch w, text;
	watch_start(h, &w, true);
	watch_start(h, &text, false);
	assert_true(watch_until(&w, "\"event\":\"snapshot\"", "\"devices\":[",
		"\"pairing\":false"));
	assert_true(watch_until(&text, "device kb-c: keyboard at c", NULL,
		NULL));
	assert_true(harness_remove_device(h, "kb-c"));
	assert_true(watch_until(&w, "\"event\":\"station\"", "\"name\":\"c\"",
		"\"hardware\":{\"keyboards\":0,\"pointers\":0,\"outputs\":1}"));
	assert_true(watch_until(&w, "\"event\":\"device-removed\"",
		"\"name\":\"kb-c\"", NULL));
	assert_true(watch_until(&text, "station c: hardware 0 keyboards, "
		"0 pointers, 1 output", NULL, NULL));
	assert_true(watch_until(&text, "device kb-c: removed", NULL, NULL));
	struct json_object *list = stations_json(h);
	expect_hardware(list, "c", 0, 0, 1);
	expect_hardware(list, "a", 1, 1, 1);
	json_object_put(list);
	// A keyboard that comes is a device, and the station's hardware.
	assert_true(harness_request_add_keyboard(h, "kb-c2", "usb-c:2.0",
		NULL));
	// In one batch: stations first, then devices.
	assert_true(watch_until(&w, "\"name\":\"c\"", "\"keyboards\":1",
		NULL));
	assert_true(watch_until(&w, "\"event\":\"device\"", "\"kb-c2\"",
		"\"station\":\"c\""));
	assert_true(watch_until(&text, "device kb-c2: added, keyboard at c",
		NULL, NULL));
	list = stations_json(h);
	expect_hardware(list, "c", 1, 0, 1);
	json_object_put(list);
	watch_stop(&w);
	watch_stop(&text);
}

/* ---- targets and answers ---- */

static void test_unknown_targets_are_not_found(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station c login"));
	expect_refused(h, "mpmgr: split: no station 'zz'",
		ARGS("split", "zz"));
	expect_refused(h, "mpmgr: join: no station 'zz'",
		ARGS("join", "zz", "--park"));
	expect_refused(h, "mpmgr: assign-output: no station 'zz'",
		ARGS("assign-output", "HEADLESS-1", "zz"));
	expect_refused(h, "mpmgr: assign-device: no station 'zz'",
		ARGS("assign-device", "kb-a", "zz"));
	expect_refused(h, "mpmgr: assign-device: no device 'no-such'",
		ARGS("assign-device", "no-such", "a"));
	expect_refused(h, "mpmgr: assign-device: no device 'no-such'",
		ARGS("assign-device", "no-such", "--none"));
	// No session for a user: no station.
	expect_refused(h, "no station 'nobody'", ARGS("join", "nobody"));
	// One station, never every one.
	expect_refused(h, "not on every one", ARGS("split", "*"));
	expect_refused(h, "not on every one",
		ARGS("assign-output", "HEADLESS-2", "*"));
	// An output mpcomp does not know is the action's to refuse.
	expect_refused(h, "mpmgr: assign-output: ",
		ARGS("assign-output", "NO-SUCH-9", "a"));
	expect_answered(h, ARGS("assign-output", "NO-SUCH-9", "a"));
	assert_state_str(h, "stations/a/state", "login");
	assert_state_str(h, "stations/c/state", "login");
}

static void test_action_verbs_report_the_answer(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station c login"));
	// A session's user names its station too.
	signed_in_at(h, "kb-a", "a");
	expect_answered(h, ARGS("join", harness_user()));
	struct watch w;
	watch_start(h, &w, true);
	assert_true(watch_until(&w, "\"event\":\"snapshot\"", NULL, NULL));
	expect_answered(h, ARGS("pair"));
	if (harness_mpmgr(h, NULL, NULL, "pair", NULL) == 0) {
		// Pairing mode is part of what watchers are told.
		assert_true(watch_until(&w, "\"event\":\"pairing\"", "\"on\":true",
			NULL));
	}
	expect_answered(h, ARGS("pair", "--off"));
	expect_answered(h, ARGS("clear-pairings"));
	expect_answered(h, ARGS("pair", "--off"));
	expect_answered(h, ARGS("split", "c"));
	expect_answered(h, ARGS("join", "c"));
	expect_answered(h, ARGS("split", "c", "c-right", "--park"));
	expect_answered(h, ARGS("join", "a", "--park"));
	expect_answered(h, ARGS("assign-output", "HEADLESS-2", "a"));
	expect_answered(h, ARGS("assign-output", "HEADLESS-2", "c", "--park"));
	expect_answered(h, ARGS("assign-device", "kb-c", "b"));
	expect_answered(h, ARGS("assign-device", "kb-c", "--none", "--park"));
	expect_answered(h, ARGS("assign-device", "kb-c", "c"));
	// mpcomp is still there, and answers.
	expect_mpmgr(0, h, NULL, "devices");
	watch_stop(&w);
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_usage_errors_of_the_new_verbs,
			teardown),
		cmocka_unit_test_teardown(test_another_user_is_denied_every_new_verb,
			teardown),
		cmocka_unit_test_teardown(test_devices_lists_the_test_devices,
			teardown),
		cmocka_unit_test_teardown(test_stations_show_their_hardware,
			teardown),
		cmocka_unit_test_teardown(test_removed_keyboard_changes_the_hardware,
			teardown),
		cmocka_unit_test_teardown(test_unknown_targets_are_not_found,
			teardown),
		cmocka_unit_test_teardown(test_action_verbs_report_the_answer,
			teardown),
	};
	return RUN_TESTS(tests);
}
