/* The admin's notices (block, banner, identify) on their own: a scene
 * that is never rendered, a server with only what overlays use (no font
 * unless a test loads one: text is not drawn, everything else is). */
#include <json-c/json.h>
#include <linux/input-event-codes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <wlr/types/wlr_scene.h>
#include "buffer.h"
#include "overlay/notice.h"
#include "overlay/text.h"
#include "place.h"
#include "server.h"

#define BACKGROUND 0xff203040
#define PANEL 0xff1b2633
#define ACCENT 0xffd9534f
#define IDENTIFY 0xff1d4f91

struct fixture {
	struct mp_config config;
	struct mp_server server;
	struct wlr_scene *scene;
	struct wlr_scene_tree *parent;
	struct wlr_box parts[3];
	struct mp_place place;
	struct wl_listener changed;
	int changes; // server_changed calls

	struct mp_overlay *overlay; // what the reports are about
	bool destroy_on_report;     // as the station pops a dismissed notice
	int reports;
	struct mp_intent last;
};

static void handle_changed(struct wl_listener *listener, void *data) {
	struct fixture *f = wl_container_of(listener, f, changed);
	f->changes++;
}

static int setup(void **state) {
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->config.background[0] = 0x20 / 255.0f;
	f->config.background[1] = 0x30 / 255.0f;
	f->config.background[2] = 0x40 / 255.0f;
	f->config.background[3] = 1.0f;
	f->server.config = &f->config;
	f->server.loop = wl_event_loop_create();
	assert_non_null(f->server.loop);
	wl_signal_init(&f->server.events.changed);
	f->changed.notify = handle_changed;
	wl_signal_add(&f->server.events.changed, &f->changed);
	f->scene = wlr_scene_create();
	assert_non_null(f->scene);
	f->parent = wlr_scene_tree_create(&f->scene->node);
	assert_non_null(f->parent);
	// A station of two outputs side by side, not at the layout's origin.
	f->parts[0] = (struct wlr_box){ 100, 50, 800, 600 };
	f->parts[1] = (struct wlr_box){ 900, 50, 640, 480 };
	f->place = (struct mp_place){
		.name = "left",
		.area = { 100, 50, 1440, 600 },
		.parts = f->parts,
		.n_parts = 2,
	};
	*state = f;
	return 0;
}

static int teardown(void **state) {
	struct fixture *f = *state;
	overlay_destroy(f->overlay);
	text_destroy(f->server.text);
	wl_list_remove(&f->changed.link);
	wlr_scene_node_destroy(&f->scene->node);
	wl_event_loop_destroy(f->server.loop);
	free(f);
	return 0;
}

static void report(void *data, const struct mp_intent *intent) {
	struct fixture *f = data;
	f->reports++;
	f->last = *intent;
	if (f->destroy_on_report) {
		overlay_destroy(f->overlay);
		f->overlay = NULL;
	}
}

static struct mp_notice *make(struct fixture *f, enum mp_notice_kind kind,
		const char *title, const char *text, bool dismissible, int row) {
	struct mp_notice *notice = notice_create(&f->server, &f->place,
		f->parent, kind, title, text, dismissible, row, report, f);
	assert_non_null(notice);
	f->overlay = &notice->base;
	return notice;
}

static void drop(struct fixture *f) {
	overlay_destroy(f->overlay);
	f->overlay = NULL;
}

/* A font where the machine has one: the tests that need it skip
 * otherwise. */
static void load_font(struct fixture *f) {
	f->server.text = text_create("DejaVu Sans");
	pixman_image_t *probe = f->server.text != NULL ?
		text_render(f->server.text, "x", 12, 0xffffffff) : NULL;
	if (probe == NULL) {
		skip();
	}
	pixman_image_unref(probe);
}

static bool key(struct fixture *f, xkb_keysym_t sym, const char *utf8) {
	return f->overlay->impl->key(f->overlay, sym, utf8, 0);
}

static bool button(struct fixture *f, int x, int y, uint32_t code,
		bool pressed) {
	return f->overlay->impl->button(f->overlay, x, y, code, pressed);
}

/* The colour (0xAARRGGBB, premultiplied) that node shows at layout x, y:
 * its image's pixel, or its rectangle's colour. */
