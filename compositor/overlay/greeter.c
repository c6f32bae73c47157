#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/log.h>
#include "describe.h"
#include "overlay/greeter.h"
#include "overlay/text.h"
#include "place.h"
#include "server.h"

#define COLOR_PANEL 0xff1b2633
#define COLOR_FIELD 0xfff4f6f8
#define COLOR_FIELD_FOCUS 0xff4a90d9
#define COLOR_TEXT 0xffe8eef4
#define COLOR_DIM 0xff9fb0c2
#define COLOR_INPUT 0xff1b2633
#define COLOR_ERROR 0xffff6b6b

static void draw_field(struct mp_greeter *greeter, pixman_image_t *image,
		enum mp_greeter_field field, const char *label, const char *value,
		bool hidden, int x, int y, int w, int size) {
	struct mp_text *text = greeter->base.server->text;
	overlay_draw_text(text, image, label, size * 3 / 4, COLOR_DIM, x, y, 0, w);
	int fy = y + size * 5 / 4;
	int fh = size * 2;
	bool focused = greeter->focus == field && !greeter->busy;
	if (focused) {
		overlay_fill(image, COLOR_FIELD_FOCUS, x - 3, fy - 3, w + 6, fh + 6);
	}
	overlay_fill(image, COLOR_FIELD, x, fy, w, fh);
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
	overlay_draw_text(text, image, shown, size, COLOR_INPUT, x + size / 2,
		fy + size / 2 - size / 8, 0, w - size);
}

/* Where it is drawn: the first part of its place (never across the bezel
 * of a station of several outputs); empty when the place has none. */
static struct wlr_box draw_box(struct mp_greeter *greeter) {
	const struct mp_place *place = greeter->base.place;
	struct wlr_box box = { 0 };
	if (place->n_parts > 0) {
		box = place->parts[0];
	}
	return box;
}

/* The password field (labelled with PAM's prompt while one waits) and,
 * under it, the status line: busy says what PAM is doing. */
static void draw_secret_and_status(struct mp_greeter *greeter,
		pixman_image_t *image, int x, int y, int w, int unit,
		const char *busy) {
	const char *label = greeter->answering && greeter->prompt[0] ?
		greeter->prompt : "Password";
	draw_field(greeter, image, MP_GREETER_SECRET, label, greeter->secret,
		!greeter->secret_echo, x, y, w, unit);
	y += unit * 4;
	const char *line = greeter->status[0] ? greeter->status :
		greeter->busy ? busy : "";
	overlay_draw_text(greeter->base.server->text, image, line, unit * 3 / 4,
		COLOR_DIM, x, y, 0, w);
}

/* The sign-in panel's fields (SIGNIN mode), from y in the panel. */
static void draw_signin(struct mp_greeter *greeter, pixman_image_t *image,
		int x, int y, int w, int unit) {
	struct mp_text *text = greeter->base.server->text;
	overlay_draw_text(text, image, "Sign in", unit * 3 / 2, COLOR_TEXT, x, y,
		0, w);
	y += unit * 3;
	draw_field(greeter, image, MP_GREETER_USER, "User name", greeter->user,
		false, x, y, w, unit);
	y += unit * 4;
	draw_secret_and_status(greeter, image, x, y, w, unit, "Signing in…");
}

/* The lock screen's panel (LOCK mode): the same places as the sign-in's,
 * the locked user where the user name field would be. */
static void draw_lock(struct mp_greeter *greeter, pixman_image_t *image,
		int x, int y, int w, int unit) {
	struct mp_text *text = greeter->base.server->text;
	overlay_draw_text(text, image, "Locked", unit * 3 / 2, COLOR_TEXT, x, y,
		0, w);
	y += unit * 3;
	overlay_draw_text(text, image, "Locked by", unit * 3 / 4, COLOR_DIM, x, y,
		0, w);
	overlay_draw_text(text, image, greeter->user, unit * 3 / 2, COLOR_TEXT, x,
		y + unit * 5 / 4, 0, w);
	y += unit * 4;
	draw_secret_and_status(greeter, image, x, y, w, unit, "Unlocking…");
}

