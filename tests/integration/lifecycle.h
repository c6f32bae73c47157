/* Shared by the tests of lock, disconnect, resume and end: three desktop
 * stations (a and b on the halves of one 1280x720 output, c alone on a
 * second one), keyboards kb-a, kb-b, kb-c and a pointer ptr-a, sessions
 * running mp-client (green) logging to session.log. */
#ifndef MP_TEST_LIFECYCLE_H
#define MP_TEST_LIFECYCLE_H

#include <signal.h>
#include <time.h>
#include <sys/types.h>
#include "common.h"

static inline struct mp_harness *start_stations(void **state,
		const char *pam, const char *client_extra,
		const char *compositor_extra, const char *const *env, bool pointer) {
	char *cmd = client_cmd("00ff00", "session", client_extra);
	char *config = harness_format(
		"[compositor]\nsession-command = %s\n%s"
		"[station a]\noutputs = HEADLESS-1\nsplit = left\ndevices = usb-a\n"
		"[station b]\noutputs = HEADLESS-1\nsplit = right\ndevices = usb-b\n"
		"[station c]\noutputs = HEADLESS-2\ndevices = usb-c\n",
		cmd, compositor_extra ? compositor_extra : "");
	struct mp_harness_options options = {
		.config = config,
		.headless = "2:1280x720",
		.pam = pam,
		.env = env,
	};
	struct mp_harness *h = harness_start_with(&options);
	free(cmd);
	free(config);
	assert_non_null(h);
	*state = h;
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-a:1.0", NULL));
	assert_true(harness_request_add_keyboard(h, "kb-b", "usb-b:1.0", NULL));
	assert_true(harness_request_add_keyboard(h, "kb-c", "usb-c:1.0", NULL));
	if (pointer) {
		assert_true(harness_request_add_pointer(h, "ptr-a", "usb-a:1.1",
			NULL));
	}
	return h;
}

static inline struct mp_harness *start_three(void **state,
		const char *client_extra, const char *compositor_extra,
		const char *const *env) {
	return start_stations(state, NULL, client_extra, compositor_extra, env,
		true);
}

/* Signs the test user in at station (keyboard kb) and waits for its
 * window: session 1 unless said otherwise. */
static inline void signed_in_at(struct mp_harness *h, const char *kb,
		const char *station) {
	sign_in(h, kb);
	char *cond = harness_format("views %s 1", station);
	assert_true(harness_wait(h, cond));
	free(cond);
}

/* The pid the client logging to NAME.log says it has. */
static inline pid_t client_pid(struct mp_harness *h, const char *name) {
	assert_true(log_has(h, name, "pid "));
	char *path = log_path(h, name);
	char *log = harness_read_file(path);
	free(path);
	assert_non_null(log);
	const char *line = strstr(log, "pid ");
	long pid = line ? strtol(line + 4, NULL, 10) : 0;
	free(log);
	assert_true(pid > 0);
	return (pid_t)pid;
}

/* How much NAME.log holds now: what comes later is after this mark. */
static inline size_t log_mark(struct mp_harness *h, const char *name) {
	char *path = log_path(h, name);
	char *log = harness_read_file(path);
	free(path);
	size_t n = log ? strlen(log) : 0;
	free(log);
	return n;
}

/* Whether NAME.log has text after the mark (else it is printed). */
static inline bool log_since_has(struct mp_harness *h, const char *name,
		size_t mark, const char *text) {
	char *path = log_path(h, name);
	char *log = harness_read_file(path);
	free(path);
	bool has = log != NULL && strlen(log) >= mark &&
		strstr(log + mark, text) != NULL;
	free(log);
	return has;
}

/* Waits (10 s at most) until NAME.log has text after the mark. */
static inline bool log_since_wait(struct mp_harness *h, const char *name,
		size_t mark, const char *text) {
	for (int i = 0; i < 1000; i++) {
		if (log_since_has(h, name, mark, text)) {
			return true;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "no '%s' in %s.log after byte %zu\n", text, name, mark);
	return false;
}

static inline bool log_since_lacks(struct mp_harness *h, const char *name,
		size_t mark, const char *text) {
	if (!log_since_has(h, name, mark, text)) {
		return true;
	}
	char *path = log_path(h, name);
	char *log = harness_read_file(path);
	fprintf(stderr, "%s has '%s' after byte %zu:\n%s\n", path, text, mark,
		log ? log + mark : "");
	free(log);
	free(path);
	return false;
}

/* Makes the client answer a round trip (it logs "misbehaved" after one,
 * having done what --misbehave does, if it was started so) and waits for
 * it: whatever the compositor sent it before has been received. */
static inline void client_round_trip(struct mp_harness *h, const char *name,
		pid_t pid) {
	size_t mark = log_mark(h, name);
	assert_int_equal(kill(pid, SIGUSR1), 0);
	assert_true(log_since_wait(h, name, mark, "misbehaved"));
}

/* No pixel of the session's green on what the station shows. */
static inline void expect_no_session_pixel(struct mp_harness *h,
		const char *kind, const char *target) {
	struct mp_shot *shot = shoot(h, kind, target);
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, GREEN, 0,
		"no pixel of the session"));
	harness_shot_free(shot);
}

#endif
