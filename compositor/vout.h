#ifndef MP_VOUT_H
#define MP_VOUT_H
#include <stdbool.h>
#include <wlr/backend.h>
#include <wlr/types/wlr_output.h>

/* A virtual output: the screens of --headless and of mp-test's
 * add-output, and the outputs a session's clients see. It behaves as a
 * real screen does: a frame event comes only after a frame was committed,
 * at the next refresh (a page flip), never while nothing is drawn.
 * (wlroots 0.15's headless outputs tick at their refresh rate for ever,
 * waking an idle compositor 60 times a second per output.)
 *
 * backend is the one it belongs to (for the allocator's buffer
 * capabilities; a headless backend); it is announced on that backend's
 * new_output signal when announce is true. Named name when not NULL. */
struct wlr_output *vout_create(struct wlr_backend *backend,
	struct wl_display *display, int width, int height, const char *name,
	bool announce);

bool output_is_vout(struct wlr_output *output);

#endif