static uint32_t color_at(struct wlr_scene_node *node, int lx, int ly) {
	assert_non_null(node);
	int x = lx - node->state.x, y = ly - node->state.y;
	assert_true(x >= 0 && y >= 0);
	if (node->type == WLR_SCENE_NODE_RECT) {
		struct wlr_scene_rect *rect = wl_container_of(node, rect, node);
		assert_true(x < rect->width && y < rect->height);
		uint32_t argb = 0;
		const int shift[4] = { 16, 8, 0, 24 };
		for (int i = 0; i < 4; i++) {
			argb |= (uint32_t)(rect->color[i] * 255.0f + 0.5f) << shift[i];
		}
		return argb;
	}
	assert_int_equal(node->type, WLR_SCENE_NODE_BUFFER);
	struct wlr_scene_buffer *sb = wl_container_of(node, sb, node);
	struct mp_image_buffer *buffer = wl_container_of(sb->buffer, buffer, base);
	assert_true(x < pixman_image_get_width(buffer->image));
	assert_true(y < pixman_image_get_height(buffer->image));
	uint32_t *data = pixman_image_get_data(buffer->image);
	int stride = pixman_image_get_stride(buffer->image) / 4;
	return data[y * stride + x];
}

/* The image a node shows (a buffer node), to read all of it. */
static pixman_image_t *image_of(struct wlr_scene_node *node) {
	assert_non_null(node);
	assert_int_equal(node->type, WLR_SCENE_NODE_BUFFER);
	struct wlr_scene_buffer *sb = wl_container_of(node, sb, node);
	struct mp_image_buffer *buffer = wl_container_of(sb->buffer, buffer, base);
	return buffer->image;
}

/* The node drawn on layout x, y (the topmost: the last one). */
static struct wlr_scene_node *node_at(struct mp_notice *notice, int lx,
		int ly) {
	for (size_t i = notice->n_nodes; i-- > 0;) {
		struct wlr_box b = notice->boxes[i];
		if (notice->nodes[i] != NULL && lx >= b.x && ly >= b.y &&
				lx < b.x + b.width && ly < b.y + b.height) {
			assert_int_equal(notice->nodes[i]->state.x, b.x);
			assert_int_equal(notice->nodes[i]->state.y, b.y);
			return notice->nodes[i];
		}
	}
	fail_msg("nothing drawn at %d,%d", lx, ly);
	return NULL;
}

/* The four corners of box are drawn in argb. */
static void assert_corners(struct mp_notice *notice, struct wlr_box box,
		uint32_t argb) {
	int xs[2] = { box.x, box.x + box.width - 1 };
	int ys[2] = { box.y, box.y + box.height - 1 };
	for (int i = 0; i < 2; i++) {
		for (int j = 0; j < 2; j++) {
			assert_int_equal(color_at(node_at(notice, xs[i], ys[j]), xs[i],
				ys[j]), argb);
		}
	}
}

static struct json_object *describe(struct fixture *f) {
	struct json_object *d = f->overlay->impl->describe(f->overlay);
	assert_non_null(d);
	return d;
}

static struct json_object *get(struct json_object *o, const char *name) {
	struct json_object *v;
	assert_true(json_object_object_get_ex(o, name, &v));
	return v;
}

/* describe's boxes into boxes (at most max); returns how many. */
static size_t describe_boxes(struct fixture *f, struct wlr_box *boxes,
		size_t max) {
	struct json_object *d = describe(f), *array = get(d, "boxes");
	size_t n = json_object_array_length(array);
	for (size_t i = 0; i < n && i < max; i++) {
		struct json_object *b = json_object_array_get_idx(array, i);
		boxes[i] = (struct wlr_box){
			json_object_get_int(get(b, "x")),
			json_object_get_int(get(b, "y")),
			json_object_get_int(get(b, "width")),
			json_object_get_int(get(b, "height")),
		};
	}
	json_object_put(d);
	return n;
}

static void assert_box(struct wlr_box box, int x, int y, int w, int h) {
	assert_int_equal(box.x, x);
	assert_int_equal(box.y, y);
	assert_int_equal(box.width, w);
	assert_int_equal(box.height, h);
}

static bool box_inside(struct wlr_box in, struct wlr_box out) {
	return in.x >= out.x && in.y >= out.y &&
		in.x + in.width <= out.x + out.width &&
		in.y + in.height <= out.y + out.height;
}

/* ---- block ---- */

