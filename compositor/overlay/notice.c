#include <json-c/json.h>
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/log.h>
#include "describe.h"
#include "overlay/notice.h"
#include "overlay/text.h"
#include "place.h"
#include "server.h"

#define COLOR_PANEL 0xff1b2633
#define COLOR_ACCENT 0xffd9534f // the block panel's top edge: a stop sign
#define COLOR_STRIP 0xf0202a36  // a banner: the window under it shows a bit
#define COLOR_IDENTIFY 0xff1d4f91 // stands out from any station's background
#define COLOR_TITLE 0xffffffff
#define COLOR_TEXT 0xffe8eef4
#define COLOR_DIM 0xff9fb0c2

// Bytes of a title or text drawn at most: more never fits a line (or the
// few lines of a block's message), and each is rendered to be measured.
#define MAX_DRAWN 1024
// A line as drawn: at most MAX_DRAWN bytes and an ellipsis.
#define LINE_SIZE (MAX_DRAWN + 4)
#define MAX_LINES 4 // of a block's message
#define ELLIPSIS "\xe2\x80\xa6" // U+2026

#define HINT "click or Esc to close"

/* ---- text that fits ---- */

/* utf8's width in pixels at size; 0 without a font (nothing is drawn
 * then, so anything "fits"). text.h renders but does not measure: the
 * rendered image's width is the measure. */
static int text_width(struct mp_text *text, const char *utf8, int size) {
	if (text == NULL || utf8[0] == '\0' || size < 1) {
		return 0;
	}
	pixman_image_t *image = text_render(text, utf8, size, COLOR_TITLE);
	if (image == NULL) {
		return 0;
	}
	int w = pixman_image_get_width(image);
	pixman_image_unref(image);
	return w;
}

/* Copies src (NULL: "") into dst (LINE_SIZE bytes): at most MAX_DRAWN
 * bytes of it, cut between two characters, control characters as spaces
 * (a font draws them as boxes), newlines kept only when lines is true. */
static void prepare(char *dst, const char *src, bool lines) {
	size_t len = 0;
	if (src != NULL) {
		len = strlen(src);
	}
	if (len > MAX_DRAWN) {
		len = MAX_DRAWN;
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80) {
			len--;
		}
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (c < 0x20 || c == 0x7f) && !(lines && c == '\n') ?
			' ' : src[i];
	}
	dst[len] = '\0';
}

/* Puts the first n bytes of line and an ellipsis into cut (LINE_SIZE
 * bytes), without the spaces the cut left at the end. */
static void cut_line(char *cut, const char *line, size_t n) {
	while (n > 0 && line[n - 1] == ' ') {
		n--;
	}
	memcpy(cut, line, n);
	memcpy(cut + n, ELLIPSIS, sizeof(ELLIPSIS)); // with its '\0'
}

/* Shortens line (LINE_SIZE bytes, at most MAX_DRAWN of them used) to its
 * longest start that fits max_width with an ellipsis after it, where it
 * is wider. (overlay_draw_text's max_width shows a text's end, for
 * typing; a message is read from its start.) */
static void fit(struct mp_text *text, char *line, int size, int max_width) {
	if (max_width <= 0 || text_width(text, line, size) <= max_width) {
		return; // (no room: nothing of it is drawn)
	}
	// Where each character starts: the line is cut between two.
	size_t starts[LINE_SIZE];
	size_t n = 0;
	for (size_t i = 0; line[i] != '\0'; i++) {
		if (((unsigned char)line[i] & 0xc0) != 0x80) {
			starts[n++] = i;
		}
	}
	// Keeping lo characters fits (or lo is 0: the ellipsis alone, which
	// overlay_draw_text clips); keeping hi does not.
	char cut[LINE_SIZE];
	size_t lo = 0, hi = n;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		cut_line(cut, line, starts[mid]);
		if (text_width(text, cut, size) <= max_width) {
			lo = mid;
		} else {
			hi = mid;
		}
	}
	cut_line(cut, line, n > 0 ? starts[lo] : 0);
	memcpy(line, cut, strlen(cut) + 1);
}

