/* Shared set-up of the integration tests: each test starts its own mpcomp
 * and cmocka's teardown always stops it, also when the test failed. */
#ifndef MP_TEST_COMMON_H
#define MP_TEST_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "harness.h"

#define RED 0xff0000
#define GREEN 0x00ff00
#define BLUE 0x0000ff

static inline struct mp_harness *start(void **state, const char *headless,
		const char *config) {
	struct mp_harness *h = harness_start(config, headless);
	assert_non_null(h);
	*state = h;
	return h;
}

static inline int teardown(void **state) {
	struct mp_harness *h = *state;
	*state = NULL;
	int status = harness_stop(h);
	if (status != 0) {
		fprintf(stderr, "mpcomp did not exit cleanly: %d\n", status);
	}
	return status;
}

/* A station command running mp-client in a colour, logging to NAME.log. */
static inline char *client_cmd(const char *color, const char *name,
		const char *extra) {
	return harness_format("%s --color %s --log %%DIR%%/%s.log %s",
		harness_mp_client(), color, name, extra ? extra : "");
}

static inline char *log_path(struct mp_harness *h, const char *name) {
	char *file = harness_format("%s.log", name);
	char *path = harness_path(h, file);
	free(file);
	return path;
}

/* Waits until the client log NAME.log contains text. */
static inline bool log_has(struct mp_harness *h, const char *name,
		const char *text) {
	char *path = log_path(h, name);
	bool found = harness_wait_file_contains(path, text, 10);
	free(path);
	return found;
}

/* Whether NAME.log lacks text now (else it is printed). */
static inline bool log_lacks(struct mp_harness *h, const char *name,
		const char *text) {
	char *path = log_path(h, name);
	char *log = harness_read_file(path);
	bool lacks = log == NULL || strstr(log, text) == NULL;
	if (!lacks) {
		fprintf(stderr, "%s has '%s':\n%s\n", path, text, log);
	}
	free(log);
	free(path);
	return lacks;
}

/* Checks of the state by path; a failing one has printed the state. */
#define assert_state_str(h, path, want) \
	assert_true(harness_state_str_is(h, path, want))
#define assert_state_long(h, path, want) \
	assert_true(harness_state_long_is(h, path, want))
#define assert_state_bool(h, path, want) \
	assert_true(harness_state_bool_is(h, path, want))
#define assert_state_count(h, path, want) \
	assert_true(harness_state_count_is(h, path, want))
#define assert_state_null(h, path) assert_true(harness_state_null(h, path))

/* An integer field that must be there. */
static inline long state_long(struct mp_harness *h, const char *path) {
	long value = 0;
	assert_true(harness_state_long(h, path, &value));
	return value;
}

/* A screenshot that must come. */
static inline struct mp_shot *shoot(struct mp_harness *h, const char *kind,
		const char *target) {
	struct mp_shot *shot = harness_shoot(h, kind, target);
	assert_non_null(shot);
	return shot;
}

/* Types user, Tab, password, Return on keyboard kb (at a greeter). */
static inline void sign_in_as(struct mp_harness *h, const char *kb,
		const char *user, const char *password) {
	assert_true(harness_type(h, kb, user));
	assert_true(harness_key(h, kb, "Tab"));
	assert_true(harness_type(h, kb, password));
	assert_true(harness_key(h, kb, "Return"));
}

/* The test user, with the right password (pam_matrix: "secret"). */
static inline void sign_in(struct mp_harness *h, const char *kb) {
	sign_in_as(h, kb, harness_user(), "secret");
}

/* One desktop station s on a 640x480 output, signing its user in at
 * start-up, whose session runs command; returns once its window shows. */
static inline struct mp_harness *start_session_command(void **state,
		const char *command) {
	char *config = harness_format("[station s]\noutputs = HEADLESS-1\n"
		"autologin = %%USER%%\nsession-command = %s\n", command);
	struct mp_harness *h = start(state, "1:640x480", config);
	free(config);
	assert_true(harness_wait(h, "views s 1"));
	return h;
}

/* Two kiosk stations on the halves of one output, each running mp-client
 * (red "left", blue "right"; left gets left_extra options), with devices
 * usb-0:1 and usb-0:2; returns once both windows are shown. */
static inline struct mp_harness *start_split(void **state,
		const char *left_extra) {
	char *left = client_cmd("ff0000", "left", left_extra);
	char *right = client_cmd("0000ff", "right", NULL);
	char *config = harness_format(
		"[station left]\noutputs = HEADLESS-1\nsplit = left\n"
		"devices = usb-0:1\nrole = kiosk\nautologin = %%USER%%\n"
		"command = %s\n"
		"[station right]\noutputs = HEADLESS-1\nsplit = right\n"
		"devices = usb-0:2\nrole = kiosk\nautologin = %%USER%%\n"
		"command = %s\n", left, right);
	struct mp_harness *h = start(state, "1:1280x720", config);
	free(left);
	free(right);
	free(config);
	assert_true(harness_wait(h, "views left 1"));
	assert_true(harness_wait(h, "views right 1"));
	return h;
}

/* Runs the tests; MP_TEST_FILTER, a comma-separated list of test names
 * (a trailing '*' matches any end), runs only those: the valgrind lane's
 * choice. */
static inline bool test_chosen(const char *name, const char *filter) {
	char *list = strdup(filter);
	bool chosen = false;
	char *save = NULL;
	for (char *pat = strtok_r(list, ",", &save); pat && !chosen;
			pat = strtok_r(NULL, ",", &save)) {
		size_t len = strlen(pat);
		chosen = len > 0 && pat[len - 1] == '*' ?
			strncmp(name, pat, len - 1) == 0 : strcmp(name, pat) == 0;
	}
	free(list);
	return chosen;
}

static inline int run_chosen_tests(const char *group, struct CMUnitTest *tests,
		size_t n) {
	const char *filter = getenv("MP_TEST_FILTER");
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (filter == NULL || test_chosen(tests[i].name, filter)) {
			tests[kept++] = tests[i];
		}
	}
	return _cmocka_run_group_tests(group, tests, kept, NULL, NULL);
}

#define RUN_TESTS(tests) \
	run_chosen_tests(__FILE__, tests, sizeof(tests) / sizeof((tests)[0]))

#endif