static void test_block_covers_every_part(void **state) {
	struct fixture *f = *state;
	struct mp_notice *block = make(f, MP_NOTICE_BLOCK,
		"This station is blocked", "Exam in progress", false, 0);
	// Opaque everywhere, on both outputs: the session shows nowhere.
	assert_corners(block, f->parts[0], BACKGROUND);
	assert_corners(block, f->parts[1], BACKGROUND);
	assert_int_equal(color_at(node_at(block, 1200, 300), 1200, 300),
		BACKGROUND);
	// The panel in the middle of the first part, its top edge red.
	struct wlr_scene_node *first = node_at(block, 500, 350);
	assert_int_equal(color_at(first, 500, 350), PANEL);
	int y = 350;
	while (y > 50 && color_at(first, 500, y) == PANEL) {
		y--;
	}
	assert_int_equal(color_at(first, 500, y), ACCENT);
	struct wlr_box boxes[4];
	assert_int_equal(describe_boxes(f, boxes, 4), 2);
	assert_box(boxes[0], 100, 50, 800, 600);
	assert_box(boxes[1], 900, 50, 640, 480);
	assert_true(f->changes > 0);
}

static void test_block_is_modal_and_reports_nothing(void **state) {
	struct fixture *f = *state;
	make(f, MP_NOTICE_BLOCK, "Blocked", NULL, true, 3);
	assert_true(f->overlay->modal);
	assert_null(f->overlay->impl->motion);
	assert_true(key(f, XKB_KEY_Escape, "\x1b"));
	assert_true(key(f, XKB_KEY_a, "a"));
	assert_true(key(f, XKB_KEY_Return, "\r"));
	// Anywhere, on either output, any button.
	assert_true(button(f, 10, 10, BTN_LEFT, true));
	assert_true(button(f, 10, 10, BTN_LEFT, false));
	assert_true(button(f, 1000, 300, BTN_RIGHT, true));
	assert_true(button(f, 1000, 300, BTN_RIGHT, false));
	assert_true(button(f, -5, 9000, BTN_MIDDLE, true));
	assert_int_equal(f->reports, 0);
	// dismissible and row are a banner's only.
	struct json_object *d = describe(f), *v;
	assert_string_equal(json_object_get_string(get(d, "type")), "block");
	assert_false(json_object_object_get_ex(d, "dismissible", &v));
	assert_false(json_object_object_get_ex(d, "row", &v));
	assert_null(get(d, "text"));
	json_object_put(d);
}

/* ---- banner ---- */

static void test_banner_rows_on_the_first_part(void **state) {
	struct fixture *f = *state;
	struct mp_notice *banner = make(f, MP_NOTICE_BANNER, "Admin",
		"The lab closes at 18:00", false, 0);
	assert_false(f->overlay->modal);
	struct wlr_box boxes[4];
	// A twelfth of the first part's height, across it, at its top.
	assert_int_equal(describe_boxes(f, boxes, 4), 1);
	assert_box(boxes[0], 100, 50, 800, 50);
	// Semi-opaque: the window under it shows a little.
	assert_int_equal(color_at(node_at(banner, 500, 75), 500, 75) >> 24, 0xf0);
	assert_int_equal(color_at(node_at(banner, 100, 50), 100, 50) >> 24, 0xf0);
	assert_int_equal(color_at(node_at(banner, 899, 99), 899, 99) >> 24, 0xf0);
	drop(f);

	make(f, MP_NOTICE_BANNER, NULL, "Second", false, 1);
	assert_int_equal(describe_boxes(f, boxes, 4), 1);
	assert_box(boxes[0], 100, 100, 800, 50);
	assert_true(box_inside(boxes[0], f->parts[0]));
	struct json_object *d = describe(f);
	assert_string_equal(json_object_get_string(get(d, "type")), "banner");
	assert_null(get(d, "title"));
	assert_string_equal(json_object_get_string(get(d, "text")), "Second");
	assert_int_equal(json_object_get_int(get(d, "row")), 1);
	assert_false(json_object_get_boolean(get(d, "dismissible")));
	json_object_put(d);
}