/* Breaks s (from prepare) into at most max_lines lines (LINE_SIZE bytes
 * each) of at most max_width pixels: between words, and where it has a
 * newline. The last line takes the rest, shortened; so does a word wider
 * than a line. Returns the number of lines. Without a font every line
 * "fits": it only breaks at newlines. */
static int wrap(struct mp_text *text, const char *s, int size, int max_width,
		char lines[][LINE_SIZE], int max_lines) {
	int n = 0;
	while (*s != '\0' && n < max_lines) {
		while (*s == ' ') {
			s++; // a line starts with a word
		}
		if (*s == '\0') {
			break;
		}
		char *line = lines[n++];
		size_t len = 0;
		if (n == max_lines) {
			for (; *s != '\0'; s++) {
				line[len++] = *s == '\n' ? ' ' : *s;
			}
			line[len] = '\0';
			fit(text, line, size, max_width);
			break;
		}
		line[0] = '\0';
		while (*s != '\0' && *s != '\n') {
			// The next word with the spaces before it; spaces alone (at
			// the end of a line) are left out.
			const char *end = s;
			while (*end == ' ') {
				end++;
			}
			if (*end == '\0' || *end == '\n') {
				s = end;
				break;
			}
			while (*end != '\0' && *end != ' ' && *end != '\n') {
				end++;
			}
			size_t add = (size_t)(end - s);
			memcpy(line + len, s, add);
			line[len + add] = '\0';
			if (len > 0 && text_width(text, line, size) > max_width) {
				line[len] = '\0';
				break; // the word begins the next line
			}
			len += add;
			s = end;
		}
		if (*s == '\n') {
			s++;
		}
		fit(text, line, size, max_width);
	}
	return n;
}

/* The size, at most size and at least min, at which utf8 is about
 * max_width wide where it is wider (a glyph's width follows its size
 * closely enough; fit cuts what is still over). */
static int shrink(struct mp_text *text, const char *utf8, int size,
		int max_width, int min) {
	int w = text_width(text, utf8, size);
	if (w > max_width && w > 0) {
		size = (int)((long)size * (max_width > 0 ? max_width : 0) / w);
	}
	return size < min ? min : size;
}

/* Draws line (from prepare) at most max_width wide, shortened where it
 * is wider; returns its width as overlay_draw_text does. */
static int draw_line(struct mp_text *text, pixman_image_t *image,
		const char *line, int size, uint32_t argb, int x, int y, int align,
		int max_width) {
	if (text == NULL || max_width <= 0 || line[0] == '\0') {
		return 0; // (max_width 0 would mean "any width" to it)
	}
	char fitted[LINE_SIZE];
	memcpy(fitted, line, strlen(line) + 1);
	fit(text, fitted, size, max_width);
	return overlay_draw_text(text, image, fitted, size, argb, x, y, align,
		max_width);
}

/* ---- nodes ---- */

/* Room for n nodes; fewer (as many as there is room for) when there is
 * no memory for more. */
static size_t reserve(struct mp_notice *notice, size_t n) {
	if (n <= notice->capacity) {
		return n;
	}
	struct wlr_scene_node **nodes = realloc(notice->nodes,
		n * sizeof(*nodes));
	if (nodes == NULL) {
		wlr_log(WLR_ERROR, "notice: no memory for %zu parts", n);
		return notice->capacity;
	}
	notice->nodes = nodes;
	struct wlr_box *boxes = realloc(notice->boxes, n * sizeof(*boxes));
	if (boxes == NULL) {
		wlr_log(WLR_ERROR, "notice: no memory for %zu parts", n);
		return notice->capacity;
	}
	notice->boxes = boxes;
	notice->capacity = n;
	return n;
}

