#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/types/wlr_keyboard.h>
#include <wlr/types/wlr_pointer.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/util/log.h>
#include "device-id.h"
#include "input.h"
#include "match.h"
#include "server.h"
#include "station.h"
#include "describe.h"

bool input_is_keyboard(struct mp_input *input) {
	return input->device->type == WLR_INPUT_DEVICE_KEYBOARD;
}

bool input_is_pointer(struct mp_input *input) {
	return input->device->type == WLR_INPUT_DEVICE_POINTER;
}

static void handle_key(struct wl_listener *listener, void *data) {
	struct mp_input *input = wl_container_of(listener, input, key);
	struct wlr_event_keyboard_key *event = data;
	if (input->station != NULL) {
		station_key(input->station, input->device, event->time_msec,
			event->keycode, event->state);
	}
}

static void handle_modifiers(struct wl_listener *listener, void *data) {
	struct mp_input *input = wl_container_of(listener, input, modifiers);
	if (input->station != NULL) {
		station_modifiers(input->station, input->device);
	}
}

static void handle_motion(struct wl_listener *listener, void *data) {
	struct mp_input *input = wl_container_of(listener, input, motion);
	struct wlr_event_pointer_motion *event = data;
	if (input->station != NULL) {
		station_pointer_motion(input->station, event->time_msec,
			event->delta_x, event->delta_y);
	}
}

static void handle_motion_absolute(struct wl_listener *listener, void *data) {
	struct mp_input *input = wl_container_of(listener, input, motion_absolute);
	struct wlr_event_pointer_motion_absolute *event = data;
	struct mp_station *station = input->station;
	if (station != NULL) {
		// An absolute device spans its station's area.
		struct wlr_box *area = &station->place.area;
		station_pointer_warp(station, event->time_msec,
			area->x + event->x * area->width,
			area->y + event->y * area->height);
	}
}

static void handle_button(struct wl_listener *listener, void *data) {
	struct mp_input *input = wl_container_of(listener, input, button);
	struct wlr_event_pointer_button *event = data;
	if (input->station != NULL) {
		station_pointer_button(input->station, event->time_msec,
			event->button, event->state);
	}
}

static void handle_axis(struct wl_listener *listener, void *data) {
	struct mp_input *input = wl_container_of(listener, input, axis);
	struct wlr_event_pointer_axis *event = data;
	if (input->station != NULL) {
		station_pointer_axis(input->station, event->time_msec,
			event->orientation, event->delta, event->delta_discrete,
			event->source);
	}
}

static void handle_frame(struct wl_listener *listener, void *data) {
	struct mp_input *input = wl_container_of(listener, input, frame);
	if (input->station != NULL) {
		station_pointer_frame(input->station);
	}
}

static void handle_destroy(struct wl_listener *listener, void *data) {
	struct mp_input *input = wl_container_of(listener, input, destroy);
	input_destroy(input);
}

struct mp_input *input_by_name(struct mp_server *server, const char *name) {
	struct mp_input *input;
	wl_list_for_each(input, &server->inputs, link) {
		if (strcmp(input->name, name) == 0) {
			return input;
		}
	}
	return NULL;
}

/* The device goes to station (may be NULL: unassigned). */
static void assign(struct mp_input *input, struct mp_station *station) {
	if (input->station == station) {
		return;
	}
	if (input->station != NULL) {
		station_remove_device(input->station, input->device);
	}
	input->station = station;
	if (station != NULL) {
		station_add_device(station, input->device, input->name);
	}
}

void input_assign_unassigned(struct mp_server *server,
		struct mp_station *station) {
	struct mp_input *input;
	wl_list_for_each(input, &server->inputs, link) {
		if (input->station == NULL) {
			assign(input, station);
		}
	}
}

static char *unique_name(struct mp_server *server, const char *base) {
	char *name = strdup(base);
	for (int i = 2; name != NULL && input_by_name(server, name); i++) {
		free(name);
		if (asprintf(&name, "%s#%d", base, i) < 0) {
			name = NULL;
		}
	}
	return name;
}