static void test_banner_height_and_rows_below_the_part(void **state) {
	struct fixture *f = *state;
	f->parts[0] = (struct wlr_box){ 0, 0, 300, 200 };
	f->place.area = f->parts[0];
	f->place.n_parts = 1;
	struct wlr_box boxes[4];
	// 200 / 12 is less than 24 pixels: 24.
	make(f, MP_NOTICE_BANNER, "t", "x", true, 2);
	assert_int_equal(describe_boxes(f, boxes, 4), 1);
	assert_box(boxes[0], 0, 48, 300, 24);
	drop(f);
	// The last row is cut by the part's bottom, never past it.
	make(f, MP_NOTICE_BANNER, "t", "x", true, 8);
	assert_int_equal(describe_boxes(f, boxes, 4), 1);
	assert_box(boxes[0], 0, 192, 300, 8);
	drop(f);
	// Below the part: nothing drawn, and nothing of it to click.
	make(f, MP_NOTICE_BANNER, "t", "x", true, 9);
	assert_int_equal(describe_boxes(f, boxes, 4), 0);
	assert_false(button(f, 10, 199, BTN_LEFT, true));
	assert_int_equal(f->reports, 0);
	drop(f);
	// A part lower than 24 pixels: the strip is the part.
	f->parts[0].height = 10;
	make(f, MP_NOTICE_BANNER, "t", "x", true, 0);
	assert_int_equal(describe_boxes(f, boxes, 4), 1);
	assert_box(boxes[0], 0, 0, 300, 10);
}

static void test_dismissible_banner_click_dismisses(void **state) {
	struct fixture *f = *state;
	struct mp_notice *banner = make(f, MP_NOTICE_BANNER, "Notice",
		"Please save your work", true, 1);
	// Place-local: the strip of row 1 is 50 to 99 below the area's top.
	f->destroy_on_report = true;
	assert_true(button(f, 400, 75, BTN_LEFT, true));
	assert_int_equal(f->reports, 1);
	assert_int_equal(f->last.type, MP_INTENT_DISMISS);
	assert_ptr_equal(f->last.overlay, &banner->base);
	assert_null(f->overlay); // gone in the report: nothing touched after
}

static void test_dismissible_banner_escape_dismisses(void **state) {
	struct fixture *f = *state;
	struct mp_notice *banner = make(f, MP_NOTICE_BANNER, NULL, "Hello", true,
		0);
	assert_false(key(f, XKB_KEY_a, "a"));
	assert_false(key(f, XKB_KEY_Return, "\r"));
	assert_false(key(f, XKB_KEY_q, "q"));
	assert_int_equal(f->reports, 0);
	f->destroy_on_report = true;
	assert_true(key(f, XKB_KEY_Escape, "\x1b"));
	assert_int_equal(f->reports, 1);
	assert_int_equal(f->last.type, MP_INTENT_DISMISS);
	assert_ptr_equal(f->last.overlay, &banner->base);
	assert_null(f->overlay);
}

static void test_banner_buttons_off_the_strip_go_to_the_session(
		void **state) {
	struct fixture *f = *state;
	make(f, MP_NOTICE_BANNER, "Notice", "Hello", true, 0);
	// Under the strip, and on the second output.
	assert_false(button(f, 400, 50, BTN_LEFT, true));
	assert_false(button(f, 400, 50, BTN_LEFT, false));
	assert_false(button(f, 1000, 10, BTN_LEFT, true));
	assert_false(button(f, 1000, 10, BTN_LEFT, false));
	// A drag in the window that ends over the strip: its release is the
	// window's.
	assert_false(button(f, 400, 300, BTN_LEFT, true));
	assert_false(button(f, 400, 20, BTN_LEFT, false));
	// Another button on the strip is the banner's, press and release,
	// and dismisses nothing.
	assert_true(button(f, 400, 20, BTN_RIGHT, true));
	assert_true(button(f, 400, 300, BTN_RIGHT, false));
	assert_int_equal(f->reports, 0);
}

static void test_banner_not_dismissible_never_reports(void **state) {
	struct fixture *f = *state;
	make(f, MP_NOTICE_BANNER, "Notice", "Hello", false, 0);
	assert_false(key(f, XKB_KEY_Escape, "\x1b"));
	assert_false(key(f, XKB_KEY_a, "a"));
	// On the strip: taken (the window under it never sees it), ignored.
	assert_true(button(f, 400, 20, BTN_LEFT, true));
	assert_true(button(f, 400, 20, BTN_LEFT, false));
	assert_false(button(f, 400, 200, BTN_LEFT, true));
	assert_false(button(f, 400, 200, BTN_LEFT, false));
	assert_int_equal(f->reports, 0);
	// Whatever create was given.
	drop(f);
	make(f, MP_NOTICE_IDENTIFY, "left", "F1", true, 0);
	struct json_object *d = describe(f), *v;
	assert_false(json_object_object_get_ex(d, "dismissible", &v));
	json_object_put(d);
}

