/* mp_test_v1 itself: what a client gives it (fds, bad arguments) never
 * stalls or breaks the compositor. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <wayland-client.h>
#include "common.h"
#include "test-client.h"

/* Reads fd to its end; returns how many bytes came. */
static size_t read_all(int fd) {
	size_t total = 0;
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR) {
			continue;
		}
		assert_true(n > 0);
		total += (size_t)n;
	}
	return total;
}

static void test_screenshot_to_a_full_pipe_does_not_block(void **state) {
	// 1280x720 pixels (3.5 MiB) into a pipe nobody reads yet: the
	// compositor writes what fits and goes on serving everyone.
	struct mp_harness *h = start(state, "1:1280x720",
		"[station a]\noutputs = HEADLESS-1\n");
	int fds[2];
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	struct mp_test_result_v1 *shot = mp_test_v1_screenshot(h->test,
		"output", "HEADLESS-1", fds[1]);
	close(fds[1]);
	assert_true(harness_wait(h, "idle"));
	assert_state_str(h, "stations/a/state", "login");
	assert_int_equal(read_all(fds[0]), 1280u * 720u * 4u);
	close(fds[0]);
	char *info = NULL;
	assert_int_equal(mp_test_await(h->display, shot, 30000, &info),
		MP_ANSWER_DONE);
	assert_string_equal(info, "1280 720");
	free(info);
}

static void test_state_to_a_closed_pipe_fails_cleanly(void **state) {
	struct mp_harness *h = start(state, "1:640x480",
		"[station a]\noutputs = HEADLESS-1\n");
	int fds[2];
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	close(fds[0]);
	struct mp_test_result_v1 *result = mp_test_v1_state(h->test, fds[1]);
	close(fds[1]);
	char *reason = NULL;
	assert_int_equal(mp_test_await(h->display, result, 30000, &reason),
		MP_ANSWER_FAILED);
	assert_non_null(strstr(reason, "cannot write"));
	free(reason);
	assert_state_str(h, "stations/a/state", "login");
}

static void handle_sync_done(void *data, struct wl_callback *callback,
		uint32_t serial) {
	*(bool *)data = true;
	wl_callback_destroy(callback);
}

static void handle_global(void *data, struct wl_registry *registry,
		uint32_t name, const char *interface, uint32_t version) {
	if (strcmp(interface, mp_test_v1_interface.name) == 0) {
		*(struct mp_test_v1 **)data = wl_registry_bind(registry, name,
			&mp_test_v1_interface, 1);
	}
}

static void handle_global_remove(void *data, struct wl_registry *registry,
		uint32_t name) {
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

/* A roundtrip that fails after ms instead of waiting for ever (the
 * compositor may be the one that is stuck). */
static bool roundtrip_within(struct wl_display *display, int ms) {
	struct wl_callback *callback = wl_display_sync(display);
	bool done = false;
	wl_callback_add_listener(callback, &(const struct wl_callback_listener){
		.done = handle_sync_done }, &done);
	while (!done) {
		while (wl_display_prepare_read(display) != 0) {
			if (wl_display_dispatch_pending(display) < 0) {
				return false;
			}
		}
		if (done) {
			wl_display_cancel_read(display);
			break;
		}
		wl_display_flush(display);
		struct pollfd pfd = { .fd = wl_display_get_fd(display),
			.events = POLLIN };
		if (poll(&pfd, 1, ms) <= 0) {
			wl_display_cancel_read(display);
			wl_callback_destroy(callback);
			return false;
		}
		if (wl_display_read_events(display) < 0 ||
				wl_display_dispatch_pending(display) < 0) {
			return false;
		}
	}
	return true;
}

static void test_client_gone_during_a_write(void **state) {
	// A second test client asks for pixels into a pipe nobody reads,
	// then goes: the compositor drops the write and carries on.
	struct mp_harness *h = start(state, "1:1280x720",
		"[station a]\noutputs = HEADLESS-1\n");
	struct wl_display *display = wl_display_connect(h->socket);
	assert_non_null(display);
	struct mp_test_v1 *test = NULL;
	struct wl_registry *registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, &test);
	assert_true(wl_display_roundtrip(display) >= 0);
	assert_non_null(test);
	int fds[2];
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	struct mp_test_result_v1 *shot =
		mp_test_v1_screenshot(test, "output", "HEADLESS-1", fds[1]);
	close(fds[1]);
	// Answered while the pixels wait for the pipe: not blocked.
	assert_true(roundtrip_within(display, 10000));
	// Gone without a word (our proxies freed here, nothing sent).
	wl_proxy_destroy((struct wl_proxy *)shot);
	wl_proxy_destroy((struct wl_proxy *)test);
	wl_registry_destroy(registry);
	wl_display_disconnect(display);
	close(fds[0]);
	assert_true(harness_wait(h, "idle"));
	assert_state_str(h, "stations/a/state", "login");
}

/* The compositor refuses condition at once, saying why (reason in it). */
static void expect_refused(struct mp_harness *h, const char *condition,
		const char *reason) {
	char *got = harness_wait_refused(h, condition);
	if (got == NULL || strstr(got, reason) == NULL) {
		fail_msg("wait '%s': got '%s', want '%s'", condition,
			got ? got : "(not refused)", reason);
	}
	free(got);
}

static void test_bad_wait_condition_fails(void **state) {
	struct mp_harness *h = start(state, "1:640x480",
		"[station a]\noutputs = HEADLESS-1\n");
	expect_refused(h, "views nosuch 1", "no such station");
	expect_refused(h, "views a many", "bad count");
	expect_refused(h, "views a 99999999999999999999", "bad count");
	expect_refused(h, "greeter a hungry", "expected prompt");
	expect_refused(h, "bogus", "idle, views");
	assert_true(harness_wait(h, "idle"));
}

static void test_bad_session_state_wait_fails(void **state) {
	// A state no session has, or an id that is no number, would never
	// hold (or always): refused.
	struct mp_harness *h = start(state, "1:640x480",
		"[station a]\noutputs = HEADLESS-1\n");
	expect_refused(h, "session-state 1 nosuchstate", "no session state");
	expect_refused(h, "session-state abc gone", "bad session id");
	expect_refused(h, "session-state -1 gone", "bad session id");
	assert_true(harness_wait(h, "session-state 1 gone"));
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			test_screenshot_to_a_full_pipe_does_not_block, teardown),
		cmocka_unit_test_teardown(test_state_to_a_closed_pipe_fails_cleanly,
			teardown),
		cmocka_unit_test_teardown(test_client_gone_during_a_write, teardown),
		cmocka_unit_test_teardown(test_bad_wait_condition_fails, teardown),
		cmocka_unit_test_teardown(test_bad_session_state_wait_fails,
			teardown),
	};
	return RUN_TESTS(tests);
}
