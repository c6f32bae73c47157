/* mpmgr against a real mpcomp: every verb through the admin socket, its
 * output (tables and --json), its exit status, and what the stations and
 * sessions then show; ordinary users act on their own session only. */
#include <json-c/json.h>
#include <linux/input-event-codes.h>
#include <png.h>
#include <poll.h>
#include <sys/wait.h>
#include "lifecycle.h"

#define NOBODY 65534

/* mpmgr must exit with want; its stdout in *out when not NULL. */
#define expect_mpmgr(want, h, out, ...) \
	assert_int_equal(harness_mpmgr(h, out, NULL, __VA_ARGS__, NULL), want)

/* Runs mpmgr expecting exit 1, and the reason on stderr to hold text. */
static void expect_refused(struct mp_harness *h, const char *text,
		const char *const *args) {
	char *err = NULL;
	assert_int_equal(harness_mpmgr_as(h, NULL, NULL, &err, args), 1);
	if (strstr(err, text) == NULL) {
		fprintf(stderr, "expected '%s' in: %s\n", text, err);
	}
	assert_non_null(strstr(err, text));
	free(err);
}

static const char *field_str(struct json_object *o, const char *key) {
	struct json_object *v;
	assert_true(json_object_object_get_ex(o, key, &v));
	return json_object_get_string(v);
}

