/* The session menu and the lock screen (the greeter in LOCK mode) on
 * their own: a scene that is never rendered, a server with only what
 * overlays use (no font: text is not drawn, everything else is). */
#include <json-c/json.h>
#include <linux/input-event-codes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <wlr/types/wlr_keyboard.h>
#include <wlr/types/wlr_scene.h>
#include "buffer.h"
#include "overlay/greeter.h"
#include "overlay/menu.h"
#include "place.h"
#include "server.h"

#define BACKGROUND 0xff203040

struct fixture {
	struct mp_config config;
	struct mp_server server;
	struct wlr_scene *scene;
	struct wlr_scene_tree *parent;
	struct wlr_box parts[2];
	struct mp_place place;

	struct mp_overlay *overlay; // what the reports are about
	bool destroy_on_report;     // as the station pops a chosen menu
	int reports;
	struct mp_intent last;
	char user[64], secret[64];
};

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
	wlr_scene_node_destroy(&f->scene->node);
	wl_event_loop_destroy(f->server.loop);
	free(f);
	return 0;
}

static void report(void *data, const struct mp_intent *intent) {
	struct fixture *f = data;
	f->reports++;
	f->last = *intent;
	f->last.user = f->last.secret = NULL;
	snprintf(f->user, sizeof(f->user), "%s", intent->user ? intent->user : "");
	snprintf(f->secret, sizeof(f->secret), "%s",
		intent->secret ? intent->secret : "");
	if (f->destroy_on_report) {
		overlay_destroy(f->overlay);
		f->overlay = NULL;
	}
}

static const char *const items[] = { "Lock", "Log off", "Move here" };

static struct mp_menu *make_menu(struct fixture *f) {
	struct mp_menu *menu = menu_create(&f->server, &f->place, f->parent,
		"alice at station left", items, 3, report, f);
	assert_non_null(menu);
	f->overlay = &menu->base;
	return menu;
}

static bool key(struct fixture *f, xkb_keysym_t sym, const char *utf8,
		uint32_t modifiers) {
	return f->overlay->impl->key(f->overlay, sym, utf8, modifiers);
}

static long describe_int(struct mp_overlay *overlay, const char *name) {
	struct json_object *d = overlay->impl->describe(overlay), *v;
	assert_true(json_object_object_get_ex(d, name, &v));
	long n = (long)json_object_get_int64(v);
	json_object_put(d);
	return n;
}

/* The pixel of the overlay's image at layout x, y (0xAARRGGBB,
 * premultiplied), which must be drawn. */
static uint32_t pixel_at(struct wlr_scene_node *node, int lx, int ly) {
	assert_non_null(node);
	assert_int_equal(node->type, WLR_SCENE_NODE_BUFFER);
	struct wlr_scene_buffer *sb = wl_container_of(node, sb, node);
	struct mp_image_buffer *buffer = wl_container_of(sb->buffer, buffer, base);
	int x = lx - node->state.x, y = ly - node->state.y;
	assert_true(x >= 0 && y >= 0);
	assert_true(x < pixman_image_get_width(buffer->image));
	assert_true(y < pixman_image_get_height(buffer->image));
	uint32_t *data = pixman_image_get_data(buffer->image);
	int stride = pixman_image_get_stride(buffer->image) / 4;
	return data[y * stride + x];
}

