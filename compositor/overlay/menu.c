#include <json-c/json.h>
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/types/wlr_keyboard.h>
#include <wlr/types/wlr_scene.h>
#include "describe.h"
#include "overlay/menu.h"
#include "place.h"
#include "server.h"

#define COLOR_BACKDROP 0xe00c1118 // dims what is behind to near black
#define COLOR_PANEL 0xff1b2633
#define COLOR_SELECTED 0xff4a90d9
#define COLOR_TEXT 0xffe8eef4
#define COLOR_TEXT_SELECTED 0xffffffff
#define COLOR_DIM 0xff9fb0c2

/* Where it is drawn: the first part of its place (never across the bezel
 * of a station of several outputs); empty when the place has none. */
static struct wlr_box draw_box(struct mp_menu *menu) {
	const struct mp_place *place = menu->base.place;
	struct wlr_box box = { 0 };
	if (place->n_parts > 0) {
		box = place->parts[0];
	}
	return box;
}

static void draw(struct mp_menu *menu) {
	struct mp_server *server = menu->base.server;
	server_changed(server);
	struct wlr_box box = draw_box(menu);
	int W = box.width, H = box.height;
	menu->items_x = menu->items_y = menu->items_width = 0;
	menu->item_height = 0;
	pixman_image_t *image = NULL;
	if (W > 0 && H > 0) {
		image = pixman_image_create_bits(PIXMAN_a8r8g8b8, W, H, NULL, W * 4);
	}
	if (image == NULL) {
		// Nothing to draw on, or no memory for it: the backdrop alone.
		overlay_show(&menu->base, &menu->node, NULL, box, COLOR_BACKDROP);
		return;
	}
	overlay_fill(image, COLOR_BACKDROP, 0, 0, W, H);

	// Sizes follow the smaller side, as the greeter's, then shrink until
	// the box (rows units high with a unit of margin above and below it,
	// 22 units wide with one each side) fits the part.
	int rows = 1 + (menu->title != NULL ? 3 : 0) + 2 * (int)menu->n_items + 1;
	int unit = (W < H ? W : H) / 30;
	unit = unit < 12 ? 12 : unit;
	int fit = H / (rows + 2) < W / 24 ? H / (rows + 2) : W / 24;
	unit = unit > fit ? fit : unit;
	unit = unit < 1 ? 1 : unit;
	struct mp_text *text = server->text;

	int bw = unit * 22 < W - 2 * unit ? unit * 22 : W - 2 * unit;
	bw = bw < 0 ? 0 : bw;
	int bh = unit * rows;
	int bx = (W - bw) / 2, by = (H - bh) / 2;
	by = by < 0 ? 0 : by; // too many items for the part: the first ones
	overlay_fill(image, COLOR_PANEL, bx, by, bw, bh);
	int y = by + unit;
	if (menu->title != NULL) {
		overlay_draw_text(text, image, menu->title, unit * 5 / 4, COLOR_DIM,
			bx + bw / 2, y, 1, bw - 2 * unit);
		y += unit * 3;
	}
	menu->items_x = bx + unit / 2;
	menu->items_width = bw - unit;
	menu->items_y = y;
	menu->item_height = unit * 2;
	for (size_t i = 0; i < menu->n_items; i++) {
		int iy = y + (int)i * menu->item_height;
		bool selected = (int)i == menu->selected;
		if (selected) {
			overlay_fill(image, COLOR_SELECTED, menu->items_x, iy,
				menu->items_width, menu->item_height);
		}
		overlay_draw_text(text, image, menu->items[i], unit,
			selected ? COLOR_TEXT_SELECTED : COLOR_TEXT,
			menu->items_x + unit, iy + unit / 2 - unit / 8, 0,
			menu->items_width - 2 * unit);
	}

	overlay_show(&menu->base, &menu->node, image, box, COLOR_BACKDROP);
}

/* The item at place-local x, y, or -1. */
static int item_at(struct mp_menu *menu, int x, int y) {
	// From place-local to where the menu is drawn.
	struct wlr_box box = draw_box(menu);
	x -= box.x - menu->base.place->area.x;
	y -= box.y - menu->base.place->area.y;
	if (x < 0 || y < 0 || x >= box.width || y >= box.height ||
			menu->item_height <= 0 || x < menu->items_x ||
			x >= menu->items_x + menu->items_width || y < menu->items_y) {
		return -1;
	}
	int i = (y - menu->items_y) / menu->item_height;
	return i < (int)menu->n_items ? i : -1;
}

static void select_item(struct mp_menu *menu, int i) {
	if (i != menu->selected) {
		menu->selected = i;
		draw(menu);
	}
}

/* The report may destroy the menu: nothing of it is touched after. */
static void choose(struct mp_menu *menu, int i) {
	struct mp_intent intent = { .type = MP_INTENT_CHOOSE, .item = i };
	overlay_report(&menu->base, &intent);
}

