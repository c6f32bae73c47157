#ifndef MP_LAYOUT_H
#define MP_LAYOUT_H

#include <wayland-server-core.h>

struct mp_server;
struct wlr_output;

/* Outputs and stations: places outputs side by side (stations in
 * configuration order, each station's outputs in its order), makes a
 * station per output when there is no configuration, and tells every
 * station when its outputs change. */
void layout_init(struct mp_server *server);
void layout_finish(struct mp_server *server);
void layout_arrange(struct mp_server *server);
/* A headless output named name (a connector plugged in again keeps its
 * name), or the next HEADLESS-N for NULL. NULL on failure. */
struct mp_output_edid {
	const char *make, *model, *serial;
};
/* edid (may be NULL) is what it reports as read from its monitor. */
struct wlr_output *layout_add_headless_output(struct mp_server *server,
	int width, int height, const char *name,
	const struct mp_output_edid *edid);

#endif