static void test_menu_keys_move_and_wrap(void **state) {
	struct fixture *f = *state;
	make_menu(f);
	assert_true(f->overlay->modal);
	assert_int_equal(describe_int(f->overlay, "selected"), 0);
	assert_true(key(f, XKB_KEY_Up, "", 0));
	assert_int_equal(describe_int(f->overlay, "selected"), 2);
	assert_true(key(f, XKB_KEY_Down, "", 0));
	assert_int_equal(describe_int(f->overlay, "selected"), 0);
	assert_true(key(f, XKB_KEY_Tab, "\t", 0));
	assert_int_equal(describe_int(f->overlay, "selected"), 1);
	assert_true(key(f, XKB_KEY_ISO_Left_Tab, "", WLR_MODIFIER_SHIFT));
	assert_int_equal(describe_int(f->overlay, "selected"), 0);
	assert_true(key(f, XKB_KEY_Tab, "\t", WLR_MODIFIER_SHIFT));
	assert_int_equal(describe_int(f->overlay, "selected"), 2);
	assert_true(key(f, XKB_KEY_Home, "", 0));
	assert_int_equal(describe_int(f->overlay, "selected"), 0);
	assert_true(key(f, XKB_KEY_End, "", 0));
	assert_int_equal(describe_int(f->overlay, "selected"), 2);
	// Every key is taken; none reports but Return, space and Escape.
	assert_true(key(f, XKB_KEY_a, "a", 0));
	assert_true(key(f, XKB_KEY_F1, "", 0));
	assert_int_equal(f->reports, 0);
}

static void test_menu_return_chooses_and_may_destroy_it(void **state) {
	struct fixture *f = *state;
	make_menu(f);
	assert_true(key(f, XKB_KEY_Down, "", 0));
	assert_true(key(f, XKB_KEY_space, " ", 0));
	assert_int_equal(f->reports, 1);
	assert_int_equal(f->last.type, MP_INTENT_CHOOSE);
	assert_int_equal(f->last.item, 1);
	// The station pops a chosen menu from the report (ASan sees a use
	// of it after).
	f->destroy_on_report = true;
	assert_true(key(f, XKB_KEY_KP_Enter, "\r", 0));
	assert_int_equal(f->reports, 2);
	assert_int_equal(f->last.item, 1);
	assert_null(f->overlay);
}

static void test_menu_escape_cancels(void **state) {
	struct fixture *f = *state;
	make_menu(f);
	f->destroy_on_report = true;
	assert_true(key(f, XKB_KEY_Escape, "\x1b", 0));
	assert_int_equal(f->reports, 1);
	assert_int_equal(f->last.type, MP_INTENT_CANCEL);
	assert_null(f->overlay);
}

static void test_menu_describe(void **state) {
	struct fixture *f = *state;
	make_menu(f);
	struct json_object *d = f->overlay->impl->describe(f->overlay), *v;
	assert_true(json_object_object_get_ex(d, "type", &v));
	assert_string_equal(json_object_get_string(v), "menu");
	assert_true(json_object_object_get_ex(d, "title", &v));
	assert_string_equal(json_object_get_string(v), "alice at station left");
	assert_true(json_object_object_get_ex(d, "items", &v));
	assert_int_equal(json_object_array_length(v), 3);
	assert_string_equal(json_object_get_string(
		json_object_array_get_idx(v, 2)), "Move here");
	assert_true(json_object_object_get_ex(d, "item_boxes", &v));
	assert_int_equal(json_object_array_length(v), 3);
	json_object_put(d);
}

/* The middle of item i's box, place-local, from describe (layout). */
static void item_middle(struct fixture *f, int i, int *x, int *y) {
	struct json_object *d = f->overlay->impl->describe(f->overlay), *boxes;
	assert_true(json_object_object_get_ex(d, "item_boxes", &boxes));
	struct json_object *box = json_object_array_get_idx(boxes, i), *v;
	int b[4];
	const char *keys[] = { "x", "y", "width", "height" };
	for (int k = 0; k < 4; k++) {
		assert_true(json_object_object_get_ex(box, keys[k], &v));
		b[k] = json_object_get_int(v);
	}
	json_object_put(d);
	assert_true(b[2] > 0 && b[3] > 0);
	*x = b[0] + b[2] / 2 - f->place.area.x;
	*y = b[1] + b[3] / 2 - f->place.area.y;
}