static int64_t field_int(struct json_object *o, const char *key) {
	struct json_object *v;
	assert_true(json_object_object_get_ex(o, key, &v));
	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

static bool field_null(struct json_object *o, const char *key) {
	struct json_object *v;
	return json_object_object_get_ex(o, key, &v) && v == NULL;
}

/* ---- listings ---- */

static void test_stations_json_has_every_field(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station a login"));
	char *out = NULL;
	expect_mpmgr(0, h, &out, "stations", "--json");
	struct json_object *list = harness_json_lines(out);
	assert_int_equal(json_object_array_length(list), 3);
	struct json_object *a = harness_json_find(list, "name", "a");
	struct json_object *c = harness_json_find(list, "name", "c");
	assert_non_null(a);
	assert_non_null(c);
	assert_string_equal(field_str(a, "key"), "F1");
	assert_string_equal(field_str(c, "key"), "F3");
	assert_string_equal(field_str(a, "role"), "desktop");
	assert_string_equal(field_str(a, "state"), "login");
	assert_true(field_null(a, "session"));
	struct json_object *area;
	assert_true(json_object_object_get_ex(a, "area", &area));
	long x, w;
	assert_true(harness_state_long(h, "stations/a/area/x", &x));
	assert_true(harness_state_long(h, "stations/a/area/width", &w));
	assert_int_equal(field_int(area, "x"), x);
	assert_int_equal(field_int(area, "width"), w);
	assert_int_equal(field_int(area, "height"), 720);
	struct json_object *outputs, *devices, *notices;
	assert_true(json_object_object_get_ex(a, "outputs", &outputs));
	assert_string_equal(json_object_get_string(
		json_object_array_get_idx(outputs, 0)), "HEADLESS-1");
	assert_true(json_object_object_get_ex(a, "devices", &devices));
	assert_int_equal(json_object_array_length(devices), 2); // kb-a, ptr-a
	assert_true(json_object_object_get_ex(a, "notices", &notices));
	assert_int_equal(json_object_array_length(notices), 0);
	json_object_put(list);
	free(out);
}

static void test_sessions_json_has_every_field(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	char *out = NULL;
	expect_mpmgr(0, h, &out, "sessions", "--json");
	struct json_object *list = harness_json_lines(out);
	assert_int_equal(json_object_array_length(list), 1);
	struct json_object *s = json_object_array_get_idx(list, 0);
	assert_int_equal(field_int(s, "id"), 1);
	assert_string_equal(field_str(s, "user"), harness_user());
	assert_int_equal(field_int(s, "uid"), getuid());
	assert_string_equal(field_str(s, "state"), "attached");
	assert_string_equal(field_str(s, "station"), "a");
	long started;
	assert_true(harness_state_long(h, "sessions/1/started", &started));
	assert_int_equal(field_int(s, "started"), started);
	assert_true(field_int(s, "idle") >= 0);
	assert_true(field_null(s, "parked"));
	assert_true(field_null(s, "ending_in"));
	json_object_put(list);
	free(out);
}

static void test_tables_show_state_user_and_station(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	char *out = NULL;
	expect_mpmgr(0, h, &out, "sessions");
	assert_non_null(strstr(out, "USER"));
	assert_non_null(strstr(out, "IDLE"));
	assert_non_null(strstr(out, "SINCE"));
	assert_non_null(strstr(out, harness_user()));
	assert_non_null(strstr(out, "attached"));
	free(out);
	expect_mpmgr(0, h, &out, "stations");
	// One header and one line a station, aligned: every line's STATE
	// column starts where the header's does.
	const char *header_state = strstr(out, "STATE");
	assert_non_null(header_state);
	size_t column = (size_t)(header_state - out);
	int lines = 0;
	for (const char *line = out; *line != '\0'; lines++) {
		const char *end = strchr(line, '\n');
		assert_non_null(end);
		if (lines > 0) {
			assert_true((size_t)(end - line) > column);
			assert_true(line[column - 1] == ' ' && line[column] != ' ');
		}
		line = end + 1;
	}
	assert_int_equal(lines, 4);
	assert_non_null(strstr(out, "active"));
	free(out);
}

/* ---- lock, suspend, end ---- */

static void test_lock_and_unlock(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	expect_mpmgr(0, h, NULL, "lock", "a");
	assert_state_str(h, "stations/a/state", "locked");
	expect_no_session_pixel(h, "station", "a");
	expect_refused(h, "locked already",
		(const char *const[]){ "lock", "a", NULL });
	expect_mpmgr(0, h, NULL, "unlock", "a");
	assert_state_str(h, "stations/a/state", "active");
	expect_refused(h, "not locked",
		(const char *const[]){ "unlock", "a", NULL });
	expect_refused(h, "has no session",
		(const char *const[]){ "lock", "b", NULL });
	expect_refused(h, "no station 'zz'",
		(const char *const[]){ "lock", "zz", NULL });
}

static void test_lock_by_user_name(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-c", "c");
	expect_mpmgr(0, h, NULL, "lock", harness_user());
	assert_state_str(h, "stations/c/state", "locked");
}

static void test_suspend_and_resume_by_sign_in(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	expect_mpmgr(0, h, NULL, "suspend", "--station", "a");
	assert_state_str(h, "sessions/1/state", "parked");
	assert_state_str(h, "sessions/1/parked/reason", "suspended by an admin");
	assert_state_str(h, "stations/a/state", "login");
	expect_refused(h, "parked already",
		(const char *const[]){ "suspend", "1", NULL });
	expect_refused(h, "has no session",
		(const char *const[]){ "suspend", "--station", "a", NULL });
	signed_in_at(h, "kb-c", "c");
	assert_state_str(h, "sessions/1/state", "attached");
	assert_int_equal(kill(pid, 0), 0);
}

static void test_end_now(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	expect_mpmgr(0, h, NULL, "end", "1");
	assert_true(harness_wait(h, "sessions 0"));
	assert_true(harness_wait_pid_gone(pid, 10));
	expect_refused(h, "no session '1'",
		(const char *const[]){ "end", "1", NULL });
}

static void test_end_warn_shows_a_countdown_then_ends(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	expect_mpmgr(0, h, NULL, "end", harness_user(), "--warn", "2");
	// The countdown shows over the session, which runs on.
	char *title = harness_state_str(h, "stations/a/overlays/banner/title");
	assert_non_null(title);
	assert_non_null(strstr(title, "Your session ends in"));
	free(title);
	assert_state_str(h, "sessions/1/state", "attached");
	char *out = NULL;
	expect_mpmgr(0, h, &out, "sessions", "--json");
	struct json_object *list = harness_json_lines(out);
	int64_t left = field_int(json_object_array_get_idx(list, 0),
		"ending_in");
	assert_true(left >= 1 && left <= 2);
	json_object_put(list);
	free(out);
	expect_refused(h, "warned already",
		(const char *const[]){ "end", "1", "--warn", "5", NULL });
	assert_true(harness_wait(h, "sessions 0"));
	assert_true(harness_wait_pid_gone(pid, 10));
	assert_state_str(h, "stations/a/state", "login");
	assert_false(harness_state_has(h, "stations/a/overlays/banner"));
}

static void test_end_all_leaves_no_session(void **state) {
	// Ten sessions: eight kiosks (attached), the test user's locked
	// and nobody's parked.
	char *kiosk = client_cmd("0000ff", "kiosk", NULL);
	char *session = client_cmd("00ff00", "session", NULL);
	char *config = harness_format("[compositor]\nsession-command = %s\n"
		"[station a]\noutputs = HEADLESS-1\ndevices = usb-a\n"
		"[station b]\noutputs = HEADLESS-2\ndevices = usb-b\n",
		session);
	for (int i = 0; i < 8; i++) {
		char *more = harness_format("%s[station k%d]\noutputs = HEADLESS-%d\n"
			"role = kiosk\nautologin = %%USER%%\ncommand = %s\n", config, i,
			3 + i, kiosk);
		free(config);
		config = more;
	}
	struct mp_harness_options options = {
		.config = config,
		.headless = "10:320x240",
	};
	struct mp_harness *h = harness_start_with(&options);
	free(config);
	free(kiosk);
	free(session);
	assert_non_null(h);
	*state = h;
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-a:1.0", NULL));
	assert_true(harness_request_add_keyboard(h, "kb-b", "usb-b:1.0", NULL));
	signed_in_at(h, "kb-a", "a");
	expect_mpmgr(0, h, NULL, "lock", "a");
	if (getuid() == 0) {
		sign_in_as(h, "kb-b", "nobody", "secret");
		assert_true(harness_wait(h, "session b any"));
		expect_mpmgr(0, h, NULL, "suspend", "nobody");
	}
	for (int i = 0; i < 8; i++) {
		char *cond = harness_format("views k%d 1", i);
		assert_true(harness_wait(h, cond));
		free(cond);
	}
	long n = harness_state_count(h, "sessions");
	assert_int_equal(n, getuid() == 0 ? 10 : 9);
	expect_mpmgr(0, h, NULL, "end", "--all");
	assert_true(harness_wait(h, "sessions 0"));
	assert_state_str(h, "stations/a/state", "login");
}

/* ---- block, message, identify ---- */

static void test_block_hides_the_session_and_takes_no_input(void **state) {
	struct mp_harness *h = start_three(state, "--misbehave", NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	expect_mpmgr(0, h, NULL, "block", "a", "--message", "Exam in progress");
	assert_state_str(h, "stations/a/state", "blocked");
	assert_state_str(h, "sessions/1/state", "attached"); // intact
	assert_state_str(h, "stations/a/overlays/block/text",
		"Exam in progress");
	expect_no_session_pixel(h, "station", "a");
	size_t mark = log_mark(h, "session");
	// The secure key opens no menu; typing and clicks reach nothing.
	assert_true(harness_key(h, "kb-a", "ctrl+alt+Delete"));
	assert_false(harness_state_has(h, "stations/a/overlays/menu"));
	assert_true(harness_type(h, "kb-a", "xyz"));
	assert_true(harness_click(h, "ptr-a", BTN_LEFT));
	// The client goes fullscreen, maps a window, commits a huge buffer.
	kill(pid, SIGUSR1);
	client_round_trip(h, "session", pid);
	assert_true(log_since_lacks(h, "session", mark, "input key-press"));
	assert_true(log_since_lacks(h, "session", mark, "input button"));
	assert_true(harness_wait(h, "idle"));
	expect_no_session_pixel(h, "station", "a");
	assert_state_str(h, "stations/a/state", "blocked");
	expect_mpmgr(0, h, NULL, "unblock", "a");
	assert_state_str(h, "stations/a/state", "active");
	expect_refused(h, "not blocked",
		(const char *const[]){ "unblock", "a", NULL });
}

static void test_block_survives_sign_in_attempts(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station b login"));
	expect_mpmgr(0, h, NULL, "block", "b");
	sign_in(h, "kb-b");
	assert_true(harness_wait(h, "idle"));
	assert_true(harness_state_null(h, "stations/b/signin"));
	assert_state_long(h, "sessions_started", 0);
	assert_state_str(h, "stations/b/state", "blocked");
}

static void test_block_for_a_time_ends_by_itself(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station c login"));
	expect_mpmgr(0, h, NULL, "block", "c", "--for", "1s");
	assert_state_str(h, "stations/c/state", "blocked");
	assert_true(harness_wait(h, "station c login"));
	assert_false(harness_state_has(h, "stations/c/overlays/block"));
}

static void test_block_all_and_unblock_all(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station c login"));
	expect_mpmgr(0, h, NULL, "block", "--all", "--message", "Lunch");
	assert_state_str(h, "stations/a/state", "blocked");
	assert_state_str(h, "stations/b/state", "blocked");
	assert_state_str(h, "stations/c/state", "blocked");
	expect_mpmgr(0, h, NULL, "unblock", "--all");
	assert_state_str(h, "stations/a/state", "login");
	assert_state_str(h, "stations/c/state", "login");
}

static void test_message_is_closed_by_a_click(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	expect_mpmgr(0, h, NULL, "message", "a", "Saving in 5 minutes");
	assert_state_str(h, "stations/a/overlays/banner/text",
		"Saving in 5 minutes");
	assert_state_str(h, "stations/a/state", "active");
	// The banner is at the top of the station: the pointer goes there.
	struct json_object *all = harness_state_json(h);
	struct json_object *boxes = harness_json_at(all,
		"stations/a/overlays/banner/boxes");
	assert_non_null(boxes);
	long y = field_int(json_object_array_get_idx(boxes, 0), "y");
	json_object_put(all);
	long cy;
	assert_true(harness_state_long(h, "stations/a/cursor/y", &cy));
	assert_true(harness_move(h, "ptr-a", 0, (int)(y - cy + 4)));
	assert_true(harness_click(h, "ptr-a", BTN_LEFT));
	assert_false(harness_state_has(h, "stations/a/overlays/banner"));
	expect_refused(h, "empty",
		(const char *const[]){ "message", "a", "", NULL });
}

static void test_message_for_a_time_goes_by_itself(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station b login"));
	expect_mpmgr(0, h, NULL, "message", "b", "Hello", "--for", "1");
	assert_true(harness_state_has(h, "stations/b/overlays/banner"));
	assert_true(harness_wait(h, "no-overlay b banner"));
}

static void test_identify_shows_names_and_keys(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-c", "c");
	expect_mpmgr(0, h, NULL, "identify");
	assert_state_str(h, "stations/a/overlays/identify/title", "a");
	assert_state_str(h, "stations/a/overlays/identify/text", "F1");
	assert_state_str(h, "stations/c/overlays/identify/text", "F3");
	expect_no_session_pixel(h, "station", "c");
	expect_mpmgr(0, h, NULL, "identify", "--off");
	assert_false(harness_state_has(h, "stations/a/overlays/identify"));
	assert_true(harness_wait(h, "idle"));
	assert_state_str(h, "stations/c/state", "active");
}

/* ---- thumbnail, rename, maintenance ---- */

/* Reads a PNG's size and pixels (RGB); caller frees. */
static uint8_t *read_png(const char *path, int *w, int *h) {
	png_image image = { .version = PNG_IMAGE_VERSION };
	if (!png_image_begin_read_from_file(&image, path)) {
		fprintf(stderr, "%s: %s\n", path, image.message);
		return NULL;
	}
	image.format = PNG_FORMAT_RGB;
	uint8_t *buf = malloc(PNG_IMAGE_SIZE(image));
	if (!png_image_finish_read(&image, NULL, buf, 0, NULL)) {
		free(buf);
		return NULL;
	}
	*w = (int)image.width;
	*h = (int)image.height;
	return buf;
}

static void test_thumbnail_of_a_locked_station_shows_the_lock(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-c", "c");
	expect_mpmgr(0, h, NULL, "lock", "c");
	char *path = harness_path(h, "c.png");
	expect_mpmgr(0, h, NULL, "thumbnail", "c", "-o", path);
	int w, ht;
	uint8_t *png = read_png(path, &w, &ht);
	assert_non_null(png);
	assert_int_equal(w, 1280);
	assert_int_equal(ht, 720);
	int sw, sh;
	uint32_t *shot = harness_screenshot(h, "station", "c", &sw, &sh);
	assert_non_null(shot);
	size_t differ = 0, green = 0;
	for (int i = 0; i < w * ht; i++) {
		uint32_t rgb = (uint32_t)png[3 * i] << 16 |
			(uint32_t)png[3 * i + 1] << 8 | png[3 * i + 2];
		differ += rgb != (shot[i] & 0xffffff);
		green += rgb == 0x00ff00;
	}
	assert_int_equal(differ, 0);
	assert_int_equal(green, 0);
	free(shot);
	free(png);
	// Scaled.
	expect_mpmgr(0, h, NULL, "thumbnail", "c", "-o", path, "--size",
		"160x90");
	png = read_png(path, &w, &ht);
	assert_non_null(png);
	assert_int_equal(w, 160);
	assert_int_equal(ht, 90);
	free(png);
	free(path);
}

static void test_rename_station(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station c login"));
	expect_mpmgr(0, h, NULL, "rename", "c", "library-1");
	assert_state_str(h, "stations/library-1/state", "login");
	assert_false(harness_state_has(h, "stations/c"));
	expect_refused(h, "another station",
		(const char *const[]){ "rename", "a", "b", NULL });
	expect_refused(h, "bad station name",
		(const char *const[]){ "rename", "a", "a b", NULL });
	char *out = NULL;
	expect_mpmgr(0, h, &out, "stations");
	assert_non_null(strstr(out, "library-1"));
	free(out);
}

static void test_maintenance_refuses_sign_in(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-c", "c");
	expect_mpmgr(0, h, NULL, "maintenance", "on", "--message",
		"Back at 3 pm");
	// Greeters say so; the session goes on.
	assert_state_str(h, "stations/a/overlays/banner/text", "Back at 3 pm");
	assert_false(harness_state_has(h, "stations/c/overlays/banner"));
	assert_state_str(h, "stations/c/state", "active");
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "greeter a error"));
	assert_state_str(h, "stations/a/overlays/greeter/error",
		"Sign-in is closed for maintenance");
	assert_state_str(h, "stations/a/state", "login");
	expect_mpmgr(0, h, NULL, "maintenance", "off");
	assert_false(harness_state_has(h, "stations/a/overlays/banner"));
	signed_in_at(h, "kb-b", "b"); // sign-in works again: moved here
}

