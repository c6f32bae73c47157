#ifndef MP_TEST_CLIENT_H
#define MP_TEST_CLIENT_H

/* Shared by mptest and the test harness: waiting for the one answer of an
 * mp_test_result_v1, with a time limit. */

#include <stdbool.h>
#include <wayland-client.h>
#include "mp-test-v1-client-protocol.h"

enum mp_answer_status {
	MP_ANSWER_DONE,
	MP_ANSWER_FAILED,   // the compositor refused; *text says why
	MP_ANSWER_TIMEOUT,
	MP_ANSWER_LOST,     // the connection broke
};

/* Keeps result's answer from now on, so that it may be awaited later
 * (after other requests); mp_test_await does this itself otherwise. */
void mp_test_listen(struct mp_test_result_v1 *result);
/* Waits up to timeout_ms for result's answer and destroys result when it
 * came. *text gets the info or the reason (caller frees), or NULL. After
 * a timeout, an answer that comes later is dropped. */
enum mp_answer_status mp_test_await(struct wl_display *display,
	struct mp_test_result_v1 *result, int timeout_ms, char **text);

#endif