struct mp_input *input_create(struct mp_server *server,
		struct wlr_input_device *device, const char *name, const char *id_path,
		const char *id_seat, bool is_test) {
	if (device->type != WLR_INPUT_DEVICE_KEYBOARD &&
			device->type != WLR_INPUT_DEVICE_POINTER) {
		wlr_log(WLR_INFO, "input %s: device type %d not handled yet",
			device->name, device->type);
		return NULL;
	}
	struct mp_input *input = calloc(1, sizeof(*input));
	if (input == NULL) {
		return NULL;
	}
	input->server = server;
	input->device = device;
	input->name = unique_name(server, name ? name : "unnamed");
	input->id_path = id_path ? strdup(id_path) : NULL;
	input->id_seat = id_seat ? strdup(id_seat) : NULL;
	input->is_test = is_test;
	if (input->name == NULL || (id_path && input->id_path == NULL) ||
			(id_seat && input->id_seat == NULL)) {
		free(input->name);
		free(input->id_path);
		free(input->id_seat);
		free(input);
		return NULL;
	}
	device->data = input;
	wl_list_insert(server->inputs.prev, &input->link);

	input->destroy.notify = handle_destroy;
	wl_signal_add(&device->events.destroy, &input->destroy);
	wl_list_init(&input->key.link);
	wl_list_init(&input->modifiers.link);
	wl_list_init(&input->motion.link);
	wl_list_init(&input->motion_absolute.link);
	wl_list_init(&input->button.link);
	wl_list_init(&input->axis.link);
	wl_list_init(&input->frame.link);
	if (device->type == WLR_INPUT_DEVICE_KEYBOARD) {
		struct wlr_keyboard *kb = device->keyboard;
		wlr_keyboard_set_repeat_info(kb, 25, 600);
		// A keymap until a station gives it its own: the default one.
		if (server->default_keymap != NULL) {
			wlr_keyboard_set_keymap(kb, server->default_keymap);
		}
		input->key.notify = handle_key;
		wl_signal_add(&kb->events.key, &input->key);
		input->modifiers.notify = handle_modifiers;
		wl_signal_add(&kb->events.modifiers, &input->modifiers);
	} else {
		struct wlr_pointer *pointer = device->pointer;
		input->motion.notify = handle_motion;
		wl_signal_add(&pointer->events.motion, &input->motion);
		input->motion_absolute.notify = handle_motion_absolute;
		wl_signal_add(&pointer->events.motion_absolute,
			&input->motion_absolute);
		input->button.notify = handle_button;
		wl_signal_add(&pointer->events.button, &input->button);
		input->axis.notify = handle_axis;
		wl_signal_add(&pointer->events.axis, &input->axis);
		input->frame.notify = handle_frame;
		wl_signal_add(&pointer->events.frame, &input->frame);
	}

	struct mp_device_identity identity = {
		.name = input->name,
		.id_path = input->id_path,
		.id_seat = input->id_seat,
	};
	enum mp_match_rule rule;
	int index = match_device(server->config, &identity, &rule);
	struct mp_station *station = NULL;
	if (index >= 0) {
		station = station_by_name(server,
			server->config->stations[index].name);
	} else if (server->config->n_stations == 0 &&
			!wl_list_empty(&server->stations)) {
		// No configuration: every device goes to the first station.
		station = wl_container_of(server->stations.next, station, link);
		rule = MP_MATCH_DEFAULT;
	}
	if (station != NULL) {
		wlr_log(WLR_INFO, "input %s: matched station %s by rule %s",
			input->name, station->name, match_rule_name(rule));
		assign(input, station);
	} else {
		wlr_log(WLR_INFO, "input %s (%s): no station claims it, unassigned",
			input->name, input->id_path ? input->id_path : "no ID_PATH");
	}
	server_changed(server);
	return input;
}

void input_destroy(struct mp_input *input) {
	if (input == NULL) {
		return;
	}
	struct mp_server *server = input->server;
	assign(input, NULL);
	wl_list_remove(&input->destroy.link);
	wl_list_remove(&input->key.link);
	wl_list_remove(&input->modifiers.link);
	wl_list_remove(&input->motion.link);
	wl_list_remove(&input->motion_absolute.link);
	wl_list_remove(&input->button.link);
	wl_list_remove(&input->axis.link);
	wl_list_remove(&input->frame.link);
	wl_list_remove(&input->link);
	input->device->data = NULL;
	free(input->name);
	free(input->id_path);
	free(input->id_seat);
	free(input);
	server_changed(server);
}

void input_handle_new_input(struct wl_listener *listener, void *data) {
	struct mp_server *server = wl_container_of(listener, server, new_input);
	struct wlr_input_device *device = data;
	struct mp_device_udev_id id;
	device_id_from_wlr(device, &id);
	input_create(server, device, device->name, id.id_path, id.id_seat, false);
	device_id_finish(&id);
}

struct json_object *input_describe(struct mp_input *input) {
	struct json_object *d = json_object_new_object();
	json_object_object_add(d, "name", json_object_new_string(input->name));
	json_object_object_add(d, "type", json_object_new_string(
		input_is_keyboard(input) ? "keyboard" : "pointer"));
	json_object_object_add(d, "id_path", describe_string(input->id_path));
	json_object_object_add(d, "station", input->station ?
		json_object_new_string(input->station->name) : NULL);
	return d;
}