static void test_menu_pointer(void **state) {
	struct fixture *f = *state;
	struct mp_menu *menu = make_menu(f);
	int x, y;
	item_middle(f, 2, &x, &y);
	f->overlay->impl->motion(f->overlay, x, y);
	assert_int_equal(menu->selected, 2);
	// Outside the items: the selection stays, a click is taken, ignored.
	f->overlay->impl->motion(f->overlay, 1, 1);
	assert_int_equal(menu->selected, 2);
	assert_true(f->overlay->impl->button(f->overlay, 1, 1, BTN_LEFT, true));
	assert_true(f->overlay->impl->button(f->overlay, 1, 1, BTN_LEFT, false));
	// On the second part: no item there.
	assert_true(f->overlay->impl->button(f->overlay, 1000, y, BTN_LEFT,
		true));
	assert_true(f->overlay->impl->button(f->overlay, 1000, y, BTN_LEFT,
		false));
	assert_int_equal(f->reports, 0);
	// Pressed on one item, released on another: nothing chosen.
	int x0, y0;
	item_middle(f, 0, &x0, &y0);
	assert_true(f->overlay->impl->button(f->overlay, x0, y0, BTN_LEFT, true));
	assert_int_equal(menu->selected, 0);
	assert_true(f->overlay->impl->button(f->overlay, x, y, BTN_LEFT, false));
	assert_int_equal(f->reports, 0);
	// Another button: nothing.
	assert_true(f->overlay->impl->button(f->overlay, x, y, BTN_RIGHT, true));
	assert_true(f->overlay->impl->button(f->overlay, x, y, BTN_RIGHT, false));
	assert_int_equal(f->reports, 0);
	// A left click on an item chooses it, on the release.
	f->destroy_on_report = true;
	assert_true(f->overlay->impl->button(f->overlay, x, y, BTN_LEFT, true));
	assert_int_equal(f->reports, 0);
	assert_true(f->overlay->impl->button(f->overlay, x, y, BTN_LEFT, false));
	assert_int_equal(f->reports, 1);
	assert_int_equal(f->last.type, MP_INTENT_CHOOSE);
	assert_int_equal(f->last.item, 2);
	assert_null(f->overlay);
}

static void test_menu_draws_on_the_first_part(void **state) {
	struct fixture *f = *state;
	struct mp_menu *menu = make_menu(f);
	assert_non_null(menu->node);
	assert_int_equal(menu->node->state.x, 100);
	assert_int_equal(menu->node->state.y, 50);
	// The backdrop, dark and nearly opaque, in a corner.
	uint32_t corner = pixel_at(menu->node, 100, 50);
	assert_true((corner >> 24) >= 0xe0);
	// The selected item highlighted, the others on the panel.
	int x, y;
	item_middle(f, 0, &x, &y);
	assert_int_equal(pixel_at(menu->node, x + f->place.area.x,
		y + f->place.area.y), 0xff4a90d9);
	item_middle(f, 1, &x, &y);
	assert_int_equal(pixel_at(menu->node, x + f->place.area.x,
		y + f->place.area.y), 0xff1b2633);
}

static void test_menu_fits_any_part(void **state) {
	struct fixture *f = *state;
	const struct wlr_box sizes[] = {
		{ 0, 0, 20, 600 }, { 0, 0, 800, 20 }, { 0, 0, 1, 1 },
		{ 0, 0, 0, 0 }, { 0, 0, 3840, 2160 },
	};
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		f->parts[0] = sizes[s];
		f->place.area = sizes[s];
		f->place.n_parts = 1;
		struct mp_menu *menu = make_menu(f);
		if (sizes[s].width == 0) {
			assert_null(menu->node);
		} else {
			assert_non_null(menu->node);
		}
		// Every item box is inside the part.
		for (size_t i = 0; i < menu->n_items; i++) {
			int y = menu->items_y + (int)i * menu->item_height;
			if (y >= sizes[s].height) {
				continue; // not shown
			}
			assert_true(menu->items_x >= 0);
			assert_true(menu->items_x + menu->items_width <= sizes[s].width);
		}
		f->place.n_parts = 0; // gone: no node, no hole either
		f->overlay->impl->relayout(f->overlay);
		assert_null(menu->node);
		overlay_destroy(f->overlay);
		f->overlay = NULL;
	}
}