static void draw(struct mp_greeter *greeter) {
	struct mp_server *server = greeter->base.server;
	server_changed(server);
	struct wlr_box box = draw_box(greeter);
	int W = box.width, H = box.height;
	uint32_t bg = overlay_background(server);
	pixman_image_t *image = NULL;
	if (W > 0 && H > 0) {
		// Opaque all over (the background first): no alpha, so that
		// nothing under it is drawn and it is copied, not blended.
		image = pixman_image_create_bits(PIXMAN_x8r8g8b8, W, H, NULL, W * 4);
	}
	if (image == NULL) {
		// Nothing to draw on, or no memory for it: overlay_show covers the
		// part with the background (a lock screen never leaves a hole).
		overlay_show(&greeter->base, &greeter->node, NULL, box, bg);
		return;
	}
	// Opaque: without a font the background, panel and fields are still
	// drawn (overlay_draw_text draws nothing then).
	overlay_fill(image, bg, 0, 0, W, H);

	// Sizes follow the smaller side: a 640x480 half to a 4K screen. The
	// panel (17 units high, 22 wide with a unit of margin each side) fits
	// any area, small text on a small one.
	int unit = (W < H ? W : H) / 30;
	unit = unit < 12 ? 12 : unit;
	int fit = H / 18 < W / 24 ? H / 18 : W / 24;
	unit = unit > fit ? fit : unit;
	unit = unit < 1 ? 1 : unit;
	struct mp_text *text = server->text;

	// Clock, top right; station name, top left.
	char clock[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M", &tm);
	overlay_draw_text(text, image, clock, unit * 2, COLOR_TEXT, W - unit,
		unit, 2, 0);
	strftime(clock, sizeof(clock), "%a %d %b", &tm);
	overlay_draw_text(text, image, clock, unit, COLOR_DIM, W - unit,
		unit * 7 / 2, 2, 0);
	overlay_draw_text(text, image, greeter->base.place->name, unit * 2,
		COLOR_TEXT, unit, unit, 0, W / 2);

	// The panel.
	int pw = unit * 22 < W - 2 * unit ? unit * 22 : W - 2 * unit;
	pw = pw < 0 ? 0 : pw;
	int ph = unit * 17;
	int px = (W - pw) / 2, py = (H - ph) / 2;
	overlay_fill(image, COLOR_PANEL, px, py, pw, ph);
	int x = px + unit * 3 / 2, w = pw - unit * 3;
	int y = py + unit;
	switch (greeter->mode) {
	case MP_GREETER_STATUS:
		overlay_draw_text(text, image, greeter->status[0] ? greeter->status :
			"Starting…", unit * 3 / 2, COLOR_TEXT, px + pw / 2,
			py + ph / 2 - unit, 1, w);
		break;
	case MP_GREETER_SIGNIN:
		draw_signin(greeter, image, x, y, w, unit);
		break;
	case MP_GREETER_LOCK:
		draw_lock(greeter, image, x, y, w, unit);
		break;
	}
	// PAM's messages, then the error, under the panel.
	int my = py + ph + unit / 2;
	for (int i = 0; i < MP_GREETER_MESSAGES; i++) {
		if (greeter->messages[i][0] != '\0') {
			overlay_draw_text(text, image, greeter->messages[i], unit * 3 / 4,
				COLOR_TEXT, W / 2, my, 1, W - 2 * unit);
			my += unit * 5 / 4;
		}
	}
	overlay_draw_text(text, image, greeter->error, unit, COLOR_ERROR, W / 2,
		my, 1, W - 2 * unit);

	overlay_show(&greeter->base, &greeter->node, image, box, bg);
}

/* The clock is drawn again just after the next minute begins. */
static void schedule_clock(struct mp_greeter *greeter) {
	time_t now = time(NULL);
	wl_event_source_timer_update(greeter->clock_timer,
		(int)(60 - now % 60) * 1000 + 50);
}

static int handle_clock(void *data) {
	struct mp_greeter *greeter = data;
	draw(greeter);
	schedule_clock(greeter);
	return 0;
}

/* Where typing goes when nothing else says: the password where there is
 * a user name (always on a lock screen: its user is not editable), the
 * user name otherwise. */
static enum mp_greeter_field home_focus(struct mp_greeter *greeter) {
	return greeter->mode == MP_GREETER_LOCK || greeter->user[0] != '\0' ?
		MP_GREETER_SECRET : MP_GREETER_USER;
}

/* Clears the fields, messages and error: a new sign-in (a lock screen
 * keeps its user). */
static void clear(struct mp_greeter *greeter) {
	if (greeter->mode != MP_GREETER_LOCK) {
		memset(greeter->user, 0, sizeof(greeter->user));
	}
	explicit_bzero(greeter->secret, sizeof(greeter->secret));
	memset(greeter->messages, 0, sizeof(greeter->messages));
	greeter->error[0] = greeter->prompt[0] = '\0';
	greeter->focus = home_focus(greeter);
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
	if (greeter->answering) {
		greeter->answering = false;
		greeter->busy = true;
		struct mp_intent intent = {
			.type = MP_INTENT_ANSWER,
			.secret = greeter->secret,
		};
		greeter->prompt[0] = '\0';
		greeter->secret_echo = false;
		draw(greeter);
		overlay_report(&greeter->base, &intent);
		explicit_bzero(greeter->secret, sizeof(greeter->secret));
	} else if (greeter->mode != MP_GREETER_LOCK &&
			greeter->focus == MP_GREETER_USER &&
			greeter->secret[0] == '\0') {
		greeter->focus = MP_GREETER_SECRET; // Return goes on to the password
		draw(greeter);
	} else if (greeter->user[0] != '\0' || greeter->mode == MP_GREETER_LOCK) {
		greeter->error[0] = '\0';
		memset(greeter->messages, 0, sizeof(greeter->messages));
		greeter->busy = true;
		struct mp_intent intent = {
			.type = MP_INTENT_SUBMIT,
			.user = greeter->user,
			.secret = greeter->secret,
		};
		draw(greeter);
		overlay_report(&greeter->base, &intent);
		explicit_bzero(greeter->secret, sizeof(greeter->secret));
	} else {
		snprintf(greeter->error, sizeof(greeter->error),
			"Type your user name first");
		greeter->focus = MP_GREETER_USER;
		draw(greeter);
	}
}

static bool greeter_key(struct mp_overlay *overlay, xkb_keysym_t sym,
		const char *utf8, uint32_t modifiers) {
	struct mp_greeter *greeter = wl_container_of(overlay, greeter, base);
	if (greeter->mode == MP_GREETER_STATUS) {
		return true;
	}
	if (sym == XKB_KEY_Escape) {
		// The sign-in's Escape always cancels; the lock screen's only what
		// is in progress (an unlock's PAM conversation): else it only
		// clears the field.
		bool cancel = greeter->mode != MP_GREETER_LOCK || greeter->busy ||
			greeter->answering;
		clear(greeter);
		greeter->status[0] = '\0';
		draw(greeter);
		if (cancel) {
			struct mp_intent intent = { .type = MP_INTENT_CANCEL };
			overlay_report(&greeter->base, &intent);
		}
		return true;
	}
	if (greeter->busy) {
		return true; // PAM is working; typing ahead would be lost
	}
	char *field = greeter->focus == MP_GREETER_USER ? greeter->user :
		greeter->secret;
	switch (sym) {
	case XKB_KEY_Return:
	case XKB_KEY_KP_Enter:
		submit(greeter);
		return true;
	case XKB_KEY_BackSpace:
		delete_last_char(field);
		break;
	case XKB_KEY_Tab:
	case XKB_KEY_ISO_Left_Tab:
		// Two fields: both directions lead to the other one. A lock
		// screen has one.
		if (!greeter->answering && greeter->mode == MP_GREETER_SIGNIN) {
			greeter->focus = greeter->focus == MP_GREETER_USER ?
				MP_GREETER_SECRET : MP_GREETER_USER;
		}
		break;
	default:
		if (utf8[0] != '\0' && (unsigned char)utf8[0] >= 0x20 &&
				utf8[0] != 0x7f &&
				strlen(field) + strlen(utf8) < MP_GREETER_FIELD_MAX) {
			strcat(field, utf8);
		} else {
			return true;
		}
	}
	draw(greeter);
	return true;
}

static bool greeter_button(struct mp_overlay *overlay, int x, int y,
		uint32_t button, bool pressed) {
	struct mp_greeter *greeter = wl_container_of(overlay, greeter, base);
	if (!pressed || greeter->busy || greeter->answering ||
			greeter->mode == MP_GREETER_STATUS) {
		return true;
	}
	// From place-local to where the greeter is drawn.
	struct wlr_box box = draw_box(greeter);
	x -= box.x - greeter->base.place->area.x;
	y -= box.y - greeter->base.place->area.y;
	for (int f = 0; f < 2; f++) {
		// (A field not shown has an empty box: it is never hit.)
		if (x >= greeter->field_box[f].x && y >= greeter->field_box[f].y &&
				x < greeter->field_box[f].x + greeter->field_box[f].width &&
				y < greeter->field_box[f].y + greeter->field_box[f].height) {
			greeter->focus = f;
			draw(greeter);
			break;
		}
	}
	return true;
}

static void greeter_relayout(struct mp_overlay *overlay) {
	struct mp_greeter *greeter = wl_container_of(overlay, greeter, base);
	draw(greeter);
}

static struct json_object *greeter_describe(struct mp_overlay *overlay) {
	struct mp_greeter *greeter = wl_container_of(overlay, greeter, base);
	struct json_object *g = json_object_new_object();
	bool lock = greeter->mode == MP_GREETER_LOCK;
	json_object_object_add(g, "type",
		json_object_new_string(lock ? "lock" : "greeter"));
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
	struct wlr_box box = draw_box(greeter);
	const char *names[] = { "user_box", "secret_box" };
	for (int f = lock ? MP_GREETER_SECRET : 0; f < 2; f++) {
		json_object_object_add(g, names[f], describe_box(
			box.x + greeter->field_box[f].x, box.y + greeter->field_box[f].y,
			greeter->field_box[f].width, greeter->field_box[f].height));
	}
	return g;
}

static void greeter_destroy(struct mp_overlay *overlay) {
	struct mp_greeter *greeter = wl_container_of(overlay, greeter, base);
	// Its node went with the overlay's tree.
	if (greeter->clock_timer != NULL) {
		wl_event_source_remove(greeter->clock_timer);
	}
	explicit_bzero(greeter->secret, sizeof(greeter->secret));
	free(greeter);
}

static const struct mp_overlay_impl greeter_impl = {
	.type = "greeter",
	.key = greeter_key,
	.button = greeter_button,
	.relayout = greeter_relayout,
	.describe = greeter_describe,
	.destroy = greeter_destroy,
};

struct mp_greeter *greeter_create(struct mp_server *server,
		const struct mp_place *place, struct wlr_scene_tree *parent,
		enum mp_greeter_mode mode, const char *locked_user,
		void (*report)(void *data, const struct mp_intent *intent),
		void *data) {
	struct mp_greeter *greeter = calloc(1, sizeof(*greeter));
	if (greeter == NULL) {
		return NULL;
	}
	if (!overlay_init(&greeter->base, &greeter_impl, server, place, parent,
			report, data)) {
		free(greeter);
		return NULL;
	}
	// Modal: every key and button of its station is the greeter's (a lock
	// screen lets nothing through to the session behind it).
	greeter->base.modal = true;
	greeter->mode = mode;
	if (mode == MP_GREETER_LOCK && locked_user != NULL) {
		snprintf(greeter->user, sizeof(greeter->user), "%s", locked_user);
	}
	greeter->focus = home_focus(greeter);
	greeter->clock_timer = wl_event_loop_add_timer(server->loop,
		handle_clock, greeter);
	if (greeter->clock_timer != NULL) {
		schedule_clock(greeter);
	}
	draw(greeter);
	return greeter;
}

void greeter_show_prompt(struct mp_greeter *greeter, const char *text,
		bool echo) {
	snprintf(greeter->prompt, sizeof(greeter->prompt), "%s", text);
	greeter->secret_echo = echo;
	greeter->answering = true;
	greeter->busy = false;
	greeter->focus = MP_GREETER_SECRET;
	explicit_bzero(greeter->secret, sizeof(greeter->secret));
	draw(greeter);
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
	draw(greeter);
}

void greeter_fail(struct mp_greeter *greeter, const char *reason) {
	snprintf(greeter->error, sizeof(greeter->error), "%s", reason);
	explicit_bzero(greeter->secret, sizeof(greeter->secret));
	greeter->busy = greeter->answering = greeter->secret_echo = false;
	greeter->prompt[0] = greeter->status[0] = '\0';
	// Typing goes on where it is needed: the password again, or a user
	// name where there is none (an autologin that failed).
	greeter->focus = home_focus(greeter);
	draw(greeter);
}

void greeter_set_status(struct mp_greeter *greeter, const char *status) {
	snprintf(greeter->status, sizeof(greeter->status), "%s", status);
	draw(greeter);
}

void greeter_set_busy(struct mp_greeter *greeter, bool busy) {
	greeter->busy = busy;
	if (!busy) {
		greeter->status[0] = '\0'; // it said what was in progress
	}
	draw(greeter);
}