static bool menu_key(struct mp_overlay *overlay, xkb_keysym_t sym,
		const char *utf8, uint32_t modifiers) {
	struct mp_menu *menu = wl_container_of(overlay, menu, base);
	int n = (int)menu->n_items;
	if (sym == XKB_KEY_Tab && (modifiers & WLR_MODIFIER_SHIFT)) {
		sym = XKB_KEY_ISO_Left_Tab;
	}
	switch (sym) {
	case XKB_KEY_Escape: {
		struct mp_intent intent = { .type = MP_INTENT_CANCEL };
		overlay_report(&menu->base, &intent);
		return true; // the menu may be gone
	}
	case XKB_KEY_Return:
	case XKB_KEY_KP_Enter:
	case XKB_KEY_space:
		if (menu->selected >= 0) {
			choose(menu, menu->selected);
		}
		return true; // the menu may be gone
	case XKB_KEY_Down:
	case XKB_KEY_KP_Down:
	case XKB_KEY_Tab:
		if (n > 0) {
			select_item(menu, (menu->selected + 1) % n);
		}
		return true;
	case XKB_KEY_Up:
	case XKB_KEY_KP_Up:
	case XKB_KEY_ISO_Left_Tab:
		if (n > 0) {
			select_item(menu, (menu->selected + n - 1) % n);
		}
		return true;
	case XKB_KEY_Home:
	case XKB_KEY_KP_Home:
		if (n > 0) {
			select_item(menu, 0);
		}
		return true;
	case XKB_KEY_End:
	case XKB_KEY_KP_End:
		if (n > 0) {
			select_item(menu, n - 1);
		}
		return true;
	default:
		return true; // modal: every key is the menu's
	}
}

static void menu_motion(struct mp_overlay *overlay, int x, int y) {
	struct mp_menu *menu = wl_container_of(overlay, menu, base);
	int i = item_at(menu, x, y);
	if (i >= 0) {
		select_item(menu, i);
	}
}

/* A left click chooses: pressed and released on the same item (on the
 * release, so that it never reaches the session behind once the menu is
 * gone). Any other button or place is taken and ignored. */
static bool menu_button(struct mp_overlay *overlay, int x, int y,
		uint32_t button, bool pressed) {
	struct mp_menu *menu = wl_container_of(overlay, menu, base);
	if (button != BTN_LEFT) {
		return true;
	}
	int i = item_at(menu, x, y);
	if (pressed) {
		menu->pressed = i;
		if (i >= 0) {
			select_item(menu, i);
		}
		return true;
	}
	bool chosen = i >= 0 && i == menu->pressed;
	menu->pressed = -1;
	if (chosen) {
		choose(menu, i);
	}
	return true; // the menu may be gone
}

static void menu_relayout(struct mp_overlay *overlay) {
	struct mp_menu *menu = wl_container_of(overlay, menu, base);
	draw(menu);
}

static struct json_object *menu_describe(struct mp_overlay *overlay) {
	struct mp_menu *menu = wl_container_of(overlay, menu, base);
	struct json_object *m = json_object_new_object();
	json_object_object_add(m, "type", json_object_new_string("menu"));
	json_object_object_add(m, "title", describe_string(menu->title));
	struct json_object *items = json_object_new_array();
	struct json_object *boxes = json_object_new_array();
	struct wlr_box box = draw_box(menu);
	for (size_t i = 0; i < menu->n_items; i++) {
		json_object_array_add(items, json_object_new_string(menu->items[i]));
		// Layout coordinates, as the greeter's field boxes.
		json_object_array_add(boxes, describe_box(box.x + menu->items_x,
			box.y + menu->items_y + (int)i * menu->item_height,
			menu->items_width, menu->item_height));
	}
	json_object_object_add(m, "items", items);
	json_object_object_add(m, "selected", json_object_new_int(menu->selected));
	json_object_object_add(m, "item_boxes", boxes);
	return m;
}

static void free_menu(struct mp_menu *menu) {
	if (menu->items != NULL) {
		for (size_t i = 0; i < menu->n_items; i++) {
			free(menu->items[i]);
		}
	}
	free(menu->items);
	free(menu->title);
	free(menu);
}

static void menu_destroy(struct mp_overlay *overlay) {
	struct mp_menu *menu = wl_container_of(overlay, menu, base);
	// Its node went with the overlay's tree.
	free_menu(menu);
}

static const struct mp_overlay_impl menu_impl = {
	.type = "menu",
	.key = menu_key,
	.button = menu_button,
	.motion = menu_motion,
	.relayout = menu_relayout,
	.describe = menu_describe,
	.destroy = menu_destroy,
};

struct mp_menu *menu_create(struct mp_server *server,
		const struct mp_place *place, struct wlr_scene_tree *parent,
		const char *title, const char *const *items, size_t n_items,
		void (*report)(void *data, const struct mp_intent *intent),
		void *data) {
	struct mp_menu *menu = calloc(1, sizeof(*menu));
	if (menu == NULL) {
		return NULL;
	}
	if (title != NULL && (menu->title = strdup(title)) == NULL) {
		free_menu(menu);
		return NULL;
	}
	if (n_items > 0) {
		menu->items = calloc(n_items, sizeof(*menu->items));
		if (menu->items == NULL) {
			free_menu(menu);
			return NULL;
		}
	}
	for (size_t i = 0; i < n_items; i++) {
		menu->items[i] = strdup(items[i] != NULL ? items[i] : "");
		if (menu->items[i] == NULL) {
			menu->n_items = n_items; // the NULLs are freed as well
			free_menu(menu);
			return NULL;
		}
	}
	menu->n_items = n_items;
	menu->selected = n_items > 0 ? 0 : -1;
	menu->pressed = -1;
	if (!overlay_init(&menu->base, &menu_impl, server, place, parent,
			report, data)) {
		free_menu(menu);
		return NULL;
	}
	menu->base.modal = true;
	draw(menu);
	return menu;
}
