#ifndef MP_MENU_H
#define MP_MENU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "overlay/overlay.h"

/* The secure session menu: a list of items drawn by the compositor over a
 * dimmed backdrop on the station's first output (what a client cannot
 * draw or read). Modal. Up, Down, Tab and shift+Tab move the selection
 * (wrapping), Home and End go to the first and last item; Return,
 * KP_Enter or space report CHOOSE (item: the selected index), Escape
 * CANCEL. The pointer over an item selects it; a left click (pressed and
 * released on the same item) chooses it. The report may destroy the
 * menu. */
struct mp_menu {
	struct mp_overlay base;
	struct wlr_scene_node *node; // may be NULL (no area)

	char *title; // may be NULL
	char **items;
	size_t n_items;
	int selected; // -1: no items
	int pressed;  // the item the left button went down on, or -1

	// Where the items are, relative to where it is drawn (the first
	// part): item i at items_x, items_y + i * item_height.
	int items_x, items_y, items_width, item_height;
};

/* title: e.g. "alice at station left", may be NULL. Items are copied. */
struct mp_menu *menu_create(struct mp_server *server,
	const struct mp_place *place, struct wlr_scene_tree *parent,
	const char *title, const char *const *items, size_t n_items,
	void (*report)(void *data, const struct mp_intent *intent), void *data);

#endif