static void clear_nodes(struct mp_notice *notice) {
	for (size_t i = 0; i < notice->n_nodes; i++) {
		if (notice->nodes[i] != NULL) {
			wlr_scene_node_destroy(notice->nodes[i]);
		}
	}
	notice->n_nodes = 0;
}

/* A new image for box, or NULL (an empty box, no memory). */
static pixman_image_t *create_image(struct wlr_box box) {
	if (box.width <= 0 || box.height <= 0) {
		return NULL;
	}
	return pixman_image_create_bits(PIXMAN_a8r8g8b8, box.width, box.height,
		NULL, box.width * 4);
}

/* Shows image (taken; may be NULL: fallback covers box) as the next node;
 * reserve made room for it. */
static void add_node(struct mp_notice *notice, pixman_image_t *image,
		struct wlr_box box, uint32_t fallback) {
	size_t i = notice->n_nodes++;
	notice->nodes[i] = NULL;
	notice->boxes[i] = box;
	overlay_show(&notice->base, &notice->nodes[i], image, box, fallback);
}

/* ---- the kinds ---- */

/* The block's panel on the first part (W x H): the title big and the
 * message under it, centred. */
static void draw_message(struct mp_notice *notice, pixman_image_t *image,
		int W, int H) {
	struct mp_text *text = notice->base.server->text;
	// Sizes follow the smaller side, as the greeter's, then shrink until
	// the tallest panel (a title and MAX_LINES lines: 13 units) fits the
	// part's height with room around it, and a panel of 24 units (the
	// widest is 36) its width.
	int unit = (W < H ? W : H) / 30;
	unit = unit < 12 ? 12 : unit;
	int fit_unit = H / 16 < W / 26 ? H / 16 : W / 26;
	unit = unit > fit_unit ? fit_unit : unit;
	unit = unit < 1 ? 1 : unit;

	int pw = unit * 36 < W - 2 * unit ? unit * 36 : W - 2 * unit;
	pw = pw < 0 ? 0 : pw;
	int tw = pw - 4 * unit; // what text may take of it
	char title[LINE_SIZE], message[LINE_SIZE];
	char lines[MAX_LINES][LINE_SIZE];
	prepare(title, notice->title, false);
	prepare(message, notice->text, true);
	lines[0][0] = '\0';
	int n_lines = wrap(text, message, unit, tw, lines, MAX_LINES);
	// Without a font nothing measures its lines: the panel keeps room
	// for one where there is a message.
	n_lines = n_lines == 0 && message[0] != '\0' ? 1 : n_lines;

	int line_height = unit * 3 / 2;
	int ph = unit * 4 + (title[0] != '\0' ? unit * 3 : 0) +
		n_lines * line_height;
	int px = (W - pw) / 2, py = (H - ph) / 2;
	py = py < 0 ? 0 : py;
	overlay_fill(image, COLOR_PANEL, px, py, pw, ph);
	overlay_fill(image, COLOR_ACCENT, px, py, pw, unit / 3 > 0 ? unit / 3 : 1);
	int y = py + unit * 2;
	if (title[0] != '\0') {
		int size = shrink(text, title, unit * 2, tw, unit);
		draw_line(text, image, title, size, COLOR_TITLE, px + pw / 2,
			y + unit * 3 / 2 - size * 5 / 8, 1, tw);
		y += unit * 3;
	}
	for (int i = 0; i < n_lines; i++) {
		// (An empty line, the admin's, draws nothing.)
		draw_line(text, image, lines[i], unit, COLOR_TEXT, px + pw / 2, y,
			1, tw);
		y += line_height;
	}
}

/* Every part opaque (nothing of the session shows on any output), the
 * message on the first. */