/* ---- identify ---- */

static void test_identify_covers_every_part_and_takes_no_input(
		void **state) {
	struct fixture *f = *state;
	struct mp_notice *identify = make(f, MP_NOTICE_IDENTIFY, "left", "F1",
		false, 0);
	assert_false(f->overlay->modal);
	assert_corners(identify, f->parts[0], IDENTIFY);
	assert_corners(identify, f->parts[1], IDENTIFY);
	assert_int_equal(color_at(node_at(identify, 500, 350), 500, 350),
		IDENTIFY);
	assert_int_equal(color_at(node_at(identify, 1220, 290), 1220, 290),
		IDENTIFY);
	struct wlr_box boxes[4];
	assert_int_equal(describe_boxes(f, boxes, 4), 2);
	assert_box(boxes[0], 100, 50, 800, 600);
	assert_box(boxes[1], 900, 50, 640, 480);
	assert_false(key(f, XKB_KEY_Escape, "\x1b"));
	assert_false(key(f, XKB_KEY_a, "a"));
	assert_false(button(f, 400, 20, BTN_LEFT, true));
	assert_false(button(f, 400, 20, BTN_LEFT, false));
	assert_false(button(f, 1000, 20, BTN_RIGHT, true));
	assert_int_equal(f->reports, 0);
	struct json_object *d = describe(f);
	assert_string_equal(json_object_get_string(get(d, "type")), "identify");
	assert_string_equal(json_object_get_string(get(d, "title")), "left");
	assert_string_equal(json_object_get_string(get(d, "text")), "F1");
	json_object_put(d);
}

/* ---- all kinds ---- */

static void test_relayout_to_no_parts_and_back(void **state) {
	struct fixture *f = *state;
	const enum mp_notice_kind kinds[] = {
		MP_NOTICE_BLOCK, MP_NOTICE_BANNER, MP_NOTICE_IDENTIFY,
	};
	const size_t drawn[] = { 2, 1, 2 }; // on two parts
	struct wlr_box boxes[4];
	for (size_t k = 0; k < 3; k++) {
		f->place.n_parts = 2;
		make(f, kinds[k], "title", "text", true, 0);
		assert_int_equal(describe_boxes(f, boxes, 4), drawn[k]);
		// The station's outputs are gone: nothing drawn, no node left.
		f->place.n_parts = 0;
		int changes = f->changes;
		f->overlay->impl->relayout(f->overlay);
		assert_true(f->changes > changes);
		assert_int_equal(describe_boxes(f, boxes, 4), 0);
		assert_int_equal(wl_list_length(
			&f->overlay->tree->node.state.children), 0);
		// Back, with a third output.
		f->parts[2] = (struct wlr_box){ 1540, 50, 100, 100 };
		f->place.n_parts = 3;
		f->overlay->impl->relayout(f->overlay);
		size_t n = describe_boxes(f, boxes, 4);
		assert_int_equal(n, k == 1 ? 1 : 3);
		for (size_t i = 0; i < n; i++) {
			assert_true(box_inside(boxes[i], f->parts[i]));
		}
		if (k != 1) {
			assert_box(boxes[2], 1540, 50, 100, 100);
		}
		f->place.n_parts = 2;
		f->overlay->impl->relayout(f->overlay);
		assert_int_equal(describe_boxes(f, boxes, 4), drawn[k]);
		drop(f);
	}
}

