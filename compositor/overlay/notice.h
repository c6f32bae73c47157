#ifndef MP_NOTICE_H
#define MP_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wlr/util/box.h>
#include "overlay/overlay.h"

enum mp_notice_kind {
	MP_NOTICE_BLOCK,    // the station is blocked by an admin
	MP_NOTICE_BANNER,   // a message strip over what the station shows
	MP_NOTICE_IDENTIFY, // the station's name and key, big
};

/* What an admin shows on a station, drawn by the compositor ("block",
 * "banner" or "identify" in describe):
 *
 * BLOCK covers every part of the place opaquely (nothing of the session
 * behind shows on any output), the title big and the text (the admin's
 * message, wrapped over a few lines) on the first part. Modal: it takes
 * every key and button and reports nothing.
 *
 * BANNER is a strip across the top of the first part (row 0, 1, ...: the
 * strips of several banners one under the other) with the title and text
 * on one line. Not modal: keys and buttons outside the strip go on to the
 * session; a button on the strip is its own. A dismissible one reports
 * DISMISS (overlay: the banner) on a left click on the strip or Escape;
 * the report may destroy it.
 *
 * IDENTIFY covers every part opaquely with the title (the station's name)
 * very big and the text (its key, e.g. "F1") under it, on each part. It
 * takes no input.
 *
 * Without a font everything but the text is drawn. */
struct mp_notice {
	struct mp_overlay base;
	enum mp_notice_kind kind;
	char *title; // may be NULL
	char *text;  // may be NULL
	bool dismissible; // BANNER only
	int row;          // BANNER only: which strip from the top
	// BANNER: the buttons pressed on the strip (bit: code - BTN_MOUSE),
	// whose releases are its own too.
	uint32_t buttons_held;

	// What is drawn, one node and its box (layout coordinates) each: a
	// part (BLOCK, IDENTIFY) or the strip (BANNER). A node may be NULL
	// where its box is empty.
	struct wlr_scene_node **nodes;
	struct wlr_box *boxes;
	size_t n_nodes;
	size_t capacity; // of nodes and boxes
};

/* Creates and draws it. title and text (either may be NULL) are copied;
 * dismissible and row matter for a BANNER only. NULL on failure. */
struct mp_notice *notice_create(struct mp_server *server,
	const struct mp_place *place, struct wlr_scene_tree *parent,
	enum mp_notice_kind kind, const char *title, const char *text,
	bool dismissible, int row,
	void (*report)(void *data, const struct mp_intent *intent), void *data);

/* A new title and/or text (NULL leaves that one as it is; "" shows none);
 * draws again only if something changed. */
void notice_set_text(struct mp_notice *notice, const char *title,
	const char *text);

#endif
