#include <assert.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/backend/session.h>
#include <wlr/types/wlr_keyboard.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/util/log.h>
#include "describe.h"
#include "helper.h"
#include "output.h"
#include "overlay/greeter.h"
#include "overlay/menu.h"
#include "overlay/notice.h"
#include "overlay/text.h"
#include "server.h"
#include "session.h"
#include "station.h"
#include "util.h"

const char *station_state_name(enum mp_station_state state) {
	switch (state) {
	case MP_STATION_OFFLINE:
		return "offline";
	case MP_STATION_LOGIN:
		return "login";
	case MP_STATION_ACTIVE:
		return "active";
	case MP_STATION_LOCKED:
		return "locked";
	case MP_STATION_BLOCKED:
		return "blocked";
	}
	return "unknown";
}

/* The state a station settles in, given its hardware, session and lock. */
static enum mp_station_state settled_state(struct mp_station *station) {
	if (station->place.n_parts == 0 || station->keyboard_gone) {
		return MP_STATION_OFFLINE;
	}
	if (station->block.on) {
		return MP_STATION_BLOCKED;
	}
	if (station->session == NULL) {
		return MP_STATION_LOGIN;
	}
	return station->session->locked ? MP_STATION_LOCKED : MP_STATION_ACTIVE;
}

int station_idle_lock_ms(struct mp_station *station) {
	if (station->config != NULL && station->config->idle_lock_ms >= 0) {
		return station->config->idle_lock_ms;
	}
	return station->server->config->idle_lock_ms;
}

/* The idle lock looks again when the station may have been idle for its
 * time: one timer per idle period, never one per input event. */
static void arm_idle(struct mp_station *station, int64_t in_ms) {
	if (station->idle_timer != NULL) {
		wl_event_source_timer_update(station->idle_timer,
			in_ms <= 0 ? 1 : in_ms > INT32_MAX ? INT32_MAX : (int)in_ms);
	}
}

static int handle_idle_timer(void *data) {
	struct mp_station *station = data;
	int idle = station_idle_lock_ms(station);
	if (station->state != MP_STATION_ACTIVE || idle <= 0) {
		return 0; // armed again when it is active
	}
	int64_t left = station->last_input_ms + idle - util_now_ms();
	if (left > 0) {
		arm_idle(station, left);
		return 0;
	}
	wlr_log(WLR_INFO, "station %s: idle for %d s", station->name,
		idle / 1000);
	station->server->station_handler->idle(station);
	return 0;
}

/* Its devices were used: the idle time starts again. */
static void note_input(struct mp_station *station) {
	station->last_input_ms = util_now_ms();
}

/* Its new state waits for its first frame on screen. */
static void shown_reset(struct mp_station *station) {
	station->shown.since_ns = util_now_ns();
	station->shown.presented_ns = 0;
	station->shown.output = NULL;
}

/* A part's output committed a frame: the first commit since its state
 * changed is the one whose presentation it waits for. */
static void handle_part_committed(void *data, struct wlr_output *output) {
	struct mp_station *station = data;
	if (station->shown.presented_ns == 0 && station->shown.output == NULL) {
		station->shown.output = output;
		station->shown.commit_seq = output->commit_seq;
	}
}

static void handle_part_presented(void *data, struct wlr_output *output,
		uint32_t commit_seq, const struct timespec *when) {
	struct mp_station *station = data;
	struct mp_station_shown *shown = &station->shown;
	// commit_seq may wrap around.
	if (shown->presented_ns != 0 || shown->output != output ||
			(int32_t)(commit_seq - shown->commit_seq) < 0) {
		return;
	}
	shown->presented_ns = util_timespec_ns(when);
	shown->output = NULL;
	wlr_log(WLR_DEBUG, "station %s: %s on screen %.3f ms after the change",
		station->name, station_state_name(station->state),
		(shown->presented_ns - shown->since_ns) / 1e6);
}

/* The one place where a station changes state: what it shows follows in
 * the same frame. The log names the session it is about (the one shown,
 * or the one that just left: about). */
static void sync_notices(struct mp_station *station);

static void set_state(struct mp_station *station, struct mp_session *about,
		const char *reason) {
	sync_notices(station);
	enum mp_station_state state = settled_state(station);
	if (station->state == state) {
		return;
	}
	if (about == NULL) {
		about = station->session;
	}
	if (about != NULL) {
		wlr_log(WLR_INFO, "station %s (session %u of %s): %s -> %s: %s",
			station->name, about->id, about->user,
			station_state_name(station->state), station_state_name(state),
			reason);
	} else {
		wlr_log(WLR_INFO, "station %s (no session): %s -> %s: %s",
			station->name, station_state_name(station->state),
			station_state_name(state), reason);
	}
	enum mp_station_state old = station->state;
	station->state = state;
	shown_reset(station);
	// Only an active station shows its session's windows.
	wlr_scene_node_set_enabled(&station->views_tree->node,
		state == MP_STATION_ACTIVE);
	if (state == MP_STATION_ACTIVE && station_idle_lock_ms(station) > 0) {
		note_input(station);
		arm_idle(station, station_idle_lock_ms(station));
	}
	server_changed(station->server);
	if (!station->dying) {
		station->server->station_handler->state_changed(station, old);
	}
}

/* Puts overlay on the stack at its layer: over every overlay of its layer
 * or lower, under the higher ones, in the list and in the scene. */
static void stack_push(struct mp_station *station, struct mp_overlay *overlay,
		enum mp_overlay_layer layer) {
	overlay->layer = layer;
	struct mp_overlay *above = NULL, *other;
	wl_list_for_each(other, &station->overlays, link) {
		if (other->layer > (int)layer) {
			above = other;
			break;
		}
	}
	if (above != NULL) {
		wl_list_insert(above->link.prev, &overlay->link);
		wlr_scene_node_place_below(&overlay->tree->node, &above->tree->node);
	} else {
		wl_list_insert(station->overlays.prev, &overlay->link);
		wlr_scene_node_raise_to_top(&overlay->tree->node);
	}
}

/* Whether a modal overlay is on the stack: nothing reaches the session. */
static bool has_modal(struct mp_station *station) {
	struct mp_overlay *overlay;
	wl_list_for_each(overlay, &station->overlays, link) {
		if (overlay->modal) {
			return true;
		}
	}
	return false;
}

static void handle_overlay_intent(void *data, const struct mp_intent *intent) {
	struct mp_station *station = data;
	station->server->station_handler->intent(station, intent);
}

/* The greeter goes on the stack of a free station, fresh. */
static void push_greeter(struct mp_station *station) {
	if (station->greeter != NULL) {
		return;
	}
	station->greeter = greeter_create(station->server, &station->place,
		station->overlay_tree, station_is_kiosk(station) ?
		MP_GREETER_STATUS : MP_GREETER_SIGNIN, NULL,
		handle_overlay_intent, station);
	if (station->greeter == NULL) {
		wlr_log(WLR_ERROR, "station %s: cannot create its greeter",
			station->name);
		return;
	}
	stack_push(station, &station->greeter->base, MP_LAYER_SCREEN);
}

