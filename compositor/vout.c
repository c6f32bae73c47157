#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <wlr/interfaces/wlr_output.h>
#include <wlr/util/log.h>
#include "util.h"
#include "vout.h"

#define VOUT_REFRESH_MHZ 60000

struct vout {
	struct wlr_output base;
	struct wl_event_source *frame_timer;
};

/* Every virtual output refreshes at epoch + k * its period: one clock for
 * all, as the heads of one graphics card, so that the frames of several
 * stations come in one wakeup. */
static int64_t epoch_ns;

static const struct wlr_output_impl vout_impl;

bool output_is_vout(struct wlr_output *output) {
	return output->impl == &vout_impl;
}

static struct vout *vout_from_output(struct wlr_output *output) {
	assert(output_is_vout(output));
	return (struct vout *)output;
}

static int64_t period_ns(struct wlr_output *output) {
	int refresh = output->refresh > 0 ? output->refresh : VOUT_REFRESH_MHZ;
	return 1000000000000LL / refresh;
}

/* The refresh after a committed frame: its frame event. */
static int handle_frame_timer(void *data) {
	struct vout *vout = data;
	wlr_output_send_frame(&vout->base);
	return 0;
}

/* The frame is flipped at the next refresh, in whole milliseconds (the
 * event loop's timers), at least one from now. */
static void schedule_flip(struct vout *vout) {
	int64_t now = util_now_ns(), period = period_ns(&vout->base);
	int64_t next = epoch_ns + ((now - epoch_ns) / period + 1) * period;
	int ms = (int)((next - now + 999999) / 1000000);
	wl_event_source_timer_update(vout->frame_timer, ms < 1 ? 1 : ms);
}

static bool vout_test(struct wlr_output *output) {
	struct wlr_output_state *pending = &output->pending;
	if (!(pending->committed & WLR_OUTPUT_STATE_MODE)) {
		return true;
	}
	if (pending->mode_type == WLR_OUTPUT_STATE_MODE_CUSTOM) {
		return pending->custom_mode.width > 0 &&
			pending->custom_mode.height > 0;
	}
	return pending->mode != NULL && pending->mode->width > 0 &&
		pending->mode->height > 0;
}

static bool vout_commit(struct wlr_output *output) {
	struct vout *vout = vout_from_output(output);
	struct wlr_output_state *pending = &output->pending;
	if (!vout_test(output)) {
		return false;
	}
	if (pending->committed & WLR_OUTPUT_STATE_ENABLED) {
		wlr_output_update_enabled(output, pending->enabled);
	}
	if (pending->committed & WLR_OUTPUT_STATE_MODE) {
		if (pending->mode_type == WLR_OUTPUT_STATE_MODE_CUSTOM) {
			wlr_output_update_custom_mode(output, pending->custom_mode.width,
				pending->custom_mode.height,
				pending->custom_mode.refresh > 0 ?
				pending->custom_mode.refresh : VOUT_REFRESH_MHZ);
		} else {
			wlr_output_update_mode(output, pending->mode);
		}
	}
	if (pending->committed & WLR_OUTPUT_STATE_BUFFER) {
		// Nothing to show it on: it is on screen now (as wlroots'
		// headless outputs say), and the next frame comes at the next
		// refresh.
		struct wlr_output_event_present present = {
			.commit_seq = output->commit_seq + 1,
			.presented = true,
		};
		wlr_output_send_present(output, &present);
		schedule_flip(vout);
	}
	return true;
}

static void vout_destroy(struct wlr_output *output) {
	struct vout *vout = vout_from_output(output);
	wl_event_source_remove(vout->frame_timer);
	free(vout);
}

static const struct wlr_output_impl vout_impl = {
	.test = vout_test,
	.commit = vout_commit,
	.destroy = vout_destroy,
};

struct wlr_output *vout_create(struct wlr_backend *backend,
		struct wl_display *display, int width, int height, const char *name,
		bool announce) {
	struct vout *vout = calloc(1, sizeof(*vout));
	if (vout == NULL) {
		return NULL;
	}
	vout->frame_timer = wl_event_loop_add_timer(
		wl_display_get_event_loop(display), handle_frame_timer, vout);
	if (vout->frame_timer == NULL) {
		free(vout);
		return NULL;
	}
	if (epoch_ns == 0) {
		epoch_ns = util_now_ns();
	}
	struct wlr_output *output = &vout->base;
	wlr_output_init(output, backend, &vout_impl, display);
	wlr_output_update_custom_mode(output, width, height, VOUT_REFRESH_MHZ);
	snprintf(output->make, sizeof(output->make), "headless");
	snprintf(output->model, sizeof(output->model), "headless");
	if (name != NULL) {
		wlr_output_set_name(output, name);
	}
	wlr_output_update_enabled(output, true);
	if (announce) {
		wl_signal_emit(&backend->events.new_output, output);
	}
	return output;
}