static void test_set_text_redraws_only_a_change(void **state) {
	struct fixture *f = *state;
	struct mp_notice *notice = make(f, MP_NOTICE_BANNER, "Old title",
		"Old text", false, 0);
	int changes = f->changes;
	notice_set_text(notice, NULL, "New text");
	assert_int_equal(f->changes, changes + 1);
	assert_int_equal(notice->n_nodes, 1);
	assert_non_null(notice->nodes[0]);
	struct json_object *d = describe(f);
	assert_string_equal(json_object_get_string(get(d, "title")), "Old title");
	assert_string_equal(json_object_get_string(get(d, "text")), "New text");
	json_object_put(d);
	// The same again, or nothing: not drawn again.
	notice_set_text(notice, "Old title", "New text");
	notice_set_text(notice, NULL, NULL);
	assert_int_equal(f->changes, changes + 1);
	// Both at once: one draw.
	notice_set_text(notice, "T", "");
	assert_int_equal(f->changes, changes + 2);
	d = describe(f);
	assert_string_equal(json_object_get_string(get(d, "title")), "T");
	assert_string_equal(json_object_get_string(get(d, "text")), "");
	json_object_put(d);
	// A title where there was none.
	drop(f);
	notice = make(f, MP_NOTICE_BLOCK, NULL, NULL, false, 0);
	notice_set_text(notice, "Blocked", NULL);
	d = describe(f);
	assert_string_equal(json_object_get_string(get(d, "title")), "Blocked");
	assert_null(get(d, "text"));
	json_object_put(d);
}

/* Every kind on parts of any size: nothing drawn outside its part (ASan
 * sees a write outside an image), an opaque kind still covers it. */
static void test_any_part_size(void **state) {
	struct fixture *f = *state;
	const struct wlr_box sizes[] = {
		{ 0, 0, 1, 1 }, { 5, 7, 3, 2 }, { 0, 0, 0, 0 }, { 0, 0, 20, 600 },
		{ 0, 0, 800, 5 }, { 0, 0, 3840, 2160 },
	};
	const enum mp_notice_kind kinds[] = {
		MP_NOTICE_BLOCK, MP_NOTICE_BANNER, MP_NOTICE_IDENTIFY,
	};
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (size_t k = 0; k < 3; k++) {
			f->parts[0] = sizes[s];
			f->place.area = sizes[s];
			f->place.n_parts = 1;
			struct mp_notice *notice = make(f, kinds[k], "A title",
				"Some text of the notice", true, 1);
			struct wlr_box boxes[4];
			size_t n = describe_boxes(f, boxes, 4);
			bool empty = sizes[s].width == 0;
			if (empty) {
				assert_int_equal(n, 0);
			} else if (kinds[k] != MP_NOTICE_BANNER) {
				assert_int_equal(n, 1);
				assert_corners(notice, sizes[s], kinds[k] ==
					MP_NOTICE_BLOCK ? BACKGROUND : IDENTIFY);
			}
			for (size_t i = 0; i < n; i++) {
				assert_true(box_inside(boxes[i], sizes[s]));
			}
			drop(f);
		}
	}
}

/* ---- with a font ---- */

/* Rows of image (from y0 to y1) with a pixel of none of the colours
 * given: where text is drawn; returns how many bands of them there are,
 * and the leftmost and rightmost column of such pixels. */
static int text_bands(pixman_image_t *image, int y0, int y1,
		const uint32_t *plain, size_t n_plain, int *left, int *right) {
	uint32_t *data = pixman_image_get_data(image);
	int stride = pixman_image_get_stride(image) / 4;
	int W = pixman_image_get_width(image);
	int bands = 0;
	bool in_band = false;
	*left = W;
	*right = -1;
	for (int y = y0; y < y1; y++) {
		bool text = false;
		for (int x = 0; x < W; x++) {
			uint32_t p = data[y * stride + x];
			bool is_plain = false;
			for (size_t i = 0; i < n_plain; i++) {
				is_plain = is_plain || p == plain[i];
			}
			if (!is_plain) {
				text = true;
				*left = x < *left ? x : *left;
				*right = x > *right ? x : *right;
			}
		}
		bands += text && !in_band;
		in_band = text;
	}
	return bands;
}

static void test_block_wraps_its_message_in_the_panel(void **state) {
	struct fixture *f = *state;
	load_font(f);
	// Longer than four lines, one word longer than a line, newlines.
	char message[4096] = "";
	strcat(message, "Averyveryveryveryveryveryveryveryveryveryveryveryvery"
		"veryveryveryveryveryveryveryveryveryverylongword\n");
	for (int i = 0; i < 120; i++) {
		strcat(message, i % 17 == 16 ? "word\n" : "word ");
	}
	struct mp_notice *block = make(f, MP_NOTICE_BLOCK,
		"This station is blocked by the administrators of this room",
		message, false, 0);
	pixman_image_t *image = image_of(node_at(block, 100, 50));
	// The text (title and four lines) is on the panel, never past it.
	const uint32_t plain[] = { BACKGROUND, PANEL, ACCENT };
	int left, right;
	int bands = text_bands(image, 0, 600, plain, 3, &left, &right);
	assert_int_equal(bands, 5);
	int x = 400;
	while (x > 0 && color_at(node_at(block, 100 + x, 350), 100 + x, 350) !=
			BACKGROUND) {
		x--;
	}
	assert_true(left > x);
	assert_true(right < 800 - x);
	// Its second part is the background alone.
	assert_int_equal(color_at(node_at(block, 1200, 300), 1200, 300),
		BACKGROUND);
}