/* ---- users ---- */

/* nobody signs in at station b; returns its session's admin socket. */
static char *nobody_signed_in(struct mp_harness *h) {
	sign_in_as(h, "kb-b", "nobody", "secret");
	assert_true(harness_wait(h, "views b 1"));
	char *socket = harness_state_str(h, "sessions/1/socket");
	assert_non_null(socket);
	char *slash = strrchr(socket, '/');
	char *path = harness_format("%.*s/mpcomp-admin", (int)(slash - socket),
		socket);
	free(socket);
	return path;
}

static int as_nobody(struct mp_harness *h, const char *socket, char **out,
		char **err, const char *const *args) {
	struct mp_mpmgr_run run = {
		.uid = NOBODY,
		.gid = NOBODY,
		.socket = socket,
		.no_socket_option = true,
	};
	return harness_mpmgr_as(h, &run, out, err, args);
}

static void test_user_locks_their_own_session(void **state) {
	if (getuid() != 0) {
		skip(); // another user needs root
	}
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	char *socket = nobody_signed_in(h);
	signed_in_at(h, "kb-a", "a"); // root's session 2
	char *out = NULL, *err = NULL;
	// It sees only its own session and station.
	assert_int_equal(as_nobody(h, socket, &out, NULL,
		(const char *const[]){ "sessions", "--json", NULL }), 0);
	struct json_object *list = harness_json_lines(out);
	assert_int_equal(json_object_array_length(list), 1);
	assert_string_equal(field_str(json_object_array_get_idx(list, 0),
		"user"), "nobody");
	json_object_put(list);
	free(out);
	assert_int_equal(as_nobody(h, socket, &out, NULL,
		(const char *const[]){ "stations", "--json", NULL }), 0);
	list = harness_json_lines(out);
	assert_int_equal(json_object_array_length(list), 1);
	assert_string_equal(field_str(json_object_array_get_idx(list, 0),
		"name"), "b");
	json_object_put(list);
	free(out);
	// Anything else is refused, clearly, and changes nothing.
	assert_int_equal(as_nobody(h, socket, NULL, &err,
		(const char *const[]){ "lock", "a", NULL }), 1);
	assert_non_null(strstr(err, "only an admin"));
	free(err);
	assert_int_equal(as_nobody(h, socket, NULL, &err,
		(const char *const[]){ "suspend", "2", NULL }), 1);
	assert_non_null(strstr(err, "may not"));
	free(err);
	assert_int_equal(as_nobody(h, socket, NULL, &err,
		(const char *const[]){ "block", "b", NULL }), 1);
	assert_non_null(strstr(err, "only an admin"));
	free(err);
	assert_state_str(h, "stations/a/state", "active");
	assert_state_str(h, "stations/b/state", "active");
	// Its own: lock with no argument.
	assert_int_equal(as_nobody(h, socket, NULL, NULL,
		(const char *const[]){ "lock", NULL }), 0);
	assert_state_str(h, "stations/b/state", "locked");
	assert_state_str(h, "stations/a/state", "active");
	free(socket);
}