static void test_menu_without_items_or_title(void **state) {
	struct fixture *f = *state;
	struct mp_menu *menu = menu_create(&f->server, &f->place, f->parent,
		NULL, NULL, 0, report, f);
	assert_non_null(menu);
	f->overlay = &menu->base;
	assert_int_equal(menu->selected, -1);
	assert_true(key(f, XKB_KEY_Down, "", 0));
	assert_true(key(f, XKB_KEY_Return, "\r", 0));
	assert_int_equal(f->reports, 0);
	struct json_object *d = f->overlay->impl->describe(f->overlay), *v;
	assert_true(json_object_object_get_ex(d, "title", &v));
	assert_null(v);
	json_object_put(d);
}

static struct mp_greeter *make_lock(struct fixture *f) {
	struct mp_greeter *lock = greeter_create(&f->server, &f->place,
		f->parent, MP_GREETER_LOCK, "alice", report, f);
	assert_non_null(lock);
	f->overlay = &lock->base;
	return lock;
}

static const char *describe_str(struct mp_overlay *overlay, const char *name,
		char *buf, size_t size) {
	struct json_object *d = overlay->impl->describe(overlay), *v;
	assert_true(json_object_object_get_ex(d, name, &v));
	snprintf(buf, size, "%s", json_object_get_string(v));
	json_object_put(d);
	return buf;
}

static void test_lock_submits_the_locked_user(void **state) {
	struct fixture *f = *state;
	make_lock(f);
	char buf[64];
	assert_true(f->overlay->modal);
	assert_string_equal(describe_str(f->overlay, "type", buf, 64), "lock");
	assert_string_equal(describe_str(f->overlay, "user", buf, 64), "alice");
	assert_string_equal(describe_str(f->overlay, "focus", buf, 64), "secret");
	// Tab cannot reach a user field: there is none.
	assert_true(key(f, XKB_KEY_Tab, "\t", 0));
	assert_string_equal(describe_str(f->overlay, "focus", buf, 64), "secret");
	assert_true(key(f, XKB_KEY_p, "p", 0));
	assert_true(key(f, XKB_KEY_w, "w", 0));
	assert_int_equal(describe_int(f->overlay, "secret_length"), 2);
	// The secret itself is never described.
	struct json_object *d = f->overlay->impl->describe(f->overlay);
	assert_null(strstr(json_object_to_json_string(d), "pw"));
	json_object_put(d);
	assert_true(key(f, XKB_KEY_Return, "\r", 0));
	assert_int_equal(f->reports, 1);
	assert_int_equal(f->last.type, MP_INTENT_SUBMIT);
	assert_string_equal(f->user, "alice");
	assert_string_equal(f->secret, "pw");
	assert_int_equal(describe_int(f->overlay, "secret_length"), 0);
}

