#include <assert.h>
#include <json-c/json.h>
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/util/log.h>
#include "input.h"
#include "output.h"
#include "overlay/greeter.h"
#include "overlay/text.h"
#include "server.h"
#include "session.h"
#include "signin.h"
#include "station.h"
#include "describe.h"
#include "view.h"

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

/* The one place where a station changes state. Returns whether it did
 * (and so drew its greeter for the new state). */
bool station_set_state(struct mp_station *station,
		enum mp_station_state state) {
	if (station->state == state) {
		return false;
	}
	wlr_log(WLR_INFO, "station %s: %s -> %s (session %u)", station->name,
		station_state_name(station->state), station_state_name(state),
		station->session ? station->session->id : 0);
	station->state = state;
	// Only an active station shows its session's windows; a free one shows
	// its greeter, in the same frame.
	wlr_scene_node_set_enabled(&station->views_tree->node,
		state == MP_STATION_ACTIVE);
	greeter_update(station->greeter);
	server_state_changed(station->server);
	return true;
}

/* The state a station with outputs has, given its session. */
static enum mp_station_state settled_state(struct mp_station *station) {
	if (station->n_parts == 0) {
		return MP_STATION_OFFLINE;
	}
	return station->session ? MP_STATION_ACTIVE : MP_STATION_LOGIN;
}

static struct xkb_keymap *compile_keymap(const struct mp_station_config *sc) {
	struct xkb_context *context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (context == NULL) {
		return NULL;
	}
	struct xkb_rule_names names = { 0 };
	if (sc != NULL) {
		names.rules = sc->xkb_rules;
		names.model = sc->xkb_model;
		names.layout = sc->xkb_layout;
		names.variant = sc->xkb_variant;
		names.options = sc->xkb_options;
	}
	struct xkb_keymap *keymap = xkb_keymap_new_from_names(context, &names,
		XKB_KEYMAP_COMPILE_NO_FLAGS);
	xkb_context_unref(context);
	return keymap;
}

struct mp_station *station_create(struct mp_server *server,
		const char *name, const struct mp_station_config *config) {
	struct mp_station *station = calloc(1, sizeof(*station));
	if (station == NULL) {
		return NULL;
	}
	station->server = server;
	station->name = strdup(name);
	station->config = config;
	station->state = MP_STATION_OFFLINE;
	station->keymap = compile_keymap(config);
	if (station->keymap == NULL) {
		wlr_log(WLR_ERROR, "station %s: cannot compile its keymap, using "
			"the default one", name);
		station->keymap = compile_keymap(NULL);
	}

	station->scene = wlr_scene_create();
	station->views_tree = wlr_scene_tree_create(&station->scene->node);
	wlr_scene_node_set_enabled(&station->views_tree->node, false);
	station->overlay_tree = wlr_scene_tree_create(&station->scene->node);
	station->greeter = greeter_create(station);
	if (station->greeter != NULL && station_is_kiosk(station)) {
		station->greeter->locked_user = true;
	}
	station->cursor_tree = wlr_scene_tree_create(&station->scene->node);
	if (server->cursor_buffer != NULL) {
		struct wlr_scene_buffer *cursor = wlr_scene_buffer_create(
			&station->cursor_tree->node, server->cursor_buffer);
		station->cursor_node = &cursor->node;
	}
	wl_list_init(&station->cursor_surface_destroy.link);
	wlr_scene_node_set_enabled(&station->cursor_tree->node, false);

	wl_list_insert(server->stations.prev, &station->link);
	wlr_log(WLR_INFO, "station %s: created", name);
	return station;
}

static void destroy_parts(struct mp_station *station) {
	for (size_t i = 0; i < station->n_parts; i++) {
		wlr_scene_output_destroy(station->parts[i].scene_output);
	}
	free(station->parts);
	station->parts = NULL;
	station->n_parts = 0;
}

