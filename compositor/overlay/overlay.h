#ifndef MP_OVERLAY_H
#define MP_OVERLAY_H

/* A compositor-drawn screen on a station's overlay stack (greeter now;
 * lock, session menu, block, message and identify next). Each kind
 * implements the small interface below, like sway's seatop_impl. An
 * overlay only draws and reports what the user wants (an intent) to its
 * station; it never calls the helper, a session or another station. */

#include <pixman.h>
#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_scene.h>
#include <xkbcommon/xkbcommon.h>

struct mp_server;
struct mp_place;
struct mp_overlay;
struct mp_text;
struct json_object;

enum mp_intent_type {
	MP_INTENT_SUBMIT, // user (may be NULL) and secret typed, Return
	MP_INTENT_ANSWER, // the answer to a question shown (secret)
	MP_INTENT_CANCEL, // give up what is in progress
	MP_INTENT_CHOOSE, // an item of a menu
	MP_INTENT_LOGOFF, // the log-off key (a compositor key of the station)
	MP_INTENT_SECURE_KEY, // the secure key (ctrl+alt+Delete): always ours
	MP_INTENT_DISMISS, // a notice the user may close was closed
};

struct mp_intent {
	enum mp_intent_type type;
	const char *user;   // SUBMIT
	const char *secret; // SUBMIT, ANSWER
	int item;           // CHOOSE
	const struct mp_overlay *overlay; // DISMISS: the notice closed
};

/* Where an overlay goes on its station's stack: a higher layer is drawn
 * over a lower one and gets input first. */
enum mp_overlay_layer {
	MP_LAYER_SCREEN = 0, // greeter, lock screen
	MP_LAYER_MENU,       // the secure session menu
	MP_LAYER_BANNER,     // message, countdown, maintenance banners
	MP_LAYER_BLOCK,      // an admin's block: over all the station shows
	MP_LAYER_IDENTIFY,   // the station's name and key
};

struct mp_overlay_impl {
	const char *type; // "greeter", ...
	// A key press; returns whether the overlay took it.
	bool (*key)(struct mp_overlay *overlay, xkb_keysym_t sym,
		const char *utf8, uint32_t modifiers);
	// A button at place-local coordinates; returns whether it took it.
	bool (*button)(struct mp_overlay *overlay, int x, int y,
		uint32_t button, bool pressed);
	void (*motion)(struct mp_overlay *overlay, int x, int y); // may be NULL
	// The place changed (size, outputs): draw again.
	void (*relayout)(struct mp_overlay *overlay);
	struct json_object *(*describe)(struct mp_overlay *overlay);
	// Frees what the kind added; overlay_destroy frees the rest.
	void (*destroy)(struct mp_overlay *overlay);
};

struct mp_overlay {
	const struct mp_overlay_impl *impl;
	struct mp_server *server;
	const struct mp_place *place;
	struct wlr_scene_tree *tree; // its own, in the station's overlay layer
	bool modal; // takes every key and button of its station
	int layer;  // its height on the station's stack (mp_overlay_layer)
	struct wl_list link; // the station's stack, bottom first
	void (*report)(void *data, const struct mp_intent *intent);
	void *report_data;
};

/* Sets up the base of a new overlay (the kind's create calls it). */
bool overlay_init(struct mp_overlay *overlay,
	const struct mp_overlay_impl *impl, struct mp_server *server,
	const struct mp_place *place, struct wlr_scene_tree *parent,
	void (*report)(void *data, const struct mp_intent *intent), void *data);
void overlay_report(struct mp_overlay *overlay,
	const struct mp_intent *intent);
/* Destroys any kind of overlay. NULL: no-op. */
void overlay_destroy(struct mp_overlay *overlay);

/* ---- drawing, shared by the kinds ---- */

/* The configured background colour, opaque, as 0xffRRGGBB. */
uint32_t overlay_background(const struct mp_server *server);
/* Fills a rectangle of image with an 0xAARRGGBB colour (OVER), clipped to
 * the image: nothing is ever written outside it. */
void overlay_fill(pixman_image_t *image, uint32_t argb, int x, int y, int w,
	int h);
/* Draws text (0xAARRGGBB) with its top-left at x, y; returns its width,
 * 0 when nothing could be drawn (no font: text NULL or text_render
 * failed). align: 0 left, 1 centred on x, 2 right-aligned to x.
 * max_width > 0: a longer text shows its end (where typing happens). */
int overlay_draw_text(struct mp_text *text, pixman_image_t *image,
	const char *utf8, int size, uint32_t argb, int x, int y, int align,
	int max_width);
/* Shows image (takes its reference; may be NULL) in the overlay's tree at
 * box's layout position, in place of *node (destroyed first). Where there
 * is no image or it cannot be shown, a rectangle of fallback (0xAARRGGBB)
 * covers box instead: an overlay never leaves a hole. An empty box: no
 * node. */
void overlay_show(struct mp_overlay *overlay, struct wlr_scene_node **node,
	pixman_image_t *image, struct wlr_box box, uint32_t fallback);

#endif