static void test_lock_prompts_and_failures(void **state) {
	struct fixture *f = *state;
	struct mp_greeter *lock = make_lock(f);
	char buf[64];
	greeter_set_busy(lock, true);
	assert_true(key(f, XKB_KEY_x, "x", 0)); // busy: not typed
	assert_int_equal(describe_int(f->overlay, "secret_length"), 0);
	greeter_show_prompt(lock, "Code:", true);
	assert_true(key(f, XKB_KEY_4, "4", 0));
	assert_true(key(f, XKB_KEY_Return, "\r", 0));
	assert_int_equal(f->last.type, MP_INTENT_ANSWER);
	assert_string_equal(f->secret, "4");
	greeter_fail(lock, "Wrong code");
	assert_string_equal(describe_str(f->overlay, "error", buf, 64),
		"Wrong code");
	assert_string_equal(describe_str(f->overlay, "focus", buf, 64), "secret");
	// Escape clears the field and keeps the user; with nothing in
	// progress it reports nothing.
	int reports = f->reports;
	assert_true(key(f, XKB_KEY_a, "a", 0));
	assert_true(key(f, XKB_KEY_Escape, "\x1b", 0));
	assert_int_equal(f->reports, reports);
	assert_int_equal(describe_int(f->overlay, "secret_length"), 0);
	assert_string_equal(describe_str(f->overlay, "user", buf, 64), "alice");
	assert_string_equal(describe_str(f->overlay, "error", buf, 64), "");
	// Busy (an unlock in progress): Escape cancels it.
	assert_true(key(f, XKB_KEY_b, "b", 0));
	assert_true(key(f, XKB_KEY_Return, "\r", 0));
	assert_int_equal(f->last.type, MP_INTENT_SUBMIT);
	assert_true(lock->busy);
	assert_true(key(f, XKB_KEY_Escape, "\x1b", 0));
	assert_int_equal(f->reports, reports + 2);
	assert_int_equal(f->last.type, MP_INTENT_CANCEL);
	assert_false(lock->busy);
	assert_string_equal(describe_str(f->overlay, "focus", buf, 64), "secret");
	// Answering a prompt: Escape cancels too.
	greeter_show_prompt(lock, "Code:", false);
	assert_true(key(f, XKB_KEY_Escape, "\x1b", 0));
	assert_int_equal(f->reports, reports + 3);
	assert_int_equal(f->last.type, MP_INTENT_CANCEL);
	assert_false(lock->answering);
	// A click anywhere is taken.
	assert_true(f->overlay->impl->button(f->overlay, 5, 5, BTN_LEFT, true));
}

static void test_lock_covers_its_part_without_a_font(void **state) {
	struct fixture *f = *state;
	struct mp_greeter *lock = make_lock(f);
	assert_null(f->server.text);
	assert_int_equal(lock->node->state.x, 100);
	assert_int_equal(lock->node->state.y, 50);
	// Opaque background in the corners, the panel in the middle.
	assert_int_equal(pixel_at(lock->node, 100, 50), BACKGROUND);
	assert_int_equal(pixel_at(lock->node, 899, 649), BACKGROUND);
	assert_int_equal(pixel_at(lock->node, 500, 350 - 150), 0xff1b2633);
}

static void test_greeter_modes_keep_their_type(void **state) {
	struct fixture *f = *state;
	char buf[64];
	struct mp_greeter *g = greeter_create(&f->server, &f->place, f->parent,
		MP_GREETER_SIGNIN, "ignored", report, f);
	assert_non_null(g);
	f->overlay = &g->base;
	assert_string_equal(describe_str(f->overlay, "type", buf, 64), "greeter");
	assert_string_equal(describe_str(f->overlay, "user", buf, 64), "");
	assert_string_equal(describe_str(f->overlay, "focus", buf, 64), "user");
	overlay_destroy(f->overlay);
	g = greeter_create(&f->server, &f->place, f->parent, MP_GREETER_STATUS,
		NULL, report, f);
	assert_non_null(g);
	f->overlay = &g->base;
	assert_string_equal(describe_str(f->overlay, "type", buf, 64), "greeter");
	assert_true(key(f, XKB_KEY_Escape, "\x1b", 0));
	assert_int_equal(f->reports, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
	const struct CMUnitTest tests[] = {
		T(test_menu_keys_move_and_wrap),
		T(test_menu_return_chooses_and_may_destroy_it),
		T(test_menu_escape_cancels),
		T(test_menu_describe),
		T(test_menu_pointer),
		T(test_menu_draws_on_the_first_part),
		T(test_menu_fits_any_part),
		T(test_menu_without_items_or_title),
		T(test_lock_submits_the_locked_user),
		T(test_lock_prompts_and_failures),
		T(test_lock_covers_its_part_without_a_font),
		T(test_greeter_modes_keep_their_type),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