static void pop_greeter(struct mp_station *station) {
	overlay_destroy(&station->greeter->base);
	station->greeter = NULL;
}

/* The screen that shows sign-in and unlock messages: the lock screen
 * while locked, else the greeter (NULL while a session is shown). */
static struct mp_greeter *screen(struct mp_station *station) {
	return station->lock ? station->lock : station->greeter;
}

struct mp_station *station_create(struct mp_server *server,
		const char *name, const struct mp_station_config *config) {
	struct mp_station *station = calloc(1, sizeof(*station));
	if (station == NULL) {
		return NULL;
	}
	station->server = server;
	station->config = config;
	station->serial = ++server->next_station_serial;
	station->state = MP_STATION_OFFLINE;
	shown_reset(station);
	wl_list_init(&station->devices);
	wl_list_init(&station->overlays);
	wl_list_init(&station->request_set_cursor.link);
	wl_list_init(&station->cursor_surface_destroy.link);
	wl_list_init(&station->link);
	station->name = strdup(name);
	station->key = strdup(name);
	station->scene = wlr_scene_create();
	if (station->name == NULL || station->key == NULL ||
			station->scene == NULL) {
		goto error;
	}
	station->keymap = config_station_keymap(config);
	if (station->keymap == NULL) {
		wlr_log(WLR_ERROR, "station %s: cannot compile its keymap, using "
			"the default one", name);
		station->keymap = xkb_keymap_ref(server->default_keymap);
	}
	station->views_tree = wlr_scene_tree_create(&station->scene->node);
	station->overlay_tree = wlr_scene_tree_create(&station->scene->node);
	station->cursor_tree = wlr_scene_tree_create(&station->scene->node);
	if (station->views_tree == NULL || station->overlay_tree == NULL ||
			station->cursor_tree == NULL) {
		goto error;
	}
	wlr_scene_node_set_enabled(&station->views_tree->node, false);
	wlr_scene_node_set_enabled(&station->cursor_tree->node, false);
	if (server->cursor_buffer != NULL) {
		struct wlr_scene_buffer *cursor = wlr_scene_buffer_create(
			&station->cursor_tree->node, server->cursor_buffer);
		station->cursor_node = cursor ? &cursor->node : NULL;
	}
	station->place.name = station->name;
	station->place.tree = station->views_tree;
	station->place.cursor_x = &station->cursor_x;
	station->place.cursor_y = &station->cursor_y;
	station->idle_timer = wl_event_loop_add_timer(server->loop,
		handle_idle_timer, station);
	if (station->idle_timer == NULL) {
		goto error;
	}
	push_greeter(station);

	wl_list_insert(server->stations.prev, &station->link);
	if (config != NULL && !station_set_layout(station, config->outputs,
			config->n_outputs, config->split)) {
		goto error;
	}
	wlr_log(WLR_INFO, "station %s: created", name);
	return station;

error:
	wlr_log(WLR_ERROR, "station %s: cannot create it", name);
	station_destroy(station);
	return NULL;
}

static void destroy_parts(struct mp_station *station) {
	for (size_t i = 0; i < station->place.n_parts; i++) {
		output_part_destroy(station->parts[i]);
	}
	free(station->parts);
	free(station->place.parts);
	station->parts = NULL;
	station->place.parts = NULL;
	station->place.n_parts = 0;
}

void station_destroy(struct mp_station *station) {
	if (station == NULL) {
		return;
	}
	wlr_log(WLR_INFO, "station %s: destroyed", station->name);
	station->dying = true;
	if (station->session != NULL) {
		station_release_session(station, "the station goes", NULL);
	}
	helper_destroy(station_take_helper(station));
	if (station->kiosk.restart_timer != NULL) {
		wl_event_source_remove(station->kiosk.restart_timer);
	}
	if (station->idle_timer != NULL) {
		wl_event_source_remove(station->idle_timer);
	}
	if (station->block.timer != NULL) {
		wl_event_source_remove(station->block.timer);
	}
	if (station->message.timer != NULL) {
		wl_event_source_remove(station->message.timer);
	}
	free(station->block.text);
	free(station->message.text);
	struct mp_overlay *overlay, *otmp;
	wl_list_for_each_safe(overlay, otmp, &station->overlays, link) {
		overlay_destroy(overlay);
	}
	struct mp_station_device *dev, *dtmp;
	wl_list_for_each_safe(dev, dtmp, &station->devices, link) {
		station_remove_device(station, dev->device);
	}
	wl_list_remove(&station->request_set_cursor.link);
	wl_list_remove(&station->cursor_surface_destroy.link);
	destroy_parts(station);
	if (station->scene != NULL) {
		wlr_scene_node_destroy(&station->scene->node);
	}
	xkb_keymap_unref(station->keymap);
	wl_list_remove(&station->link);
	util_strv_free(station->layout.outputs, station->layout.n_outputs);
	free(station->key);
	free(station->name);
	free(station);
}

struct mp_station *station_by_name(struct mp_server *server,
		const char *name) {
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if (strcmp(station->name, name) == 0) {
			return station;
		}
	}
	return NULL;
}

struct mp_station *station_of_session(struct mp_server *server,
		struct mp_session *session) {
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if (station->session == session) {
			return station;
		}
	}
	return NULL;
}

bool station_is_locked(struct mp_station *station) {
	return station->session != NULL && station->session->locked;
}

bool station_is_kiosk(struct mp_station *station) {
	return station->config != NULL && station->config->role == MP_ROLE_KIOSK;
}

bool station_wants_output(struct mp_station *station,
		struct mp_output *output) {
	for (size_t i = 0; i < station->layout.n_outputs; i++) {
		if (output_is(output, station->layout.outputs[i])) {
			return true;
		}
	}
	return false;
}

bool station_set_layout(struct mp_station *station, char *const *outputs,
		size_t n, enum mp_split split) {
	char **copy = util_strv_copy(outputs, n);
	if (copy == NULL) {
		return false;
	}
	util_strv_free(station->layout.outputs, station->layout.n_outputs);
	station->layout.outputs = copy;
	station->layout.n_outputs = n;
	station->layout.split = split;
	return true;
}

bool station_shows_key(struct mp_station *station) {
	if (station->place.n_parts == 0 || station->session != NULL ||
			station->block.on) {
		return false;
	}
	if (station->server->pairing) {
		return !station->pairing_done;
	}
	// A kiosk needs no keyboard.
	return !station_has_keyboard(station) && !station_is_kiosk(station);
}

struct mp_station *station_by_key(struct mp_server *server,
		const char *key) {
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if (strcmp(station->key, key) == 0) {
			return station;
		}
	}
	return NULL;
}

bool station_has_keyboard(struct mp_station *station) {
	return station->n_keyboards > 0;
}