void station_destroy(struct mp_station *station) {
	if (station == NULL) {
		return;
	}
	wlr_log(WLR_INFO, "station %s: destroyed", station->name);
	if (station->session != NULL) {
		station_detach_session(station);
	}
	signin_cancel(station->signin);
	if (station->restart_timer != NULL) {
		wl_event_source_remove(station->restart_timer);
	}
	struct mp_session *session;
	wl_list_for_each(session, &station->server->sessions, link) {
		if (session->last_station == station) {
			session->last_station = NULL;
		}
	}
	greeter_destroy(station->greeter);
	struct mp_input *input;
	wl_list_for_each(input, &station->server->inputs, link) {
		if (input->station == station) {
			input->station = NULL;
		}
	}
	wl_list_remove(&station->cursor_surface_destroy.link);
	destroy_parts(station);
	wlr_scene_node_destroy(&station->scene->node);
	xkb_keymap_unref(station->keymap);
	wl_list_remove(&station->link);
	free(station->auto_output);
	free(station->name);
	free(station);
}

bool station_wants_output(struct mp_station *station, const char *name,
		enum mp_split *split) {
	if (station->config == NULL) {
		*split = MP_SPLIT_NONE;
		return station->auto_output != NULL &&
			strcmp(station->auto_output, name) == 0;
	}
	for (size_t i = 0; i < station->config->n_outputs; i++) {
		if (strcmp(station->config->outputs[i], name) == 0) {
			*split = station->config->split;
			return true;
		}
	}
	return false;
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
	struct mp_station_part *parts = realloc(station->parts,
		(station->n_parts + 1) * sizeof(*parts));
	if (parts == NULL) {
		return;
	}
	station->parts = parts;
	struct mp_station_part *part = &parts[station->n_parts++];
	part->output = output;
	part->split = split;
	part->box = box;
	part->scene_output = wlr_scene_output_create(station->scene,
		output->wlr_output);
	wlr_scene_output_set_position(part->scene_output, output->lx, output->ly);
}

static void update_label(struct mp_station *station) {
	if (station->label != NULL) {
		wlr_scene_node_destroy(station->label);
		station->label = NULL;
	}
	if (station->n_parts == 0) {
		return;
	}
	int size = station->area.height / 10;
	size = size < 16 ? 16 : size > 160 ? 160 : size;
	station->label = text_node_create(station->server->text,
		&station->scene->node, station->name, size, 0xffe8eef4);
	if (station->label == NULL) {
		return;
	}
	wlr_scene_node_place_below(station->label, &station->views_tree->node);
	struct wlr_scene_buffer *label = (struct wlr_scene_buffer *)station->label;
	int width = label->buffer->width, height = label->buffer->height;
	if (width > station->area.width) {
		// Too long for a narrow station: scale it down to fit.
		height = height * station->area.width / width;
		width = station->area.width;
		wlr_scene_buffer_set_dest_size(label, width, height);
	}
	wlr_scene_node_set_position(station->label,
		station->area.x + (station->area.width - width) / 2,
		station->area.y + (station->area.height - height) / 2);
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
	struct wlr_box *a = &station->area;
	if (a->width <= 0 || a->height <= 0) {
		return;
	}
	double max_x = a->x + a->width - 1, max_y = a->y + a->height - 1;
	station->cursor_x = station->cursor_x < a->x ? a->x :
		station->cursor_x > max_x ? max_x : station->cursor_x;
	station->cursor_y = station->cursor_y < a->y ? a->y :
		station->cursor_y > max_y ? max_y : station->cursor_y;
}

