#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "test-client.h"

struct answer {
	bool answered, ok;
	char *text;
};

/* data: the answer kept for whoever awaits it; NULL once nobody does. */
static void handle_done(void *data, struct mp_test_result_v1 *result,
		const char *info) {
	struct answer *a = data;
	if (a != NULL && !a->answered) {
		a->answered = a->ok = true;
		a->text = strdup(info);
	}
}

static void handle_failed(void *data, struct mp_test_result_v1 *result,
		const char *reason) {
	struct answer *a = data;
	if (a != NULL && !a->answered) {
		a->answered = true;
		a->text = strdup(reason);
	}
}

static const struct mp_test_result_v1_listener result_listener = {
	.done = handle_done,
	.failed = handle_failed,
};

static long elapsed_ms(const struct timespec *start) {
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 +
		(now.tv_nsec - start->tv_nsec) / 1000000;
}

void mp_test_listen(struct mp_test_result_v1 *result) {
	struct answer *a = calloc(1, sizeof(*a));
	if (a == NULL) {
		abort();
	}
	mp_test_result_v1_add_listener(result, &result_listener, a);
}

/* Waits for the answer kept in a; returns whether it came. */
static enum mp_answer_status wait_answer(struct wl_display *display,
		const struct answer *a, int timeout_ms) {
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!a->answered) {
		while (wl_display_prepare_read(display) != 0) {
			if (wl_display_dispatch_pending(display) < 0) {
				return MP_ANSWER_LOST;
			}
		}
		if (a->answered) {
			wl_display_cancel_read(display);
			break;
		}
		if (wl_display_flush(display) < 0) {
			wl_display_cancel_read(display);
			return MP_ANSWER_LOST;
		}
		long left = timeout_ms - elapsed_ms(&start);
		struct pollfd pfd = { .fd = wl_display_get_fd(display),
			.events = POLLIN };
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			wl_display_cancel_read(display);
			return MP_ANSWER_TIMEOUT;
		}
		if (wl_display_read_events(display) < 0 ||
				wl_display_dispatch_pending(display) < 0) {
			return MP_ANSWER_LOST;
		}
	}
	return a->ok ? MP_ANSWER_DONE : MP_ANSWER_FAILED;
}

enum mp_answer_status mp_test_await(struct wl_display *display,
		struct mp_test_result_v1 *result, int timeout_ms, char **text) {
	*text = NULL;
	if (mp_test_result_v1_get_user_data(result) == NULL) {
		mp_test_listen(result);
	}
	struct answer *a = mp_test_result_v1_get_user_data(result);
	enum mp_answer_status status = wait_answer(display, a, timeout_ms);
	if (status == MP_ANSWER_DONE || status == MP_ANSWER_FAILED) {
		mp_test_result_v1_destroy(result);
		*text = a->text;
	} else {
		// The result stays (its answer may still come): nobody keeps it.
		mp_test_result_v1_set_user_data(result, NULL);
		free(a->text);
	}
	free(a);
	return status;
}