/* ---- the place: outputs, area, label, cursor ---- */

static void update_label(struct mp_station *station) {
	if (station->label != NULL) {
		wlr_scene_node_destroy(station->label);
		station->label = NULL;
	}
	if (station->place.n_parts == 0) {
		return;
	}
	// On its first output, never across a bezel.
	struct wlr_box *area = &station->place.parts[0];
	int size = area->height / 10;
	size = size < 16 ? 16 : size > 160 ? 160 : size;
	station->label = text_node_create(station->server->text,
		&station->scene->node, station->name, size, 0xffe8eef4);
	if (station->label == NULL) {
		return;
	}
	wlr_scene_node_place_below(station->label, &station->views_tree->node);
	struct wlr_scene_buffer *label = (struct wlr_scene_buffer *)station->label;
	int width = label->buffer->width, height = label->buffer->height;
	if (width > area->width) {
		// Too long for a narrow station: scale it down to fit.
		height = height * area->width / width;
		width = area->width;
		wlr_scene_buffer_set_dest_size(label, width, height);
	}
	wlr_scene_node_set_position(station->label,
		area->x + (area->width - width) / 2,
		area->y + (area->height - height) / 2);
}

static void move_cursor_nodes(struct mp_station *station) {
	int x = (int)station->cursor_x, y = (int)station->cursor_y;
	if (station->cursor_node != NULL) {
		wlr_scene_node_set_position(station->cursor_node,
			x - station->server->cursor_hotspot_x,
			y - station->server->cursor_hotspot_y);
	}
	if (station->cursor_surface_node != NULL) {
		wlr_scene_node_set_position(station->cursor_surface_node,
			x - station->cursor_hotspot_x, y - station->cursor_hotspot_y);
	}
}

static void clamp_cursor(struct mp_station *station) {
	struct wlr_box *a = &station->place.area;
	if (a->width <= 0 || a->height <= 0) {
		return;
	}
	double max_x = a->x + a->width - 1, max_y = a->y + a->height - 1;
	station->cursor_x = station->cursor_x < a->x ? a->x :
		station->cursor_x > max_x ? max_x : station->cursor_x;
	station->cursor_y = station->cursor_y < a->y ? a->y :
		station->cursor_y > max_y ? max_y : station->cursor_y;
}

/* The one surface that alone covers the station's part, for direct
 * scanout: only an active station with nothing drawn over its window. */
static struct wlr_surface *scanout_surface(void *data, int *lx, int *ly) {
	struct mp_station *station = data;
	if (station->state != MP_STATION_ACTIVE || station->session == NULL ||
			!wl_list_empty(&station->overlays)) {
		return NULL;
	}
	if (station->cursor_tree->node.state.enabled &&
			wlr_box_contains_point(&station->place.area, station->cursor_x,
				station->cursor_y)) {
		return NULL; // the cursor is drawn over it
	}
	return session_scanout_surface(station->session, lx, ly);
}

static void add_part(struct mp_station *station, struct mp_output *output,
		enum mp_split split) {
	struct wlr_box box;
	output_get_box(output, &box);
	if (split != MP_SPLIT_NONE) {
		int left = box.width / 2;
		if (split == MP_SPLIT_LEFT) {
			box.width = left;
		} else {
			box.x += left;
			box.width -= left;
		}
	}
	size_t n = station->place.n_parts;
	struct mp_output_part **parts = realloc(station->parts,
		(n + 1) * sizeof(*parts));
	if (parts != NULL) {
		station->parts = parts;
	}
	struct wlr_box *boxes = realloc(station->place.parts,
		(n + 1) * sizeof(*boxes));
	if (boxes != NULL) {
		station->place.parts = boxes;
	}
	struct mp_output_part *part = parts && boxes ? output_part_create(output,
		station->scene, &box, scanout_surface, handle_part_committed,
		handle_part_presented, station) : NULL;
	if (part == NULL) {
		wlr_log(WLR_ERROR, "station %s: cannot use output %s (out of memory)",
			station->name, output->wlr_output->name);
		return;
	}
	station->parts[n] = part;
	station->place.parts[n] = box;
	station->place.n_parts = n + 1;
}

static void update_capabilities(struct mp_station *station) {
	uint32_t caps = (station->n_keyboards ? WL_SEAT_CAPABILITY_KEYBOARD : 0) |
		(station->n_pointers ? WL_SEAT_CAPABILITY_POINTER : 0);
	if (station->place.capabilities != caps) {
		station->place.capabilities = caps;
		if (station->session != NULL) {
			session_place_changed(station->session);
		}
	}
}

static bool has_part_on(struct mp_station *station,
		struct mp_output *output) {
	for (size_t i = 0; i < station->place.n_parts; i++) {
		if (station->parts[i]->output == output) {
			return true;
		}
	}
	return false;
}

void station_update_outputs(struct mp_station *station) {
	struct mp_server *server = station->server;
	struct wlr_box old_area = station->place.area;
	destroy_parts(station);

	// In the order of its layout, each output once.
	for (size_t i = 0; i < station->layout.n_outputs; i++) {
		struct mp_output *output;
		wl_list_for_each(output, &server->outputs, link) {
			if (output_is(output, station->layout.outputs[i]) &&
					!has_part_on(station, output)) {
				add_part(station, output, station->layout.split);
			}
		}
	}

	struct wlr_box area = { 0 };
	for (size_t i = 0; i < station->place.n_parts; i++) {
		struct wlr_box *b = &station->place.parts[i];
		if (i == 0) {
			area = *b;
			continue;
		}
		int x2 = area.x + area.width > b->x + b->width ?
			area.x + area.width : b->x + b->width;
		int y2 = area.y + area.height > b->y + b->height ?
			area.y + area.height : b->y + b->height;
		area.x = area.x < b->x ? area.x : b->x;
		area.y = area.y < b->y ? area.y : b->y;
		area.width = x2 - area.x;
		area.height = y2 - area.y;
	}
	station->place.area = area;
	// The output whose commit it awaited may be gone: the next commit of
	// any of its outputs is awaited.
	bool awaited_here = false;
	for (size_t i = 0; i < station->place.n_parts; i++) {
		awaited_here |= station->parts[i]->output != NULL &&
			station->parts[i]->output->wlr_output == station->shown.output;
	}
	if (!awaited_here) {
		station->shown.output = NULL;
	}

	bool moved = old_area.x != area.x || old_area.y != area.y ||
		old_area.width != area.width || old_area.height != area.height;
	if (moved && !wlr_box_empty(&area)) {
		if (wlr_box_empty(&old_area)) {
			station->cursor_x = area.x + area.width / 2.0;
			station->cursor_y = area.y + area.height / 2.0;
		} else {
			// The station moved in the layout: the cursor moves with it.
			station->cursor_x += area.x - old_area.x;
			station->cursor_y += area.y - old_area.y;
		}
		clamp_cursor(station);
		move_cursor_nodes(station);
		wlr_log(WLR_INFO, "station %s: area %dx%d at %d,%d on %zu output(s)",
			station->name, area.width, area.height, area.x, area.y,
			station->place.n_parts);
	}
	if (moved) {
		update_label(station);
		struct mp_overlay *overlay;
		wl_list_for_each(overlay, &station->overlays, link) {
			overlay->impl->relayout(overlay);
		}
		if (station->session != NULL) {
			session_place_changed(station->session);
		}
	}
	set_state(station, NULL, "its outputs changed");
}