void station_update_area(struct mp_station *station) {
	struct mp_server *server = station->server;
	struct wlr_box old_area = station->area;
	destroy_parts(station);

	if (station->config != NULL) {
		for (size_t i = 0; i < station->config->n_outputs; i++) {
			struct mp_output *output =
				server_output_by_name(server, station->config->outputs[i]);
			if (output != NULL) {
				add_part(station, output, station->config->split);
			}
		}
	} else if (station->auto_output != NULL) {
		struct mp_output *output =
			server_output_by_name(server, station->auto_output);
		if (output != NULL) {
			add_part(station, output, MP_SPLIT_NONE);
		}
	}

	struct wlr_box area = { 0 };
	for (size_t i = 0; i < station->n_parts; i++) {
		struct wlr_box *b = &station->parts[i].box;
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
	station->area = area;

	bool moved = !wlr_box_empty(&area) &&
		(old_area.x != area.x || old_area.y != area.y ||
		old_area.width != area.width || old_area.height != area.height);
	if (moved) {
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
		update_label(station);
		wlr_log(WLR_INFO, "station %s: area %dx%d at %d,%d on %zu output(s)",
			station->name, area.width, area.height, area.x, area.y,
			station->n_parts);
	} else if (station->n_parts == 0) {
		update_label(station);
	}

	if (station->session != NULL && moved) {
		session_update_outputs(station->session);
		struct mp_view *view;
		wl_list_for_each(view, &station->session->views, link) {
			view_update_placement(view);
		}
	}
	// A new state draws the greeter; a new area alone must too.
	if (!station_set_state(station, settled_state(station)) && moved) {
		greeter_update(station->greeter);
	}
}

void station_attach_session(struct mp_station *station,
		struct mp_session *session) {
	assert(station->session == NULL);
	signin_cancel(station->signin);
	station->session = session;
	session->station = station;
	station->session_started_at = time(NULL);
	session_set_state(session, MP_SESSION_ATTACHED);
	session_update_outputs(session);
	session_update_capabilities(session);
	struct mp_input *input;
	wl_list_for_each(input, &station->server->inputs, link) {
		if (input->station == station && input_is_keyboard(input)) {
			wlr_seat_set_keyboard(session->seat, input->device);
			break;
		}
	}
	struct mp_view *view;
	wl_list_for_each(view, &session->views, link) {
		view_update_placement(view);
	}
	station_set_state(station, settled_state(station));
	station_focus_top(station);
}

void station_detach_session(struct mp_station *station) {
	struct mp_session *session = station->session;
	if (session == NULL) {
		return;
	}
	// Hide first: the station must not show the session's windows for a
	// single frame once it is no longer its station. Its greeter shows
	// nothing of the last user.
	station->session = NULL;
	if (station->greeter != NULL && !station_is_kiosk(station)) {
		greeter_clear(station->greeter);
	}
	station_set_state(station, settled_state(station));
	wlr_seat_pointer_clear_focus(session->seat);
	wlr_seat_keyboard_clear_focus(session->seat);
	session->station = NULL;
	if (session->state != MP_SESSION_ENDING) {
		session_set_state(session, MP_SESSION_PARKED);
	}
	// Its outputs stay (resized where it attaches next), its devices go.
	session_update_capabilities(session);
	struct mp_view *view;
	wl_list_for_each(view, &session->views, link) {
		view_update_placement(view);
	}
	station_reset_cursor(station);
}

bool station_is_kiosk(struct mp_station *station) {
	return station->config != NULL && station->config->role == MP_ROLE_KIOSK;
}

void station_autologin(struct mp_station *station) {
	if (station->config == NULL || station->config->autologin == NULL ||
			station->session != NULL) {
		return;
	}
	if (station->greeter != NULL && station_is_kiosk(station)) {
		greeter_set_status(station->greeter, "Starting…");
	}
	signin_start(station, station->config->autologin, NULL, true);
}

static int handle_restart(void *data) {
	struct mp_station *station = data;
	wl_event_source_remove(station->restart_timer);
	station->restart_timer = NULL;
	station_autologin(station);
	return 0;
}

/* Kiosk: the command comes back after 1 s, doubling up to 30 s while it
 * keeps failing; a run of 60 s or more starts the count again. */
static void schedule_restart(struct mp_station *station) {
	if (station->restart_timer != NULL) {
		return;
	}
	time_t ran = time(NULL) - station->session_started_at;
	if (station->restart_delay_ms == 0 || ran >= 60) {
		station->restart_delay_ms = 1000;
	} else {
		station->restart_delay_ms *= 2;
		if (station->restart_delay_ms > 30000) {
			station->restart_delay_ms = 30000;
		}
	}
	station->session_started_at = time(NULL);
	char status[64];
	snprintf(status, sizeof(status), "Restarting in %d s",
		station->restart_delay_ms / 1000);
	wlr_log(WLR_INFO, "station %s: kiosk command restarts in %d ms",
		station->name, station->restart_delay_ms);
	if (station->greeter != NULL) {
		greeter_set_status(station->greeter, status);
	}
	station->restart_timer = wl_event_loop_add_timer(station->server->loop,
		handle_restart, station);
	if (station->restart_timer != NULL) {
		wl_event_source_timer_update(station->restart_timer,
			station->restart_delay_ms);
	}
	server_state_changed(station->server);
}

void station_signin_failed(struct mp_station *station, const char *reason) {
	if (station_is_kiosk(station)) {
		schedule_restart(station);
	} else if (station->greeter != NULL) {
		greeter_fail(station->greeter, reason);
	}
	server_state_changed(station->server);
}

void station_session_gone(struct mp_station *station) {
	if (station_is_kiosk(station) && !station->server->terminating) {
		schedule_restart(station);
	}
}

void station_add_input(struct mp_station *station, struct mp_input *input) {
	input->station = station;
	if (input_is_keyboard(input)) {
		station->n_keyboards++;
		wlr_keyboard_set_keymap(input->device->keyboard, station->keymap);
		if (station->session != NULL &&
				wlr_seat_get_keyboard(station->session->seat) == NULL) {
			wlr_seat_set_keyboard(station->session->seat, input->device);
		}
	}
	if (input_is_pointer(input)) {
		station->n_pointers++;
		wlr_scene_node_set_enabled(&station->cursor_tree->node, true);
	}
	if (station->session != NULL) {
		session_update_capabilities(station->session);
	}
	wlr_log(WLR_INFO, "station %s: device %s (%s) added", station->name,
		input->name, input->id_path ? input->id_path : "no ID_PATH");
}

void station_remove_input(struct mp_station *station, struct mp_input *input) {
	if (input_is_keyboard(input)) {
		station->n_keyboards--;
		if (station->session != NULL) {
			struct wlr_seat *seat = station->session->seat;
			if (wlr_seat_get_keyboard(seat) == input->device->keyboard) {
				// Hand the seat another keyboard of the station, if any.
				wlr_seat_set_keyboard(seat, NULL);
				struct mp_input *other;
				wl_list_for_each(other, &station->server->inputs, link) {
					if (other != input && other->station == station &&
							input_is_keyboard(other)) {
						wlr_seat_set_keyboard(seat, other->device);
						break;
					}
				}
			}
		}
	}
	if (input_is_pointer(input)) {
		station->n_pointers--;
		if (station->n_pointers == 0) {
			wlr_scene_node_set_enabled(&station->cursor_tree->node, false);
		}
	}
	input->station = NULL;
	if (station->session != NULL) {
		session_update_capabilities(station->session);
	}
	wlr_log(WLR_INFO, "station %s: device %s removed", station->name,
		input->name);
}

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

void station_reset_cursor(struct mp_station *station) {
	clear_cursor_surface(station);
	station->cursor_client_image = false;
	if (station->cursor_node != NULL) {
		wlr_scene_node_set_enabled(station->cursor_node, true);
	}
}

void station_set_cursor_surface(struct mp_station *station,
		struct wlr_surface *surface, int hotspot_x, int hotspot_y) {
	clear_cursor_surface(station);
	station->cursor_client_image = true;
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

static struct wlr_surface *surface_under_cursor(struct mp_station *station,
		double *sx, double *sy) {
	if (station->state != MP_STATION_ACTIVE) {
		return NULL;
	}
	struct wlr_scene_node *node = wlr_scene_node_at(
		&station->views_tree->node, station->cursor_x, station->cursor_y,
		sx, sy);
	if (node == NULL || node->type != WLR_SCENE_NODE_SURFACE) {
		return NULL;
	}
	return wlr_scene_surface_from_node(node)->surface;
}

static void update_pointer_focus(struct mp_station *station, uint32_t time) {
	struct mp_session *session = station->session;
	double sx, sy;
	struct wlr_surface *surface = surface_under_cursor(station, &sx, &sy);
	if (session == NULL) {
		return;
	}
	if (surface == NULL) {
		if (session->seat->pointer_state.focused_surface != NULL) {
			wlr_seat_pointer_clear_focus(session->seat);
			station_reset_cursor(station);
		}
		return;
	}
	wlr_seat_pointer_notify_enter(session->seat, surface, sx, sy);
	wlr_seat_pointer_notify_motion(session->seat, time, sx, sy);
}

void station_pointer_warp(struct mp_station *station, uint32_t time,
		double lx, double ly) {
	station->cursor_x = lx;
	station->cursor_y = ly;
	clamp_cursor(station);
	move_cursor_nodes(station);
	update_pointer_focus(station, time);
}

void station_pointer_motion(struct mp_station *station, uint32_t time,
		double dx, double dy) {
	station_pointer_warp(station, time, station->cursor_x + dx,
		station->cursor_y + dy);
}

void station_pointer_button(struct mp_station *station, uint32_t time,
		uint32_t button, uint32_t state) {
	struct mp_session *session = station->session;
	if (station->state == MP_STATION_LOGIN && station->greeter != NULL &&
			state == WLR_BUTTON_PRESSED) {
		greeter_handle_click(station->greeter,
			(int)station->cursor_x - station->area.x,
			(int)station->cursor_y - station->area.y);
		return;
	}
	if (session == NULL || station->state != MP_STATION_ACTIVE) {
		return;
	}
	if (state == WLR_BUTTON_PRESSED) {
		double sx, sy;
		struct wlr_surface *surface = surface_under_cursor(station, &sx, &sy);
		struct mp_view *view = surface ?
			view_from_surface(station->server, surface) : NULL;
		if (view != NULL && view->session == session &&
				view != wl_container_of(session->views.next, view, link)) {
			// Raise and focus the clicked window.
			wl_list_remove(&view->link);
			wl_list_insert(&session->views, &view->link);
			wlr_scene_node_raise_to_top(view->scene_node);
			station_focus_top(station);
		}
	}
	wlr_seat_pointer_notify_button(session->seat, time, button, state);
}

void station_focus_top(struct mp_station *station) {
	struct mp_session *session = station->session;
	if (session == NULL || station->state != MP_STATION_ACTIVE) {
		return;
	}
	struct mp_view *view, *top = NULL;
	wl_list_for_each(view, &session->views, link) {
		if (view->mapped) {
			if (top == NULL) {
				top = view;
			} else {
				view_set_focused(view, false);
			}
		}
	}
	if (top == NULL) {
		wlr_seat_keyboard_clear_focus(session->seat);
		return;
	}
	view_set_focused(top, true);
	struct wlr_keyboard *kb = wlr_seat_get_keyboard(session->seat);
	if (kb != NULL) {
		wlr_seat_keyboard_notify_enter(session->seat, top->xdg_surface->surface,
			kb->keycodes, kb->num_keycodes, &kb->modifiers);
	} else {
		wlr_seat_keyboard_notify_enter(session->seat, top->xdg_surface->surface,
			NULL, 0, NULL);
	}
}

size_t station_count_views(struct mp_station *station) {
	if (station->session == NULL || station->state != MP_STATION_ACTIVE) {
		return 0;
	}
	size_t n = 0;
	struct mp_view *view;
	wl_list_for_each(view, &station->session->views, link) {
		n += view->mapped && view->scene_node != NULL;
	}
	return n;
}

struct json_object *station_describe(struct mp_station *station) {
	struct json_object *s = json_object_new_object();
	json_object_object_add(s, "name", json_object_new_string(station->name));
	json_object_object_add(s, "state",
		json_object_new_string(station_state_name(station->state)));
	json_object_object_add(s, "role", json_object_new_string(
		station_is_kiosk(station) ? "kiosk" : "desktop"));
	struct wlr_box *a = &station->area;
	json_object_object_add(s, "area",
		describe_box(a->x, a->y, a->width, a->height));
	struct json_object *outputs = json_object_new_array();
	for (size_t i = 0; i < station->n_parts; i++) {
		json_object_array_add(outputs, json_object_new_string(
			station->parts[i].output->wlr_output->name));
	}
	json_object_object_add(s, "outputs", outputs);
	struct json_object *devices = json_object_new_array();
	struct mp_input *input;
	wl_list_for_each(input, &station->server->inputs, link) {
		if (input->station == station) {
			json_object_array_add(devices,
				json_object_new_string(input->name));
		}
	}
	json_object_object_add(s, "devices", devices);
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
	struct json_object *signin = NULL;
	if (station->signin != NULL) {
		signin = json_object_new_object();
		json_object_object_add(signin, "pid",
			json_object_new_int(station->signin->pid));
		json_object_object_add(signin, "user",
			json_object_new_string(station->signin->user));
	}
	json_object_object_add(s, "signin", signin);
	struct json_object *kiosk = NULL;
	if (station_is_kiosk(station)) {
		kiosk = json_object_new_object();
		json_object_object_add(kiosk, "restart_delay_ms",
			json_object_new_int(station->restart_delay_ms));
		json_object_object_add(kiosk, "restarting",
			json_object_new_boolean(station->restart_timer != NULL));
	}
	json_object_object_add(s, "kiosk", kiosk);
	struct json_object *overlays = json_object_new_array();
	if (station->greeter != NULL && station->state == MP_STATION_LOGIN) {
		json_object_array_add(overlays, greeter_describe(station->greeter));
	}
	json_object_object_add(s, "overlays", overlays);
	return s;
}
