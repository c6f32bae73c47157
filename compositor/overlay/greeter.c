#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/log.h>
#include "buffer.h"
#include "overlay/greeter.h"
#include "overlay/text.h"
#include "server.h"
#include "signin.h"
#include "station.h"
#include "describe.h"

#define COLOR_PANEL 0xff1b2633
#define COLOR_FIELD 0xfff4f6f8
#define COLOR_FIELD_FOCUS 0xff4a90d9
#define COLOR_TEXT 0xffe8eef4
#define COLOR_DIM 0xff9fb0c2
#define COLOR_INPUT 0xff1b2633
#define COLOR_ERROR 0xffff6b6b

static void fill(pixman_image_t *image, uint32_t argb, int x, int y, int w,
		int h) {
	pixman_color_t color = text_color(argb);
	pixman_box32_t box = { x, y, x + w, y + h };
	pixman_image_fill_boxes(PIXMAN_OP_OVER, image, &color, 1, &box);
}

/* Draws text with its top-left at x, y; returns its width. align: 0 left,
 * 1 centred on x, 2 right-aligned to x. */
static int draw_text(struct mp_text *text, pixman_image_t *image,
		const char *utf8, int size, uint32_t argb, int x, int y, int align,
		int max_width) {
	if (text == NULL || utf8[0] == '\0') {
		return 0;
	}
	pixman_image_t *t = text_render(text, utf8, size, argb);
	if (t == NULL) {
		return 0;
	}
	int w = pixman_image_get_width(t), h = pixman_image_get_height(t);
	int src_x = 0;
	if (max_width > 0 && w > max_width) {
		// Too long for its box: show the end, where typing happens.
		src_x = w - max_width;
		w = max_width;
	}
	if (align == 1) {
		x -= w / 2;
	} else if (align == 2) {
		x -= w;
	}
	pixman_image_composite32(PIXMAN_OP_OVER, t, NULL, image, src_x, 0, 0, 0,
		x, y, w, h);
	pixman_image_unref(t);
	return w;
}

static void draw_field(struct mp_greeter *greeter, pixman_image_t *image,
		enum mp_greeter_field field, const char *label, const char *value,
		bool hidden, int x, int y, int w, int size) {
	struct mp_text *text = greeter->station->server->text;
	draw_text(text, image, label, size * 3 / 4, COLOR_DIM, x, y, 0, w);
	int fy = y + size * 5 / 4;
	int fh = size * 2;
	bool focused = greeter->focus == field && !greeter->busy;
	if (focused) {
		fill(image, COLOR_FIELD_FOCUS, x - 3, fy - 3, w + 6, fh + 6);
	}
	fill(image, COLOR_FIELD, x, fy, w, fh);
	greeter->field_box[field].x = x;
	greeter->field_box[field].y = fy;
	greeter->field_box[field].width = w;
	greeter->field_box[field].height = fh;

	char shown[MP_GREETER_FIELD_MAX * 3 + 4];
	if (hidden) {
		// One dot per character, not per byte.
		size_t n = 0, chars = 0;
		for (const char *p = value; *p; p++) {
			chars += (*p & 0xc0) != 0x80;
		}
		for (size_t i = 0; i < chars && n + 4 < sizeof(shown); i++) {
			memcpy(shown + n, "\xe2\x97\x8f", 3); // U+25CF
			n += 3;
		}
		shown[n] = '\0';
	} else {
		snprintf(shown, sizeof(shown), "%s", value);
	}
	if (focused) {
		strncat(shown, "|", sizeof(shown) - strlen(shown) - 1);
	}
	draw_text(text, image, shown, size, COLOR_INPUT, x + size / 2,
		fy + size / 2 - size / 8, 0, w - size);
}