static void test_user_disconnects_and_logs_off(void **state) {
	if (getuid() != 0) {
		skip();
	}
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	char *socket = nobody_signed_in(h);
	assert_int_equal(as_nobody(h, socket, NULL, NULL,
		(const char *const[]){ "disconnect", NULL }), 0);
	assert_state_str(h, "sessions/1/state", "parked");
	assert_state_str(h, "sessions/1/parked/reason",
		"disconnected by its user");
	assert_int_equal(as_nobody(h, socket, NULL, NULL,
		(const char *const[]){ "logoff", NULL }), 0);
	assert_true(harness_wait(h, "sessions 0"));
	free(socket);
}

static void test_user_cannot_reach_the_admin_socket(void **state) {
	if (getuid() != 0) {
		skip();
	}
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	char *err = NULL;
	struct mp_mpmgr_run run = { .uid = NOBODY, .gid = NOBODY };
	assert_int_equal(harness_mpmgr_as(h, &run, NULL, &err,
		(const char *const[]){ "stations", NULL }), 1);
	assert_non_null(strstr(err, "cannot connect"));
	free(err);
}

/* ---- usage ---- */

static void test_usage_errors_exit_2(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	expect_mpmgr(2, h, NULL, "frobnicate");
	expect_mpmgr(2, h, NULL, "lock", "a", "b");
	expect_mpmgr(2, h, NULL, "block", "a", "--for", "5x");
	expect_mpmgr(2, h, NULL, "thumbnail", "a");
	expect_mpmgr(2, h, NULL, "maintenance", "maybe");
	char *out = NULL;
	expect_mpmgr(0, h, &out, "lock", "--help");
	assert_non_null(strstr(out, "lock"));
	free(out);
	// An out-of-range duration is the compositor's to refuse.
	expect_refused(h, "out of range",
		(const char *const[]){ "block", "a", "--for", "30d", NULL });
	assert_state_str(h, "stations/a/state", "login");
}