static void draw_block(struct mp_notice *notice) {
	const struct mp_place *place = notice->base.place;
	uint32_t bg = overlay_background(notice->base.server);
	size_t n = reserve(notice, place->n_parts);
	for (size_t i = 0; i < n; i++) {
		struct wlr_box box = place->parts[i];
		// The other parts are the background alone: overlay_show's
		// rectangle, no image.
		pixman_image_t *image = i == 0 ? create_image(box) : NULL;
		if (image != NULL) {
			overlay_fill(image, bg, 0, 0, box.width, box.height);
			draw_message(notice, image, box.width, box.height);
		}
		add_node(notice, image, box, bg);
	}
}

/* The strip (layout coordinates) of the banner in its row on the first
 * part: empty when the place has no part or the row is below it. */
static struct wlr_box banner_box(struct mp_notice *notice) {
	const struct mp_place *place = notice->base.place;
	struct wlr_box box = { 0 };
	if (place->n_parts == 0 || place->parts[0].width <= 0 ||
			place->parts[0].height <= 0) {
		return box;
	}
	struct wlr_box part = place->parts[0];
	int h = part.height / 12;
	h = h < 24 ? 24 : h;
	h = h > part.height ? part.height : h;
	int row = notice->row < 0 ? 0 : notice->row;
	if (row >= part.height / h + (part.height % h > 0)) {
		return box;
	}
	box.x = part.x;
	box.y = part.y + row * h;
	box.width = part.width;
	// The last row may be cut by the part's bottom.
	box.height = part.y + part.height - box.y < h ?
		part.y + part.height - box.y : h;
	return box;
}

static void draw_banner(struct mp_notice *notice) {
	struct wlr_box box = banner_box(notice);
	if (box.width <= 0 || box.height <= 0 || reserve(notice, 1) < 1) {
		return;
	}
	pixman_image_t *image = create_image(box);
	if (image != NULL) {
		struct mp_text *text = notice->base.server->text;
		int W = box.width, H = box.height;
		overlay_fill(image, COLOR_STRIP, 0, 0, W, H);
		int size = H * 2 / 5 > 0 ? H * 2 / 5 : 1;
		int y = (H - size * 5 / 4) / 2;
		int x = size, right = W - size;
		if (notice->dismissible) {
			int hw = draw_line(text, image, HINT, size * 3 / 4, COLOR_DIM,
				right, y + size / 8, 2, W / 3);
			right -= hw > 0 ? hw + size : 0;
		}
		char title[LINE_SIZE], message[LINE_SIZE];
		prepare(title, notice->title, false);
		prepare(message, notice->text, false);
		if (title[0] != '\0') {
			// Bold where the font has no bold face: drawn twice, a pixel
			// apart. Half the line at most when there is a message too.
			int max = right - x - 1;
			max = message[0] != '\0' ? max / 2 : max;
			int tw = draw_line(text, image, title, size, COLOR_TITLE, x, y,
				0, max);
			draw_line(text, image, title, size, COLOR_TITLE, x + 1, y, 0,
				max);
			x += tw > 0 ? tw + 1 + size : 0;
		}
		draw_line(text, image, message, size, COLOR_TEXT, x, y, 0, right - x);
	}
	add_node(notice, image, box, COLOR_STRIP);
}

/* The station's name very big and its key under it, on every part (each
 * output of the station says which it is). */
static void draw_identify(struct mp_notice *notice) {
	const struct mp_place *place = notice->base.place;
	struct mp_text *text = notice->base.server->text;
	size_t n = reserve(notice, place->n_parts);
	char title[LINE_SIZE], key[LINE_SIZE];
	prepare(title, notice->title, false);
	prepare(key, notice->text, false);
	for (size_t i = 0; i < n; i++) {
		struct wlr_box box = place->parts[i];
		pixman_image_t *image = create_image(box);
		if (image != NULL) {
			int W = box.width, H = box.height;
			overlay_fill(image, COLOR_IDENTIFY, 0, 0, W, H);
			int max = W * 9 / 10;
			int ts = shrink(text, title, H / 4, max, 1);
			int ks = shrink(text, key, H / 8, max, 1);
			// The two lines (a font's line is about 5/4 of its size)
			// centred together.
			int th = title[0] != '\0' ? ts * 5 / 4 : 0;
			int kh = key[0] != '\0' ? ks * 5 / 4 : 0;
			int y = (H - th - kh) / 2;
			draw_line(text, image, title, ts, COLOR_TITLE, W / 2, y, 1, max);
			draw_line(text, image, key, ks, COLOR_TEXT, W / 2, y + th, 1,
				max);
		}
		add_node(notice, image, box, COLOR_IDENTIFY);
	}
}

