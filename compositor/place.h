#ifndef MP_PLACE_H
#define MP_PLACE_H

/* Where things are shown: a station's pixels as its session and its
 * overlays see them. The station owns it (station.place) and keeps it up
 * to date; a session attached to the station and the station's overlays
 * hold a pointer to it. Data only. */

#include <stddef.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/box.h>

struct mp_place {
	const char *name;          // the station's name
	struct wlr_box area;       // layout coordinates, union of the parts
	struct wlr_box *parts;     // one per output part, in order; may be empty
	size_t n_parts;
	struct wlr_scene_tree *tree; // where a session's windows go
	uint32_t capabilities;     // WL_SEAT_CAPABILITY_* of its devices
	const double *cursor_x, *cursor_y; // its pointer, layout coordinates
};

#endif