/* ---- watch ---- */

struct watch {
	pid_t pid;
	int fd;
	char buf[65536];
	size_t len;
};

static void watch_start(struct mp_harness *h, struct watch *w) {
	int p[2];
	assert_int_equal(pipe(p), 0);
	char *socket = harness_admin_socket(h);
	w->len = 0;
	w->pid = fork();
	if (w->pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		execl(harness_mpmgr_path(), harness_mpmgr_path(), "--socket", socket, "watch", "--json",
			(char *)NULL);
		_exit(127);
	}
	free(socket);
	close(p[1]);
	w->fd = p[0];
}

/* Reads watch's output until a line holding every text (up to 30 s). */
static bool watch_until(struct watch *w, const char *a, const char *b) {
	for (int i = 0; i < 300; i++) {
		char *line = w->buf;
		w->buf[w->len] = '\0';
		for (char *end; (end = strchr(line, '\n')) != NULL; line = end + 1) {
			*end = '\0';
			bool hit = strstr(line, a) && (!b || strstr(line, b));
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
	return false;
}

static void test_watch_prints_every_change(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station a login"));
	struct watch w;
	watch_start(h, &w);
	assert_true(watch_until(&w, "\"event\":\"snapshot\"", NULL));
	sign_in(h, "kb-a");
	assert_true(watch_until(&w, "\"event\":\"session\"", "\"attached\""));
	assert_true(harness_action(h, "lock", "a"));
	assert_true(watch_until(&w, "\"event\":\"station\"", "\"locked\""));
	assert_true(harness_remove_device(h, "kb-c"));
	assert_true(watch_until(&w, "\"name\":\"c\"", "\"offline\""));
	assert_true(harness_action(h, "end", "1"));
	assert_true(watch_until(&w, "\"event\":\"session-removed\"", NULL));
	kill(w.pid, SIGINT);
	int status;
	assert_int_equal(waitpid(w.pid, &status, 0), w.pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(w.fd);
}

static void test_sigterm_with_every_admin_notice(void **state) {
	// Timers and texts of every notice, a warned session and a watcher:
	// SIGTERM still ends the session, frees everything (the sanitizer
	// lane's exit status) and the watcher hears mpcomp went away.
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	pid_t pid = client_pid(h, "session");
	struct watch w;
	watch_start(h, &w);
	assert_true(watch_until(&w, "\"event\":\"snapshot\"", NULL));
	expect_mpmgr(0, h, NULL, "end", "1", "--warn", "600");
	expect_mpmgr(0, h, NULL, "message", "a", "Hello", "--for", "1h");
	expect_mpmgr(0, h, NULL, "block", "c", "--message", "Exam", "--for", "1h");
	expect_mpmgr(0, h, NULL, "maintenance", "on", "--message", "Back soon");
	expect_mpmgr(0, h, NULL, "identify");
	expect_mpmgr(0, h, NULL, "rename", "b", "renamed");
	assert_int_equal(harness_signal(h, SIGTERM), 0);
	assert_true(harness_wait_pid_gone(pid, 10));
	int status;
	assert_int_equal(waitpid(w.pid, &status, 0), w.pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	close(w.fd);
}

static void test_fifty_watchers(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station a login"));
	struct watch *w = calloc(50, sizeof(*w));
	for (int i = 0; i < 50; i++) {
		watch_start(h, &w[i]);
	}
	for (int i = 0; i < 50; i++) {
		assert_true(watch_until(&w[i], "\"event\":\"snapshot\"", NULL));
	}
	expect_mpmgr(0, h, NULL, "block", "c");
	for (int i = 0; i < 50; i++) {
		assert_true(watch_until(&w[i], "\"name\":\"c\"", "\"blocked\""));
		kill(w[i].pid, SIGTERM);
		int status;
		waitpid(w[i].pid, &status, 0);
		close(w[i].fd);
	}
	free(w);
	assert_true(harness_wait(h, "idle"));
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_stations_json_has_every_field,
			teardown),
		cmocka_unit_test_teardown(test_sessions_json_has_every_field,
			teardown),
		cmocka_unit_test_teardown(test_tables_show_state_user_and_station,
			teardown),
		cmocka_unit_test_teardown(test_lock_and_unlock, teardown),
		cmocka_unit_test_teardown(test_lock_by_user_name, teardown),
		cmocka_unit_test_teardown(test_suspend_and_resume_by_sign_in,
			teardown),
		cmocka_unit_test_teardown(test_end_now, teardown),
		cmocka_unit_test_teardown(test_end_warn_shows_a_countdown_then_ends,
			teardown),
		cmocka_unit_test_teardown(test_end_all_leaves_no_session, teardown),
		cmocka_unit_test_teardown(
			test_block_hides_the_session_and_takes_no_input, teardown),
		cmocka_unit_test_teardown(test_block_survives_sign_in_attempts,
			teardown),
		cmocka_unit_test_teardown(test_block_for_a_time_ends_by_itself,
			teardown),
		cmocka_unit_test_teardown(test_block_all_and_unblock_all, teardown),
		cmocka_unit_test_teardown(test_message_is_closed_by_a_click,
			teardown),
		cmocka_unit_test_teardown(test_message_for_a_time_goes_by_itself,
			teardown),
		cmocka_unit_test_teardown(test_identify_shows_names_and_keys,
			teardown),
		cmocka_unit_test_teardown(
			test_thumbnail_of_a_locked_station_shows_the_lock, teardown),
		cmocka_unit_test_teardown(test_rename_station, teardown),
		cmocka_unit_test_teardown(test_maintenance_refuses_sign_in,
			teardown),
		cmocka_unit_test_teardown(test_user_locks_their_own_session,
			teardown),
		cmocka_unit_test_teardown(test_user_disconnects_and_logs_off,
			teardown),
		cmocka_unit_test_teardown(test_user_cannot_reach_the_admin_socket,
			teardown),
		cmocka_unit_test_teardown(test_usage_errors_exit_2, teardown),
		cmocka_unit_test_teardown(test_watch_prints_every_change, teardown),
		cmocka_unit_test_teardown(test_sigterm_with_every_admin_notice,
			teardown),
		cmocka_unit_test_teardown(test_fifty_watchers, teardown),
	};
	return RUN_TESTS(tests);
}