/* ---- its session ---- */

static void reset_cursor(struct mp_station *station);
static void set_cursor_surface(struct mp_station *station,
	struct wlr_surface *surface, int hotspot_x, int hotspot_y);

static void handle_request_set_cursor(struct wl_listener *listener,
		void *data) {
	struct mp_station *station =
		wl_container_of(listener, station, request_set_cursor);
	struct wlr_seat_pointer_request_set_cursor_event *event = data;
	// Only the client the pointer is over may set its image.
	if (station->session == NULL || event->seat_client !=
			station->session->seat->pointer_state.focused_client) {
		return;
	}
	set_cursor_surface(station, event->surface, event->hotspot_x,
		event->hotspot_y);
}

static void forget_pressed_keys(struct mp_station *station) {
	struct mp_station_device *dev;
	wl_list_for_each(dev, &station->devices, link) {
		memset(dev->forwarded, 0, sizeof(dev->forwarded));
	}
}

static struct mp_station_device *first_keyboard(struct mp_station *station) {
	struct mp_station_device *dev;
	wl_list_for_each(dev, &station->devices, link) {
		if (dev->device->type == WLR_INPUT_DEVICE_KEYBOARD) {
			return dev;
		}
	}
	return NULL;
}

/* Its session is locked: the lock screen goes on top of the stack (a
 * menu closes). */
static void push_lock(struct mp_station *station) {
	station_close_menu(station);
	station->lock = greeter_create(station->server, &station->place,
		station->overlay_tree, MP_GREETER_LOCK, station->session->user,
		handle_overlay_intent, station);
	if (station->lock == NULL) {
		// The station still shows none of the session: its windows are
		// hidden in every state but active, and it is locked.
		wlr_log(WLR_ERROR, "station %s (session %u): cannot draw the lock "
			"screen; the background shows", station->name,
			station->session->id);
		return;
	}
	stack_push(station, &station->lock->base, MP_LAYER_SCREEN);
}

static void pop_lock(struct mp_station *station) {
	if (station->lock != NULL) {
		overlay_destroy(&station->lock->base);
		station->lock = NULL;
	}
}

void station_show_session(struct mp_station *station,
		struct mp_session *session) {
	assert(station->session == NULL && station->helper == NULL);
	if (station->greeter != NULL) {
		pop_greeter(station);
	}
	station->session = session;
	if (session->locked) {
		push_lock(station);
	}
	forget_pressed_keys(station);
	wl_list_remove(&station->request_set_cursor.link);
	station->request_set_cursor.notify = handle_request_set_cursor;
	wl_signal_add(&session->seat->events.request_set_cursor,
		&station->request_set_cursor);
	struct mp_station_device *kb = first_keyboard(station);
	session_set_keyboard(session, kb ? kb->device : NULL);
	char reason[64];
	snprintf(reason, sizeof(reason), "session %u shown", session->id);
	set_state(station, NULL, reason);
	session_focus(session);
	if (station->state == MP_STATION_ACTIVE) {
		// The window under the cursor gets the pointer at once.
		session_pointer_motion(session, 0, station->cursor_x,
			station->cursor_y);
	}
	// Its session changed even where its state did not (offline).
	server_changed(station->server);
}

void station_release_session(struct mp_station *station, const char *reason,
		const char *error) {
	struct mp_session *session = station->session;
	if (session == NULL) {
		return;
	}
	// Hidden in this same frame: the station no longer shows a single
	// pixel of the session once it is not its station.
	station->session = NULL;
	station_close_menu(station);
	pop_lock(station);
	forget_pressed_keys(station);
	wl_list_remove(&station->request_set_cursor.link);
	wl_list_init(&station->request_set_cursor.link);
	reset_cursor(station);
	push_greeter(station);
	if (error != NULL && station->greeter != NULL) {
		greeter_fail(station->greeter, error);
	}
	set_state(station, session, reason);
	server_changed(station->server);
}

void station_lock(struct mp_station *station, const char *reason) {
	if (!station_is_locked(station) || station->lock != NULL) {
		return;
	}
	push_lock(station);
	// No key pressed before stays down for the session (it lost its
	// focus), and no client's cursor image shows on the lock screen.
	forget_pressed_keys(station);
	reset_cursor(station);
	set_state(station, NULL, reason);
}

void station_unlock(struct mp_station *station, const char *reason) {
	if (station_is_locked(station)) {
		return;
	}
	pop_lock(station);
	forget_pressed_keys(station);
	set_state(station, NULL, reason);
	if (station->state == MP_STATION_ACTIVE) {
		session_pointer_motion(station->session, 0, station->cursor_x,
			station->cursor_y);
	}
}

static const char *const menu_items[] = {
	[MP_MENU_LOCK] = "Lock",
	[MP_MENU_DISCONNECT] = "Disconnect",
	[MP_MENU_LOGOFF] = "Log off",
	[MP_MENU_CANCEL] = "Cancel",
};

bool station_open_menu(struct mp_station *station) {
	if (station->state != MP_STATION_ACTIVE || station->menu != NULL) {
		return false;
	}
	char title[128];
	snprintf(title, sizeof(title), "%s at %s", station->session->user,
		station->name);
	station->menu = menu_create(station->server, &station->place,
		station->overlay_tree, title, menu_items,
		sizeof(menu_items) / sizeof(menu_items[0]), handle_overlay_intent,
		station);
	if (station->menu == NULL) {
		wlr_log(WLR_ERROR, "station %s: cannot draw the session menu",
			station->name);
		return false;
	}
	stack_push(station, &station->menu->base, MP_LAYER_MENU);
	// The session loses the pointer and keys while the menu is up.
	forget_pressed_keys(station);
	session_pointer_leave(station->session);
	reset_cursor(station);
	wlr_log(WLR_INFO, "station %s (session %u of %s): session menu open",
		station->name, station->session->id, station->session->user);
	server_changed(station->server);
	return true;
}

void station_close_menu(struct mp_station *station) {
	if (station->menu == NULL) {
		return;
	}
	overlay_destroy(&station->menu->base);
	station->menu = NULL;
	if (station->state == MP_STATION_ACTIVE && station->session != NULL) {
		session_pointer_motion(station->session, 0, station->cursor_x,
			station->cursor_y);
	}
	server_changed(station->server);
}

/* ---- notices ---- */

/* What a notice shows: title and text, or nothing (title NULL). */
struct notice_content {
	const char *title;
	const char *text;
	bool dismissible;
};