void greeter_update(struct mp_greeter *greeter) {
	if (greeter == NULL) {
		return;
	}
	struct mp_station *station = greeter->station;
	struct mp_server *server = station->server;
	server_state_changed(server);
	if (greeter->node != NULL) {
		wlr_scene_node_destroy(greeter->node);
		greeter->node = NULL;
	}
	int W = station->area.width, H = station->area.height;
	if (W <= 0 || H <= 0 || station->state != MP_STATION_LOGIN) {
		return;
	}
	pixman_image_t *image = pixman_image_create_bits(PIXMAN_a8r8g8b8, W, H,
		NULL, W * 4);
	if (image == NULL) {
		return;
	}
	const float *bg = server->config->background;
	uint32_t bg_argb = 0xff000000 | (uint32_t)(bg[0] * 255) << 16 |
		(uint32_t)(bg[1] * 255) << 8 | (uint32_t)(bg[2] * 255);
	fill(image, bg_argb, 0, 0, W, H);

	// Sizes follow the smaller side: a 640x480 half to a 4K screen.
	int unit = (W < H ? W : H) / 30;
	unit = unit < 12 ? 12 : unit;
	struct mp_text *text = server->text;

	// Clock, top right; station name, top left.
	char clock[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M", &tm);
	draw_text(text, image, clock, unit * 2, COLOR_TEXT, W - unit, unit, 2, 0);
	strftime(clock, sizeof(clock), "%a %d %b", &tm);
	draw_text(text, image, clock, unit, COLOR_DIM, W - unit, unit * 7 / 2,
		2, 0);
	draw_text(text, image, station->name, unit * 2, COLOR_TEXT, unit, unit,
		0, W / 2);

	// The panel.
	int pw = unit * 22 < W - 2 * unit ? unit * 22 : W - 2 * unit;
	int ph = unit * 17;
	int px = (W - pw) / 2, py = (H - ph) / 2;
	fill(image, COLOR_PANEL, px, py, pw, ph);
	int x = px + unit * 3 / 2, w = pw - unit * 3;
	int y = py + unit;
	if (greeter->locked_user) {
		draw_text(text, image, greeter->status[0] ? greeter->status :
			"Starting…", unit * 3 / 2, COLOR_TEXT, px + pw / 2, py + ph / 2 -
			unit, 1, w);
	} else {
		draw_text(text, image, "Sign in", unit * 3 / 2, COLOR_TEXT, x, y, 0,
			w);
		y += unit * 3;
		draw_field(greeter, image, MP_GREETER_USER, "User name",
			greeter->user, false, x, y, w, unit);
		y += unit * 4;
		const char *label = greeter->answering && greeter->prompt[0] ?
			greeter->prompt : "Password";
		draw_field(greeter, image, MP_GREETER_SECRET, label, greeter->secret,
			!greeter->secret_echo, x, y, w, unit);
		y += unit * 4;
		const char *line = greeter->busy ? "Signing in…" :
			greeter->status;
		draw_text(text, image, line, unit * 3 / 4, COLOR_DIM, x, y, 0, w);
	}
	// PAM's messages, then the error, under the panel.
	int my = py + ph + unit / 2;
	for (int i = 0; i < MP_GREETER_MESSAGES; i++) {
		if (greeter->messages[i][0] != '\0') {
			draw_text(text, image, greeter->messages[i], unit * 3 / 4,
				COLOR_TEXT, W / 2, my, 1, W - 2 * unit);
			my += unit * 5 / 4;
		}
	}
	draw_text(text, image, greeter->error, unit, COLOR_ERROR, W / 2, my, 1,
		W - 2 * unit);

	struct mp_image_buffer *buffer = image_buffer_create(image);
	pixman_image_unref(image);
	if (buffer == NULL) {
		return;
	}
	struct wlr_scene_buffer *node = wlr_scene_buffer_create(
		&station->overlay_tree->node, &buffer->base);
	wlr_buffer_drop(&buffer->base);
	if (node == NULL) {
		return;
	}
	greeter->node = &node->node;
	wlr_scene_node_set_position(greeter->node, station->area.x,
		station->area.y);
}

static int handle_clock(void *data) {
	struct mp_greeter *greeter = data;
	greeter_update(greeter);
	time_t now = time(NULL);
	wl_event_source_timer_update(greeter->clock_timer,
		(int)(60 - now % 60) * 1000 + 50);
	return 0;
}

struct mp_greeter *greeter_create(struct mp_station *station) {
	struct mp_greeter *greeter = calloc(1, sizeof(*greeter));
	if (greeter == NULL) {
		return NULL;
	}
	greeter->station = station;
	greeter->clock_timer = wl_event_loop_add_timer(station->server->loop,
		handle_clock, greeter);
	if (greeter->clock_timer != NULL) {
		time_t now = time(NULL);
		wl_event_source_timer_update(greeter->clock_timer,
			(int)(60 - now % 60) * 1000 + 50);
	}
	return greeter;
}

void greeter_destroy(struct mp_greeter *greeter) {
	if (greeter == NULL) {
		return;
	}
	if (greeter->node != NULL) {
		wlr_scene_node_destroy(greeter->node);
	}
	if (greeter->clock_timer != NULL) {
		wl_event_source_remove(greeter->clock_timer);
	}
	explicit_bzero(greeter->secret, sizeof(greeter->secret));
	free(greeter);
}

void greeter_reset(struct mp_greeter *greeter) {
	greeter_clear(greeter);
	greeter_update(greeter);
}

void greeter_clear(struct mp_greeter *greeter) {
	memset(greeter->user, 0, sizeof(greeter->user));
	explicit_bzero(greeter->secret, sizeof(greeter->secret));
	memset(greeter->messages, 0, sizeof(greeter->messages));
	greeter->error[0] = greeter->prompt[0] = greeter->status[0] = '\0';
	greeter->focus = MP_GREETER_USER;
	greeter->secret_echo = greeter->answering = greeter->busy = false;
}

static void delete_last_char(char *s) {
	size_t len = strlen(s);
	while (len > 0) {
		len--;
		bool start = (s[len] & 0xc0) != 0x80;
		s[len] = '\0';
		if (start) {
			break;
		}
	}
}

static void submit(struct mp_greeter *greeter) {
	struct mp_station *station = greeter->station;
	if (greeter->answering) {
		greeter->answering = false;
		greeter->busy = true;
		signin_answer(station->signin, greeter->secret);
		explicit_bzero(greeter->secret, sizeof(greeter->secret));
		greeter->prompt[0] = '\0';
		greeter->secret_echo = false;
	} else if (greeter->focus == MP_GREETER_USER && greeter->secret[0] == '\0') {
		greeter->focus = MP_GREETER_SECRET; // Return goes on to the password
	} else if (greeter->user[0] != '\0') {
		greeter->error[0] = '\0';
		memset(greeter->messages, 0, sizeof(greeter->messages));
		greeter->busy = true;
		signin_start(station, greeter->user, greeter->secret, false);
		explicit_bzero(greeter->secret, sizeof(greeter->secret));
	} else {
		snprintf(greeter->error, sizeof(greeter->error),
			"Type your user name first");
		greeter->focus = MP_GREETER_USER;
	}
}

void greeter_handle_key(struct mp_greeter *greeter, xkb_keysym_t sym,
		const char *utf8, bool shift) {
	if (greeter->locked_user) {
		return;
	}
	if (greeter->busy && sym != XKB_KEY_Escape) {
		return; // PAM is working; typing ahead would be lost
	}
	char *field = greeter->focus == MP_GREETER_USER ? greeter->user :
		greeter->secret;
	switch (sym) {
	case XKB_KEY_Return:
	case XKB_KEY_KP_Enter:
		submit(greeter);
		break;
	case XKB_KEY_BackSpace:
		delete_last_char(field);
		break;
	case XKB_KEY_Tab:
	case XKB_KEY_ISO_Left_Tab:
		if (!greeter->answering) {
			greeter->focus = greeter->focus == MP_GREETER_USER ?
				MP_GREETER_SECRET : MP_GREETER_USER;
		}
		(void)shift; // two fields: both directions are the other one
		break;
	case XKB_KEY_Escape:
		signin_cancel(greeter->station->signin);
		greeter_reset(greeter);
		return;
	default:
		if (utf8[0] != '\0' && (unsigned char)utf8[0] >= 0x20 &&
				utf8[0] != 0x7f &&
				strlen(field) + strlen(utf8) < MP_GREETER_FIELD_MAX) {
			strcat(field, utf8);
		} else {
			return;
		}
	}
	greeter_update(greeter);
}

void greeter_handle_click(struct mp_greeter *greeter, int x, int y) {
	if (greeter->busy || greeter->answering || greeter->locked_user) {
		return;
	}
	for (int f = 0; f < 2; f++) {
		if (x >= greeter->field_box[f].x && y >= greeter->field_box[f].y &&
				x < greeter->field_box[f].x + greeter->field_box[f].width &&
				y < greeter->field_box[f].y + greeter->field_box[f].height) {
			greeter->focus = f;
			greeter_update(greeter);
			return;
		}
	}
}

void greeter_show_prompt(struct mp_greeter *greeter, const char *text,
		bool echo) {
	snprintf(greeter->prompt, sizeof(greeter->prompt), "%s", text);
	greeter->secret_echo = echo;
	greeter->answering = true;
	greeter->busy = false;
	greeter->focus = MP_GREETER_SECRET;
	explicit_bzero(greeter->secret, sizeof(greeter->secret));
	greeter_update(greeter);
}

void greeter_add_message(struct mp_greeter *greeter, const char *text,
		bool error) {
	if (error) {
		snprintf(greeter->error, sizeof(greeter->error), "%s", text);
	} else {
		memmove(greeter->messages[0], greeter->messages[1],
			sizeof(greeter->messages[0]) * (MP_GREETER_MESSAGES - 1));
		snprintf(greeter->messages[MP_GREETER_MESSAGES - 1],
			sizeof(greeter->messages[0]), "%s", text);
	}
	greeter_update(greeter);
}

void greeter_fail(struct mp_greeter *greeter, const char *reason) {
	snprintf(greeter->error, sizeof(greeter->error), "%s", reason);
	explicit_bzero(greeter->secret, sizeof(greeter->secret));
	greeter->busy = greeter->answering = greeter->secret_echo = false;
	greeter->prompt[0] = '\0';
	greeter->focus = MP_GREETER_SECRET;
	greeter_update(greeter);
}

void greeter_set_status(struct mp_greeter *greeter, const char *status) {
	snprintf(greeter->status, sizeof(greeter->status), "%s", status);
	greeter_update(greeter);
}

struct json_object *greeter_describe(struct mp_greeter *greeter) {
	struct mp_station *station = greeter->station;
	struct json_object *g = json_object_new_object();
	json_object_object_add(g, "type", json_object_new_string("greeter"));
	json_object_object_add(g, "user", json_object_new_string(greeter->user));
	json_object_object_add(g, "focus", json_object_new_string(
		greeter->focus == MP_GREETER_USER ? "user" : "secret"));
	json_object_object_add(g, "secret_length",
		json_object_new_int((int)strlen(greeter->secret)));
	json_object_object_add(g, "answering",
		json_object_new_boolean(greeter->answering));
	json_object_object_add(g, "busy", json_object_new_boolean(greeter->busy));
	json_object_object_add(g, "prompt", json_object_new_string(greeter->prompt));
	json_object_object_add(g, "error", json_object_new_string(greeter->error));
	json_object_object_add(g, "status", json_object_new_string(greeter->status));
	struct json_object *messages = json_object_new_array();
	for (int i = 0; i < MP_GREETER_MESSAGES; i++) {
		if (greeter->messages[i][0] != '\0') {
			json_object_array_add(messages,
				json_object_new_string(greeter->messages[i]));
		}
	}
	json_object_object_add(g, "messages", messages);
	const char *names[] = { "user_box", "secret_box" };
	for (int f = 0; f < 2; f++) {
		json_object_object_add(g, names[f], describe_box(
			station->area.x + greeter->field_box[f].x,
			station->area.y + greeter->field_box[f].y,
			greeter->field_box[f].width, greeter->field_box[f].height));
	}
	return g;
}