static void test_banner_text_stays_on_its_strip(void **state) {
	struct fixture *f = *state;
	load_font(f);
	char text[3000];
	memset(text, 'm', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	text[10] = '\n'; // drawn as a space
	struct mp_notice *banner = make(f, MP_NOTICE_BANNER, "Title", text, true,
		0);
	pixman_image_t *image = image_of(node_at(banner, 100, 50));
	assert_int_equal(pixman_image_get_width(image), 800);
	assert_int_equal(pixman_image_get_height(image), 50);
	uint32_t strip = color_at(node_at(banner, 100, 50), 100, 50);
	const uint32_t plain[] = { strip };
	int left, right;
	// One line: the title, the text and the hint at the right.
	assert_int_equal(text_bands(image, 0, 50, plain, 1, &left, &right), 1);
	assert_true(left > 0);
	assert_true(right > 600 && right < 799);
	// Without the hint, not dismissible: the text goes further right.
	drop(f);
	banner = make(f, MP_NOTICE_BANNER, NULL, text, false, 0);
	image = image_of(node_at(banner, 100, 50));
	assert_int_equal(text_bands(image, 0, 50, plain, 1, &left, &right), 1);
	assert_true(right > 700 && right < 799);
}

static void test_identify_names_every_part(void **state) {
	struct fixture *f = *state;
	load_font(f);
	struct mp_notice *identify = make(f, MP_NOTICE_IDENTIFY,
		"a station with a very long name indeed, longer than a part", "F1",
		false, 0);
	const uint32_t plain[] = { IDENTIFY };
	for (size_t p = 0; p < 2; p++) {
		struct wlr_box part = f->parts[p];
		pixman_image_t *image = image_of(node_at(identify, part.x, part.y));
		int left, right;
		// The name and the key, centred, within the part.
		assert_int_equal(text_bands(image, 0, part.height, plain, 1, &left,
			&right), 2);
		assert_true(left > 0 && right < part.width - 1);
		assert_true(abs((left + right) / 2 - part.width / 2) < part.width / 10);
	}
}

static void test_tiny_parts_with_a_font(void **state) {
	struct fixture *f = *state;
	load_font(f);
	const struct wlr_box sizes[] = {
		{ 0, 0, 1, 1 }, { 0, 0, 3, 2 }, { 0, 0, 20, 600 }, { 0, 0, 800, 5 },
		{ 0, 0, 40, 30 },
	};
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (int k = MP_NOTICE_BLOCK; k <= MP_NOTICE_IDENTIFY; k++) {
			f->parts[0] = sizes[s];
			f->place.area = sizes[s];
			f->place.n_parts = 1;
			make(f, k, "A title \xe2\x9c\x93 with more",
				"Some text of the notice\nand \xc3\xa9 more", true, 0);
			struct wlr_box boxes[4];
			size_t n = describe_boxes(f, boxes, 4);
			assert_int_equal(n, 1);
			assert_true(box_inside(boxes[0], sizes[s]));
			drop(f);
		}
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
	const struct CMUnitTest tests[] = {
		T(test_block_covers_every_part),
		T(test_block_is_modal_and_reports_nothing),
		T(test_banner_rows_on_the_first_part),
		T(test_banner_height_and_rows_below_the_part),
		T(test_dismissible_banner_click_dismisses),
		T(test_dismissible_banner_escape_dismisses),
		T(test_banner_buttons_off_the_strip_go_to_the_session),
		T(test_banner_not_dismissible_never_reports),
		T(test_identify_covers_every_part_and_takes_no_input),
		T(test_relayout_to_no_parts_and_back),
		T(test_set_text_redraws_only_a_change),
		T(test_any_part_size),
		T(test_block_wraps_its_message_in_the_panel),
		T(test_banner_text_stays_on_its_strip),
		T(test_identify_names_every_part),
		T(test_tiny_parts_with_a_font),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