static void notice_content(struct mp_station *station,
		enum mp_station_notice which, struct notice_content *c,
		char *buf, size_t size) {
	struct mp_server *server = station->server;
	*c = (struct notice_content){ 0 };
	switch (which) {
	case MP_STATION_MAINTENANCE:
		// On greeters only: sessions go on as they were.
		if (server->maintenance.on && station->greeter != NULL &&
				!station_is_kiosk(station)) {
			c->title = "Sign-in is closed for maintenance";
			c->text = server->maintenance.message;
		}
		break;
	case MP_STATION_COUNTDOWN:
		if (station->session != NULL &&
				station->session->end_warning.deadline_ms != 0) {
			int64_t left = station->session->end_warning.deadline_ms -
				util_now_ms();
			long s = left <= 0 ? 0 : (long)((left + 999) / 1000);
			snprintf(buf, size, "Your session ends in %ld s", s);
			c->title = buf;
			c->text = "An administrator is ending it: save your work now.";
		}
		break;
	case MP_STATION_MESSAGE:
		if (station->message.on) {
			c->title = "Message"; // short: the text is what matters
			c->text = station->message.text;
			c->dismissible = true;
		}
		break;
	case MP_STATION_BLOCK:
		if (station->block.on) {
			c->title = "This station is blocked";
			const char *text = station->block.text ? station->block.text :
				"An administrator blocked it.";
			if (station->block.until != 0) {
				struct tm tm;
				char when[16] = "";
				if (localtime_r(&station->block.until, &tm) != NULL) {
					strftime(when, sizeof(when), "%H:%M", &tm);
				}
				snprintf(buf, size, "%s (until %s)", text, when);
				text = buf;
			}
			c->text = text;
		}
		break;
	case MP_STATION_IDENTIFY:
		if (server->identify) {
			c->title = station->name;
			c->text = station_key_name(station, buf);
		}
		break;
	case MP_STATION_PAIRING:
		if (station_shows_key(station)) {
			char key[8];
			station_key_name(station, key);
			if (key[0] == '\0') {
				break; // past F24: such a station is paired by mpmgr
			}
			c->title = station_key_name(station, buf);
			if (server->pairing_note.text != NULL) {
				c->text = server->pairing_note.text;
			} else if (!station_has_keyboard(station)) {
				snprintf(buf + 8, size - 8, "No keyboard: press %s on a "
					"keyboard to use this station", key);
				c->text = buf + 8;
			} else {
				snprintf(buf + 8, size - 8, "Pairing: press %s on the "
					"keyboard of this station", key);
				c->text = buf + 8;
			}
		}
		break;
	case MP_STATION_NOTICES:
		break;
	}
}

static enum mp_notice_kind notice_kind(enum mp_station_notice which) {
	return which == MP_STATION_BLOCK ? MP_NOTICE_BLOCK :
		which == MP_STATION_IDENTIFY || which == MP_STATION_PAIRING ?
		MP_NOTICE_IDENTIFY : MP_NOTICE_BANNER;
}

static enum mp_overlay_layer notice_layer(enum mp_station_notice which) {
	return which == MP_STATION_BLOCK ? MP_LAYER_BLOCK :
		which == MP_STATION_IDENTIFY || which == MP_STATION_PAIRING ?
		MP_LAYER_IDENTIFY : MP_LAYER_BANNER;
}

static void drop_notice(struct mp_station *station,
		enum mp_station_notice which) {
	if (station->notices[which] != NULL) {
		overlay_destroy(&station->notices[which]->base);
		station->notices[which] = NULL;
	}
}

/* The notices shown match the data: banners stacked in rows from the
 * top, in the order of mp_station_notice. */
static void sync_notices(struct mp_station *station) {
	if (station->dying) {
		return;
	}
	bool was_blocked = station->notices[MP_STATION_BLOCK] != NULL;
	int row = 0;
	for (int i = 0; i < MP_STATION_NOTICES; i++) {
		char buf[600];
		struct notice_content c;
		notice_content(station, i, &c, buf, sizeof(buf));
		struct mp_notice *notice = station->notices[i];
		if (c.title == NULL) {
			drop_notice(station, i);
			continue;
		}
		bool banner = notice_kind(i) == MP_NOTICE_BANNER;
		int want_row = banner ? row++ : 0;
		if (notice != NULL && notice->row == want_row) {
			notice_set_text(notice, c.title, c.text ? c.text : "");
			continue;
		}
		drop_notice(station, i);
		notice = notice_create(station->server, &station->place,
			station->overlay_tree, notice_kind(i), c.title, c.text,
			c.dismissible, want_row, handle_overlay_intent, station);
		if (notice == NULL) {
			wlr_log(WLR_ERROR, "station %s: cannot draw a notice",
				station->name);
			continue;
		}
		station->notices[i] = notice;
		stack_push(station, &notice->base, notice_layer(i));
	}
	if (!was_blocked && station->notices[MP_STATION_BLOCK] != NULL) {
		// Nothing under the block takes input: the menu closes and
		// the client's cursor image goes.
		station_close_menu(station);
		reset_cursor(station);
	}
}

void station_update_notices(struct mp_station *station) {
	set_state(station, NULL, station->block.on ? "blocked by an admin" :
		"its notices changed");
	server_changed(station->server);
}

const char *station_key_name(struct mp_station *station, char buf[8]) {
	int index = 1;
	struct mp_station *other;
	wl_list_for_each(other, &station->server->stations, link) {
		if (other == station) {
			break;
		}
		index++;
	}
	if (index > 24) {
		buf[0] = '\0';
	} else {
		snprintf(buf, 8, "F%d", index);
	}
	return buf;
}

bool station_rename(struct mp_station *station, const char *name) {
	char *copy = strdup(name);
	if (copy == NULL) {
		return false;
	}
	wlr_log(WLR_INFO, "station %s: renamed %s", station->name, copy);
	free(station->name);
	station->name = copy;
	station->place.name = copy;
	update_label(station);
	struct mp_overlay *overlay;
	wl_list_for_each(overlay, &station->overlays, link) {
		overlay->impl->relayout(overlay);
	}
	sync_notices(station);
	server_changed(station->server);
	return true;
}

/* ---- sign-in ---- */

static void handle_helper_prompt(void *data, const char *text, bool echo) {
	struct mp_station *station = data;
	if (station->greeter == NULL || station_is_kiosk(station)) {
		helper_answer(station->helper, ""); // nobody to ask
		return;
	}
	greeter_show_prompt(station->greeter, text, echo);
}

static void handle_helper_message(void *data, const char *text, bool error) {
	struct mp_station *station = data;
	wlr_log(WLR_INFO, "station %s: PAM says: %s", station->name, text);
	if (station->greeter != NULL) {
		greeter_add_message(station->greeter, text, error);
	}
}