static void draw(struct mp_notice *notice) {
	server_changed(notice->base.server);
	// Parts may have come or gone: every node is made again.
	clear_nodes(notice);
	switch (notice->kind) {
	case MP_NOTICE_BLOCK:
		draw_block(notice);
		break;
	case MP_NOTICE_BANNER:
		draw_banner(notice);
		break;
	case MP_NOTICE_IDENTIFY:
		draw_identify(notice);
		break;
	}
}

/* ---- input ---- */

/* The report may destroy the notice: nothing of it is touched after. */
static void dismiss(struct mp_notice *notice) {
	struct mp_intent intent = {
		.type = MP_INTENT_DISMISS,
		.overlay = &notice->base,
	};
	overlay_report(&notice->base, &intent);
}

static bool notice_key(struct mp_overlay *overlay, xkb_keysym_t sym,
		const char *utf8, uint32_t modifiers) {
	struct mp_notice *notice = wl_container_of(overlay, notice, base);
	switch (notice->kind) {
	case MP_NOTICE_BLOCK:
		return true; // every key is the block's, and does nothing
	case MP_NOTICE_BANNER:
		if (notice->dismissible && sym == XKB_KEY_Escape) {
			dismiss(notice);
			return true; // the banner may be gone
		}
		return false; // typing goes on in the window under it
	case MP_NOTICE_IDENTIFY:
		return false;
	}
	return false;
}

/* Place-local x, y on the banner's strip. */
static bool on_strip(struct mp_notice *notice, int x, int y) {
	struct wlr_box box = banner_box(notice);
	x += notice->base.place->area.x;
	y += notice->base.place->area.y;
	return x >= box.x && y >= box.y && x < box.x + box.width &&
		y < box.y + box.height;
}

static bool notice_button(struct mp_overlay *overlay, int x, int y,
		uint32_t button, bool pressed) {
	struct mp_notice *notice = wl_container_of(overlay, notice, base);
	switch (notice->kind) {
	case MP_NOTICE_BLOCK:
		return true;
	case MP_NOTICE_IDENTIFY:
		return false;
	case MP_NOTICE_BANNER:
		break;
	}
	// A release goes where its press went: a drag in the window under the
	// banner may end over the strip, and the window must see it end.
	uint32_t bit = button >= BTN_MOUSE && button < BTN_MOUSE + 32 ?
		UINT32_C(1) << (button - BTN_MOUSE) : 0;
	if (!pressed) {
		bool held = (notice->buttons_held & bit) != 0;
		notice->buttons_held &= ~bit;
		return held;
	}
	if (!on_strip(notice, x, y)) {
		return false;
	}
	notice->buttons_held |= bit;
	if (button == BTN_LEFT && notice->dismissible) {
		dismiss(notice);
	}
	return true; // never the window's under the strip; the banner may be gone
}

/* ---- the overlay ---- */

static void notice_relayout(struct mp_overlay *overlay) {
	struct mp_notice *notice = wl_container_of(overlay, notice, base);
	draw(notice);
}

static const char *kind_name(enum mp_notice_kind kind) {
	switch (kind) {
	case MP_NOTICE_BLOCK:
		return "block";
	case MP_NOTICE_BANNER:
		return "banner";
	case MP_NOTICE_IDENTIFY:
		return "identify";
	}
	return "notice";
}

