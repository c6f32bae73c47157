/* The times a benchmark reads: each station's state change and its first
 * frame on screen (stations/X/shown), and mp-client --stamp's time of each
 * line it logs, all on CLOCK_MONOTONIC. */
#include <json-c/json.h>
#include "lifecycle.h"

static int64_t now_ns(void) {
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* stations/STATION/shown from one state: its state, since_ns and
 * presented_ns (0 when null). */
struct shown {
	char state[32];
	int64_t since_ns, presented_ns;
};

static struct shown read_shown(struct mp_harness *h, const char *station) {
	struct shown shown = { 0 };
	struct json_object *root = harness_state_json(h);
	assert_non_null(root);
	char *path = harness_format("stations/%s/shown", station);
	struct json_object *o = harness_json_at(root, path);
	free(path);
	assert_non_null(o);
	struct json_object *state, *since, *presented;
	assert_true(json_object_object_get_ex(o, "state", &state));
	assert_true(json_object_object_get_ex(o, "since_ns", &since));
	assert_true(json_object_object_get_ex(o, "presented_ns", &presented));
	snprintf(shown.state, sizeof(shown.state), "%s",
		json_object_get_string(state));
	assert_true(json_object_is_type(since, json_type_int));
	shown.since_ns = json_object_get_int64(since);
	if (presented != NULL) {
		assert_true(json_object_is_type(presented, json_type_int));
		shown.presented_ns = json_object_get_int64(presented);
	}
	json_object_put(root);
	return shown;
}

static void test_lock_is_stamped_when_first_presented(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	int64_t before = now_ns();
	assert_true(harness_action(h, "lock", "a"));
	assert_true(harness_wait(h, "idle"));
	int64_t after = now_ns();
	struct shown shown = read_shown(h, "a");
	assert_string_equal(shown.state, "locked");
	assert_true(shown.since_ns >= before);
	assert_true(shown.presented_ns >= shown.since_ns);
	assert_true(shown.presented_ns <= after);
}

static void test_disconnect_is_stamped_when_the_greeter_shows(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	int64_t before = now_ns();
	assert_true(harness_action(h, "disconnect", "1"));
	assert_true(harness_wait(h, "idle"));
	struct shown shown = read_shown(h, "a");
	assert_string_equal(shown.state, "login");
	assert_true(shown.since_ns >= before);
	assert_true(shown.presented_ns >= shown.since_ns);
}

/* The time in front of the first line of NAME.log that reads text after
 * it; -1 when there is none. */
static int64_t stamp_of(struct mp_harness *h, const char *name,
		const char *text) {
	char *path = log_path(h, name);
	char *log = harness_read_file(path);
	free(path);
	int64_t stamp = -1;
	for (char *line = log; line != NULL && *line != '\0' && stamp < 0;) {
		char *end = strchr(line, '\n');
		if (end != NULL) {
			*end = '\0';
		}
		char *rest;
		long long ns = strtoll(line, &rest, 10);
		if (rest != line && *rest == ' ' && strcmp(rest + 1, text) == 0) {
			stamp = ns;
		}
		line = end ? end + 1 : NULL;
	}
	free(log);
	return stamp;
}

static void test_client_stamps_the_key_it_receives(void **state) {
	struct mp_harness *h = start_three(state, "--stamp", NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(log_has(h, "session", " input keyboard-enter"));
	int64_t before = now_ns();
	assert_true(harness_key(h, "kb-a", "x"));
	assert_true(log_has(h, "session", " key x x\n"));
	int64_t after = now_ns();
	int64_t stamp = stamp_of(h, "session", "key x x");
	assert_true(stamp >= before);
	assert_true(stamp <= after);
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_lock_is_stamped_when_first_presented,
			teardown),
		cmocka_unit_test_teardown(
			test_disconnect_is_stamped_when_the_greeter_shows, teardown),
		cmocka_unit_test_teardown(test_client_stamps_the_key_it_receives,
			teardown),
	};
	return RUN_TESTS(tests);
}