static void handle_helper_authenticated(void *data,
		const struct mp_helper_identity *id) {
	struct mp_station *station = data;
	wlr_log(WLR_INFO, "station %s: %s signed in (uid %u)", station->name,
		id->user, (unsigned)id->uid);
	station->server->station_handler->signed_in(station, id);
}

static void handle_helper_failed(void *data, const char *reason) {
	struct mp_station *station = data;
	wlr_log(WLR_INFO, "station %s: sign-in failed: %s", station->name,
		reason);
	helper_destroy(station_take_helper(station));
	if (station->greeter != NULL) {
		greeter_fail(station->greeter, reason);
	}
	station->server->station_handler->signin_failed(station, reason);
	server_changed(station->server);
}

static void handle_helper_started(void *data, pid_t pid) {
	// Only a session's helper starts anything.
}

static void handle_helper_ended(void *data, int status) {
	handle_helper_failed(data, "The sign-in helper stopped unexpectedly");
}

static const struct mp_helper_listener helper_listener = {
	.prompt = handle_helper_prompt,
	.message = handle_helper_message,
	.authenticated = handle_helper_authenticated,
	.failed = handle_helper_failed,
	.started = handle_helper_started,
	.ended = handle_helper_ended,
};

bool station_begin_signin(struct mp_station *station, const char *user,
		const char *secret, bool autologin) {
	station_signin_cancel(station);
	station->helper = helper_spawn(station->server, user, secret, autologin,
		&helper_listener, station);
	if (station->helper == NULL) {
		if (station->greeter != NULL) {
			greeter_fail(station->greeter, "Cannot start the sign-in helper");
		}
		return false;
	}
	if (station->greeter != NULL) {
		greeter_set_busy(station->greeter, true);
	}
	wlr_log(WLR_INFO, "station %s: sign-in of %s started (helper pid %d)",
		station->name, user, (int)station->helper->pid);
	server_changed(station->server);
	return true;
}

void station_signin_answer(struct mp_station *station, const char *text) {
	if (station->helper != NULL) {
		helper_answer(station->helper, text);
	}
}

void station_signin_cancel(struct mp_station *station) {
	if (station->helper == NULL) {
		return;
	}
	wlr_log(WLR_INFO, "station %s: sign-in of %s cancelled", station->name,
		station->helper->user);
	helper_destroy(station_take_helper(station));
	if (station->greeter != NULL) {
		greeter_set_busy(station->greeter, false);
	}
	server_changed(station->server);
}

struct mp_helper *station_take_helper(struct mp_station *station) {
	struct mp_helper *helper = station->helper;
	station->helper = NULL;
	station->awaited = NULL;
	return helper;
}

void station_signin_wait(struct mp_station *station,
		struct mp_session *session, const char *status) {
	station->awaited = session;
	if (station->greeter != NULL) {
		greeter_set_status(station->greeter, status);
	}
	server_changed(station->server);
}

void station_show_error(struct mp_station *station, const char *text) {
	if (screen(station) != NULL) {
		greeter_fail(screen(station), text);
	}
}

void station_set_status(struct mp_station *station, const char *text) {
	if (screen(station) != NULL) {
		greeter_set_status(screen(station), text);
	}
}

void station_show_prompt(struct mp_station *station, const char *text,
		bool echo) {
	if (screen(station) != NULL) {
		greeter_show_prompt(screen(station), text, echo);
	}
}

void station_add_message(struct mp_station *station, const char *text,
		bool error) {
	if (screen(station) != NULL) {
		greeter_add_message(screen(station), text, error);
	}
}

void station_set_busy(struct mp_station *station, bool busy) {
	if (screen(station) != NULL) {
		greeter_set_busy(screen(station), busy);
	}
}

/* ---- devices ---- */

static struct mp_station_device *find_device(struct mp_station *station,
		struct wlr_input_device *device) {
	struct mp_station_device *dev;
	wl_list_for_each(dev, &station->devices, link) {
		if (dev->device == device) {
			return dev;
		}
	}
	return NULL;
}

void station_add_device(struct mp_station *station,
		struct wlr_input_device *device, const char *name) {
	struct mp_station_device *dev = calloc(1, sizeof(*dev));
	if (dev == NULL || (dev->name = strdup(name)) == NULL) {
		free(dev);
		wlr_log(WLR_ERROR, "station %s: cannot add device %s (out of "
			"memory)", station->name, name);
		return;
	}
	dev->device = device;
	wl_list_insert(station->devices.prev, &dev->link);
	if (device->type == WLR_INPUT_DEVICE_KEYBOARD) {
		station->n_keyboards++;
		station->keyboard_gone = false;
		wlr_keyboard_set_keymap(device->keyboard, station->keymap);
		if (station->session != NULL &&
				wlr_seat_get_keyboard(station->session->seat) == NULL) {
			session_set_keyboard(station->session, device);
		}
	} else if (device->type == WLR_INPUT_DEVICE_POINTER) {
		station->n_pointers++;
		wlr_scene_node_set_enabled(&station->cursor_tree->node, true);
	}
	update_capabilities(station);
	wlr_log(WLR_INFO, "station %s: device %s added", station->name, name);
	set_state(station, NULL, "a keyboard came");
	server_changed(station->server);
}

void station_remove_device(struct mp_station *station,
		struct wlr_input_device *device) {
	struct mp_station_device *dev = find_device(station, device);
	if (dev == NULL) {
		return;
	}
	wl_list_remove(&dev->link);
	if (device->type == WLR_INPUT_DEVICE_KEYBOARD) {
		station->n_keyboards--;
		station->keyboard_gone = station->n_keyboards == 0;
		struct mp_session *session = station->session;
		if (session != NULL &&
				wlr_seat_get_keyboard(session->seat) == device->keyboard) {
			// The seat gets another keyboard of the station, if any.
			struct mp_station_device *kb = first_keyboard(station);
			session_set_keyboard(session, kb ? kb->device : NULL);
		}
	} else if (device->type == WLR_INPUT_DEVICE_POINTER) {
		station->n_pointers--;
		if (station->n_pointers == 0) {
			wlr_scene_node_set_enabled(&station->cursor_tree->node, false);
		}
	}
	update_capabilities(station);
	wlr_log(WLR_INFO, "station %s: device %s removed", station->name,
		dev->name);
	free(dev->name);
	free(dev);
	set_state(station, NULL, "its last keyboard went away");
	server_changed(station->server);
}

/* Whether the key pressed is the shortcut of mods and sym (none: 0). */
static bool is_chord(struct wlr_keyboard *kb, xkb_keysym_t sym,
		uint32_t want_mods, uint32_t want_sym) {
	if (want_sym == XKB_KEY_NoSymbol) {
		return false;
	}
	uint32_t mods = wlr_keyboard_get_modifiers(kb) & (WLR_MODIFIER_SHIFT |
		WLR_MODIFIER_CTRL | WLR_MODIFIER_ALT | WLR_MODIFIER_LOGO);
	return mods == want_mods &&
		xkb_keysym_to_lower(sym) == xkb_keysym_to_lower(want_sym);
}