static struct json_object *notice_describe(struct mp_overlay *overlay) {
	struct mp_notice *notice = wl_container_of(overlay, notice, base);
	struct json_object *n = json_object_new_object();
	json_object_object_add(n, "type",
		json_object_new_string(kind_name(notice->kind)));
	json_object_object_add(n, "title", describe_string(notice->title));
	json_object_object_add(n, "text", describe_string(notice->text));
	if (notice->kind == MP_NOTICE_BANNER) {
		json_object_object_add(n, "dismissible",
			json_object_new_boolean(notice->dismissible));
		json_object_object_add(n, "row", json_object_new_int(notice->row));
	}
	// What covers the screen, as the greeter's boxes: layout coordinates.
	struct json_object *boxes = json_object_new_array();
	for (size_t i = 0; i < notice->n_nodes; i++) {
		struct wlr_box box = notice->boxes[i];
		if (notice->nodes[i] != NULL) {
			json_object_array_add(boxes, describe_box(box.x, box.y,
				box.width, box.height));
		}
	}
	json_object_object_add(n, "boxes", boxes);
	return n;
}

static void free_notice(struct mp_notice *notice) {
	free(notice->nodes);
	free(notice->boxes);
	free(notice->title);
	free(notice->text);
	free(notice);
}

static void notice_destroy(struct mp_overlay *overlay) {
	struct mp_notice *notice = wl_container_of(overlay, notice, base);
	// Its nodes went with the overlay's tree.
	free_notice(notice);
}

static const struct mp_overlay_impl notice_impl = {
	.type = "notice",
	.key = notice_key,
	.button = notice_button,
	.relayout = notice_relayout,
	.describe = notice_describe,
	.destroy = notice_destroy,
};

/* A copy of s (NULL: NULL) in *copy; false without memory for it. */
static bool copy_string(char **copy, const char *s) {
	*copy = NULL;
	return s == NULL || (*copy = strdup(s)) != NULL;
}

struct mp_notice *notice_create(struct mp_server *server,
		const struct mp_place *place, struct wlr_scene_tree *parent,
		enum mp_notice_kind kind, const char *title, const char *text,
		bool dismissible, int row,
		void (*report)(void *data, const struct mp_intent *intent),
		void *data) {
	struct mp_notice *notice = calloc(1, sizeof(*notice));
	if (notice == NULL) {
		return NULL;
	}
	if (!copy_string(&notice->title, title) ||
			!copy_string(&notice->text, text)) {
		free_notice(notice);
		return NULL;
	}
	notice->kind = kind;
	notice->dismissible = kind == MP_NOTICE_BANNER && dismissible;
	notice->row = kind == MP_NOTICE_BANNER && row > 0 ? row : 0;
	if (!overlay_init(&notice->base, &notice_impl, server, place, parent,
			report, data)) {
		free_notice(notice);
		return NULL;
	}
	// Modal: a blocked station's keys and buttons reach no session. A
	// banner or an identify screen lets the user go on.
	notice->base.modal = kind == MP_NOTICE_BLOCK;
	draw(notice);
	return notice;
}

/* Whether *field became s (NULL: left as it is). The old one stays where
 * there is no memory for the new one. */
static bool set_string(char **field, const char *s) {
	if (s == NULL || (*field != NULL && strcmp(*field, s) == 0)) {
		return false;
	}
	char *copy = strdup(s);
	if (copy == NULL) {
		wlr_log(WLR_ERROR, "notice: no memory for its text");
		return false;
	}
	free(*field);
	*field = copy;
	return true;
}

void notice_set_text(struct mp_notice *notice, const char *title,
		const char *text) {
	// Both are set before the one draw.
	bool changed = set_string(&notice->title, title);
	changed = set_string(&notice->text, text) || changed;
	if (changed) {
		draw(notice);
	}
}