static bool take_forwarded(struct mp_station_device *dev, uint32_t keycode) {
	if (keycode >= KEY_CNT) {
		return false;
	}
	uint64_t bit = UINT64_C(1) << (keycode % 64);
	bool was = dev->forwarded[keycode / 64] & bit;
	dev->forwarded[keycode / 64] &= ~bit;
	return was;
}

static void note_forwarded(struct mp_station_device *dev, uint32_t keycode) {
	if (keycode < KEY_CNT) {
		dev->forwarded[keycode / 64] |= UINT64_C(1) << (keycode % 64);
	}
}

/* Every key of the station comes here: compositor keys first (their press
 * and release are never seen by a client), then the top overlay, then the
 * session. A release goes where its press went: to the session only when
 * the press did. */
void station_key(struct mp_station *station, struct wlr_input_device *device,
		uint32_t time_msec, uint32_t keycode, uint32_t state) {
	struct mp_station_device *dev = find_device(station, device);
	if (dev == NULL) {
		return;
	}
	note_input(station);
	struct mp_session *session = station->session;
	bool active = station->state == MP_STATION_ACTIVE && session != NULL;
	if (state != WL_KEYBOARD_KEY_STATE_PRESSED) {
		if (take_forwarded(dev, keycode) && active) {
			session_key(session, device, time_msec, keycode, state);
		}
		return;
	}
	struct wlr_keyboard *kb = device->keyboard;
	xkb_keysym_t sym = kb->xkb_state ?
		xkb_state_key_get_one_sym(kb->xkb_state, keycode + 8) :
		XKB_KEY_NoSymbol;

	const struct mp_config *config = station->server->config;
	if (is_chord(kb, sym, config->secure_mods, config->secure_sym)) {
		// The secure key is always ours, in every state: the actions
		// layer decides what it does here (the session menu, or nothing).
		struct mp_intent intent = { .type = MP_INTENT_SECURE_KEY };
		station->server->station_handler->intent(station, &intent);
		return;
	}
	if (sym >= XKB_KEY_XF86Switch_VT_1 && sym <= XKB_KEY_XF86Switch_VT_12) {
		// Never a client's: the machine's other terminals are for the
		// administrator, and only when the configuration allows it.
		struct wlr_session *session = config->allow_vt_switch ?
			wlr_backend_get_session(station->server->backend) : NULL;
		if (session != NULL) {
			unsigned vt = sym - XKB_KEY_XF86Switch_VT_1 + 1;
			wlr_log(WLR_INFO, "station %s: switching to virtual terminal %u",
				station->name, vt);
			wlr_session_change_vt(session, vt);
		}
		return;
	}
	if (active && !station_is_kiosk(station) &&
			is_chord(kb, sym, config->logoff_mods, config->logoff_sym)) {
		struct mp_intent intent = { .type = MP_INTENT_LOGOFF };
		station->server->station_handler->intent(station, &intent);
		return;
	}
	// The overlays, top first, until one takes the key or is modal.
	char utf8[16] = "";
	if (kb->xkb_state != NULL) {
		xkb_state_key_get_utf8(kb->xkb_state, keycode + 8, utf8,
			sizeof(utf8));
	}
	struct mp_overlay *overlay, *otmp;
	wl_list_for_each_reverse_safe(overlay, otmp, &station->overlays, link) {
		bool modal = overlay->modal;
		// The overlay may be gone once it took the key.
		if (overlay->impl->key(overlay, sym, utf8,
				wlr_keyboard_get_modifiers(kb)) || modal) {
			return;
		}
	}
	if (active) {
		note_forwarded(dev, keycode);
		session_key(session, device, time_msec, keycode, state);
	}
}

void station_modifiers(struct mp_station *station,
		struct wlr_input_device *device) {
	if (station->state == MP_STATION_ACTIVE && station->session != NULL &&
			!has_modal(station)) {
		session_modifiers(station->session, device);
	}
}

/* ---- pointer ---- */

static void handle_cursor_surface_destroy(struct wl_listener *listener,
		void *data) {
	struct mp_station *station =
		wl_container_of(listener, station, cursor_surface_destroy);
	wl_list_remove(&station->cursor_surface_destroy.link);
	wl_list_init(&station->cursor_surface_destroy.link);
	station->cursor_surface_node = NULL;
}

static void clear_cursor_surface(struct mp_station *station) {
	if (station->cursor_surface_node != NULL) {
		wl_list_remove(&station->cursor_surface_destroy.link);
		wl_list_init(&station->cursor_surface_destroy.link);
		wlr_scene_node_destroy(station->cursor_surface_node);
		station->cursor_surface_node = NULL;
	}
}

/* The default image again, instead of a client's. */
static void reset_cursor(struct mp_station *station) {
	clear_cursor_surface(station);
	if (station->cursor_node != NULL) {
		wlr_scene_node_set_enabled(station->cursor_node, true);
	}
}

static void set_cursor_surface(struct mp_station *station,
		struct wlr_surface *surface, int hotspot_x, int hotspot_y) {
	clear_cursor_surface(station);
	if (station->cursor_node != NULL) {
		wlr_scene_node_set_enabled(station->cursor_node, false);
	}
	if (surface == NULL) {
		return; // the client hides the cursor
	}
	struct wlr_scene_surface *node =
		wlr_scene_surface_create(&station->cursor_tree->node, surface);
	if (node == NULL) {
		return;
	}
	station->cursor_surface_node = &node->node;
	station->cursor_hotspot_x = hotspot_x;
	station->cursor_hotspot_y = hotspot_y;
	station->cursor_surface_destroy.notify = handle_cursor_surface_destroy;
	wl_list_remove(&station->cursor_surface_destroy.link);
	wl_signal_add(&node->node.events.destroy,
		&station->cursor_surface_destroy);
	move_cursor_nodes(station);
}

/* The session that pointer events go to: an active station's, unless a
 * modal overlay is on top. */
static struct mp_session *pointer_session(struct mp_station *station) {
	if (station->state != MP_STATION_ACTIVE || has_modal(station)) {
		return NULL;
	}
	return station->session;
}

void station_pointer_warp(struct mp_station *station, uint32_t time_msec,
		double lx, double ly) {
	note_input(station);
	station->cursor_x = lx;
	station->cursor_y = ly;
	clamp_cursor(station);
	move_cursor_nodes(station);
	// The overlays, top first, down to the first modal one.
	struct mp_overlay *overlay;
	wl_list_for_each_reverse(overlay, &station->overlays, link) {
		if (overlay->impl->motion != NULL) {
			overlay->impl->motion(overlay,
				(int)station->cursor_x - station->place.area.x,
				(int)station->cursor_y - station->place.area.y);
		}
		if (overlay->modal) {
			break;
		}
	}
	struct mp_session *session = pointer_session(station);
	if (session != NULL && !session_pointer_motion(session, time_msec,
			station->cursor_x, station->cursor_y)) {
		reset_cursor(station); // over no window: our own image
	}
}

void station_pointer_motion(struct mp_station *station, uint32_t time_msec,
		double dx, double dy) {
	station_pointer_warp(station, time_msec, station->cursor_x + dx,
		station->cursor_y + dy);
}

void station_pointer_button(struct mp_station *station, uint32_t time_msec,
		uint32_t button, uint32_t state) {
	note_input(station);
	struct mp_overlay *overlay, *otmp;
	wl_list_for_each_reverse_safe(overlay, otmp, &station->overlays, link) {
		bool modal = overlay->modal;
		// The overlay may be gone once it took the button.
		if (overlay->impl->button(overlay,
				(int)station->cursor_x - station->place.area.x,
				(int)station->cursor_y - station->place.area.y, button,
				state == WLR_BUTTON_PRESSED) || modal) {
			return;
		}
	}
	struct mp_session *session = pointer_session(station);
	if (session != NULL) {
		session_pointer_button(session, time_msec, station->cursor_x,
			station->cursor_y, button, state);
	}
}

void station_pointer_axis(struct mp_station *station, uint32_t time_msec,
		enum wlr_axis_orientation orientation, double delta,
		int32_t delta_discrete, enum wlr_axis_source source) {
	note_input(station);
	struct mp_session *session = pointer_session(station);
	if (session != NULL) {
		session_pointer_axis(session, time_msec, orientation, delta,
			delta_discrete, source);
	}
}

void station_pointer_frame(struct mp_station *station) {
	struct mp_session *session = pointer_session(station);
	if (session != NULL) {
		session_pointer_frame(session);
	}
}

/* ---- what it shows ---- */

size_t station_count_views(struct mp_station *station) {
	if (station->session == NULL || station->state != MP_STATION_ACTIVE) {
		return 0;
	}
	return session_count_views(station->session);
}

bool station_read_pixels(struct mp_station *station, uint32_t *pixels) {
	struct wlr_box *area = &station->place.area;
	bool ok = station->place.n_parts > 0;
	for (size_t i = 0; ok && i < station->place.n_parts; i++) {
		struct wlr_box *box = &station->place.parts[i];
		uint32_t *tmp = calloc((size_t)box->width * box->height, 4);
		ok = tmp && output_part_read_pixels(station->parts[i], tmp);
		for (int y = 0; ok && y < box->height; y++) {
			memcpy(pixels + (size_t)(box->y - area->y + y) * area->width +
				(box->x - area->x), tmp + (size_t)y * box->width,
				(size_t)box->width * 4);
		}
		free(tmp);
	}
	return ok;
}

struct json_object *station_describe(struct mp_station *station) {
	struct json_object *s = json_object_new_object();
	json_object_object_add(s, "name", json_object_new_string(station->name));
	json_object_object_add(s, "state",
		json_object_new_string(station_state_name(station->state)));
	json_object_object_add(s, "role", json_object_new_string(
		station_is_kiosk(station) ? "kiosk" : "desktop"));
	struct wlr_box *a = &station->place.area;
	json_object_object_add(s, "area",
		describe_box(a->x, a->y, a->width, a->height));
	struct json_object *outputs = json_object_new_array();
	for (size_t i = 0; i < station->place.n_parts; i++) {
		struct mp_output *output = station->parts[i]->output;
		if (output != NULL) {
			json_object_array_add(outputs,
				json_object_new_string(output->wlr_output->name));
		}
	}
	json_object_object_add(s, "outputs", outputs);
	struct json_object *devices = json_object_new_array();
	struct mp_station_device *dev;
	wl_list_for_each(dev, &station->devices, link) {
		json_object_array_add(devices, json_object_new_string(dev->name));
	}
	json_object_object_add(s, "devices", devices);
	struct json_object *hardware = json_object_new_object();
	json_object_object_add(hardware, "keyboards",
		json_object_new_int((int)station->n_keyboards));
	json_object_object_add(hardware, "pointers",
		json_object_new_int((int)station->n_pointers));
	json_object_object_add(hardware, "outputs",
		json_object_new_int((int)station->place.n_parts));
	json_object_object_add(s, "hardware", hardware);
	char key[8];
	json_object_object_add(s, "key",
		json_object_new_string(station_key_name(station, key)));
	json_object_object_add(s, "pairing",
		json_object_new_boolean(station_shows_key(station)));
	struct json_object *layout = json_object_new_object();
	struct json_object *entries = json_object_new_array();
	for (size_t i = 0; i < station->layout.n_outputs; i++) {
		json_object_array_add(entries,
			json_object_new_string(station->layout.outputs[i]));
	}
	json_object_object_add(layout, "outputs", entries);
	json_object_object_add(layout, "split", json_object_new_string(
		config_split_name(station->layout.split)));
	json_object_object_add(s, "layout", layout);
	struct json_object *cursor = json_object_new_object();
	json_object_object_add(cursor, "x",
		json_object_new_int((int)station->cursor_x));
	json_object_object_add(cursor, "y",
		json_object_new_int((int)station->cursor_y));
	json_object_object_add(s, "cursor", cursor);
	json_object_object_add(s, "views",
		json_object_new_int((int)station_count_views(station)));
	json_object_object_add(s, "session", station->session ?
		json_object_new_int64(station->session->id) : NULL);
	struct json_object *signin = helper_describe(station->helper);
	if (signin != NULL) {
		json_object_object_add(signin, "user",
			json_object_new_string(station->helper->user));
		json_object_object_add(signin, "waiting_for", station->awaited ?
			json_object_new_int64(station->awaited->id) : NULL);
	}
	json_object_object_add(s, "signin", signin);
	struct json_object *kiosk = NULL;
	if (station_is_kiosk(station)) {
		kiosk = json_object_new_object();
		json_object_object_add(kiosk, "restart_delay_ms",
			json_object_new_int(station->kiosk.delay_ms));
		json_object_object_add(kiosk, "restarting",
			json_object_new_boolean(station->kiosk.restart_timer != NULL));
	}
	json_object_object_add(s, "kiosk", kiosk);
	struct json_object *overlays = json_object_new_array();
	struct mp_overlay *overlay;
	wl_list_for_each(overlay, &station->overlays, link) {
		json_object_array_add(overlays, overlay->impl->describe(overlay));
	}
	json_object_object_add(s, "overlays", overlays);
	struct json_object *shown = json_object_new_object();
	json_object_object_add(shown, "state",
		json_object_new_string(station_state_name(station->state)));
	json_object_object_add(shown, "since_ns",
		json_object_new_int64(station->shown.since_ns));
	json_object_object_add(shown, "presented_ns",
		station->shown.presented_ns != 0 ?
		json_object_new_int64(station->shown.presented_ns) : NULL);
	json_object_object_add(s, "shown", shown);
	return s;
}
