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
#include "learned.h"
#include <xkbcommon/xkbcommon.h>

static bool pairing_key(struct mp_input *input, uint32_t keycode,
	enum wl_keyboard_key_state state);

bool input_is_keyboard(struct mp_input *input) {
	return input->device->type == WLR_INPUT_DEVICE_KEYBOARD;
}

bool input_is_pointer(struct mp_input *input) {
	return input->device->type == WLR_INPUT_DEVICE_POINTER;
}

static void handle_key(struct wl_listener *listener, void *data) {
	struct mp_input *input = wl_container_of(listener, input, key);
	struct wlr_event_keyboard_key *event = data;
	if (pairing_key(input, event->keycode, event->state)) {
		return;
	}
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
static void assign(struct mp_input *input, struct mp_station *station,
		const char *rule) {
	input->rule = rule;
	if (input->station == station) {
		return;
	}
	if (input->station != NULL) {
		station_remove_device(input->station, input->device);
	}
	input->station = station;
	if (station != NULL) {
		wlr_log(WLR_INFO, "input %s (%s): station %s, by rule %s",
			input->name, input->identity.group,
			station->name, rule);
		station_add_device(station, input->device, input->name);
	} else {
		wlr_log(WLR_INFO, "input %s (%s): unassigned", input->name,
			input->identity.group);
	}
	server_changed(input->server);
}

/* The stations there are now and the learned pairings, as the matching
 * rules (seatd-glue/match.h) take them: made once for every device
 * matched against them. */
struct match_view {
	struct mp_match_station *stations;
	struct mp_station **by_index;
	size_t n_stations;
	struct mp_match_pairing *pairings;
	size_t n_pairings;
};

static void view_finish(struct match_view *v) {
	free(v->stations);
	free(v->by_index);
	free(v->pairings);
}

static bool view_init(struct match_view *v, struct mp_server *server) {
	size_t n = (size_t)wl_list_length(&server->stations);
	size_t n_pairings = server->learned ? server->learned->n_pairings : 0;
	*v = (struct match_view){
		.stations = calloc(n > 0 ? n : 1, sizeof(*v->stations)),
		.by_index = calloc(n > 0 ? n : 1, sizeof(*v->by_index)),
		.n_stations = n,
		.pairings = calloc(n_pairings > 0 ? n_pairings : 1,
			sizeof(*v->pairings)),
		.n_pairings = n_pairings,
	};
	if (v->stations == NULL || v->by_index == NULL || v->pairings == NULL) {
		view_finish(v);
		return false;
	}
	size_t i = 0;
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		v->by_index[i] = station;
		v->stations[i].name = station->key;
		// A station's devices = lines are its own: not a split's.
		const struct mp_station_config *sc = station->config;
		if (sc != NULL && strcmp(sc->name, station->key) == 0) {
			v->stations[i].devices = (const char *const *)sc->devices;
			v->stations[i].n_devices = sc->n_devices;
		}
		i++;
	}
	for (size_t p = 0; p < n_pairings; p++) {
		v->pairings[p].group = server->learned->pairings[p].group;
		v->pairings[p].station = server->learned->pairings[p].station;
	}
	return true;
}

/* Where the matching rules put the device, and by which rule. */
static struct mp_station *match_station(struct mp_input *input,
		const struct match_view *v, const char **rule_name) {
	enum mp_match_rule rule = MP_MATCH_NONE;
	int index = v->n_stations == 0 ? -1 : match_identity(v->stations,
		v->n_stations, v->pairings, v->n_pairings, &input->identity, &rule);
	*rule_name = match_rule_name(index >= 0 ? rule : MP_MATCH_NONE);
	return index >= 0 ? v->by_index[index] : NULL;
}

/* Where the rules put it now (unassigned if memory runs out). */
static void rematch(struct mp_input *input, const struct match_view *v) {
	const char *rule = match_rule_name(MP_MATCH_NONE);
	struct mp_station *station = v ? match_station(input, v, &rule) : NULL;
	assign(input, station, rule);
}

void input_unassign_station(struct mp_server *server,
		struct mp_station *station) {
	struct mp_input *input;
	wl_list_for_each(input, &server->inputs, link) {
		if (input->station == station) {
			assign(input, NULL, match_rule_name(MP_MATCH_NONE));
		}
	}
}

void input_rematch_all(struct mp_server *server) {
	struct match_view v;
	bool ok = view_init(&v, server);
	if (!ok) {
		wlr_log(WLR_ERROR, "cannot match devices (out of memory)");
	}
	struct mp_input *input;
	wl_list_for_each(input, &server->inputs, link) {
		rematch(input, ok ? &v : NULL);
	}
	if (ok) {
		view_finish(&v);
	}
}

/* ---- pairing by key press ---- */


/* The station whose key (station_key_name) is keysym, or NULL. */
static struct mp_station *station_of_key(struct mp_server *server,
		xkb_keysym_t sym) {
	if (sym < XKB_KEY_F1 || sym > XKB_KEY_F24) {
		return NULL;
	}
	unsigned want = sym - XKB_KEY_F1;
	unsigned i = 0;
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if (i++ == want) {
			return station;
		}
	}
	return NULL;
}

static bool any_shows_key(struct mp_server *server) {
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if (station_shows_key(station)) {
			return true;
		}
	}
	return false;
}

static int handle_note_timer(void *data) {
	struct mp_server *server = data;
	input_set_pairing_note(server, NULL);
	return 0;
}

void input_set_pairing_note(struct mp_server *server, const char *text) {
	free(server->pairing_note.text);
	server->pairing_note.text = text ? strdup(text) : NULL;
	if (server->pairing_note.timer == NULL && text != NULL) {
		server->pairing_note.timer = wl_event_loop_add_timer(server->loop,
			handle_note_timer, server);
	}
	if (server->pairing_note.timer != NULL) {
		wl_event_source_timer_update(server->pairing_note.timer,
			text ? MP_PAIRING_NOTE_MS : 0);
	}
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		station_update_notices(station);
	}
}

/* Keys of keyboards that no station in use has: F1, F2, ... pair them
 * while some station shows its key. Returns whether the key was taken
 * (presses and releases of such keys, and every key of an unassigned
 * keyboard, which does nothing else). */
static bool pairing_key(struct mp_input *input, uint32_t keycode,
		enum wl_keyboard_key_state state) {
	struct mp_server *server = input->server;
	struct mp_station *own = input->station;
	if (own != NULL && (own->session != NULL || !server->pairing)) {
		return false; // a station's keyboard, used as such
	}
	if (own == NULL && !any_shows_key(server)) {
		return true; // unassigned keyboards do nothing else
	}
	struct wlr_keyboard *kb = input->device->keyboard;
	xkb_keysym_t sym = kb->xkb_state ?
		xkb_state_key_get_one_sym(kb->xkb_state, keycode + 8) : 0;
	struct mp_station *target = station_of_key(server, sym);
	if (target == NULL) {
		return own == NULL;
	}
	if (state != WL_KEYBOARD_KEY_STATE_PRESSED) {
		return true;
	}
	char key[8];
	station_key_name(target, key);
	if (!station_shows_key(target)) {
		char note[256];
		snprintf(note, sizeof(note), "%s is taken: station %s %s. Press "
			"the key shown on the screen in front of you.", key,
			target->name, target->session != NULL ? "is in use" :
			"has a keyboard");
		wlr_log(WLR_INFO, "input %s: pairing: %s", input->name, note);
		input_set_pairing_note(server, note);
		return true;
	}
	wlr_log(WLR_INFO, "input %s: pairing: %s pressed, hub group %s goes to "
		"station %s", input->name, key, input->identity.group, target->name);
	server->pair_key(input, target);
	return true;
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
		struct wlr_input_device *device, struct mp_identity *identity,
		bool is_test) {
	if (device->type != WLR_INPUT_DEVICE_KEYBOARD &&
			device->type != WLR_INPUT_DEVICE_POINTER) {
		wlr_log(WLR_INFO, "input %s: device type %d not handled yet",
			device->name, device->type);
		identity_finish(identity);
		return NULL;
	}
	struct mp_input *input = calloc(1, sizeof(*input));
	if (input == NULL) {
		identity_finish(identity);
		return NULL;
	}
	input->server = server;
	input->device = device;
	input->identity = *identity;
	*identity = (struct mp_identity){ 0 };
	input->identity.kind = device->type == WLR_INPUT_DEVICE_KEYBOARD ?
		MP_DEVICE_KEYBOARD : MP_DEVICE_POINTER;
	const char *base = input->identity.name ? input->identity.name :
		device->name ? device->name : "unnamed";
	input->name = unique_name(server, base);
	// Without a hub group, a device can still be paired by its name.
	if (input->identity.group == NULL && input->name != NULL &&
			asprintf(&input->identity.group, "name:%s", input->name) < 0) {
		input->identity.group = NULL;
	}
	input->is_test = is_test;
	input->rule = match_rule_name(MP_MATCH_NONE);
	if (input->name == NULL || input->identity.group == NULL) {
		identity_finish(&input->identity);
		free(input->name);
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

	wlr_log(WLR_INFO, "input %s: %s, ID_PATH %s, hub group %s%s%s",
		input->name, identity_kind_name(input->identity.kind),
		input->identity.id_path ? input->identity.id_path : "(none)",
		input->identity.group, input->identity.id_seat ? ", ID_SEAT " : "",
		input->identity.id_seat ? input->identity.id_seat : "");
	struct match_view v;
	bool ok = view_init(&v, server);
	rematch(input, ok ? &v : NULL);
	if (ok) {
		view_finish(&v);
	}
	if (input->station == NULL) {
		wlr_log(WLR_INFO, "input %s: no station claims it, unassigned",
			input->name);
	}
	server_changed(server);
	return input;
}

void input_destroy(struct mp_input *input) {
	if (input == NULL) {
		return;
	}
	struct mp_server *server = input->server;
	assign(input, NULL, match_rule_name(MP_MATCH_NONE));
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
	identity_finish(&input->identity);
	free(input);
	server_changed(server);
}

void input_handle_new_input(struct wl_listener *listener, void *data) {
	struct mp_server *server = wl_container_of(listener, server, new_input);
	struct wlr_input_device *device = data;
	struct mp_identity id = { 0 };
	char *warning = NULL;
	if (!device_identity_from_wlr(device, &id, &warning)) {
		wlr_log(WLR_ERROR, "input %s: out of memory", device->name);
		return;
	}
	if (warning != NULL) {
		wlr_log(WLR_ERROR, "input %s: udev properties left out: %s",
			device->name, warning);
		free(warning);
	}
	input_create(server, device, &id, false);
}

struct json_object *input_describe(struct mp_input *input) {
	struct json_object *d = json_object_new_object();
	json_object_object_add(d, "name", json_object_new_string(input->name));
	json_object_object_add(d, "type", json_object_new_string(
		input_is_keyboard(input) ? "keyboard" : "pointer"));
	json_object_object_add(d, "kind", json_object_new_string(
		identity_kind_name(input->identity.kind)));
	json_object_object_add(d, "id_path", describe_string(input->identity.id_path));
	json_object_object_add(d, "id_seat",
		describe_string(input->identity.id_seat));
	json_object_object_add(d, "vendor",
		describe_string(input->identity.vendor));
	json_object_object_add(d, "product",
		describe_string(input->identity.product));
	json_object_object_add(d, "group",
		json_object_new_string(input->identity.group));
	struct json_object *hubs = json_object_new_array();
	for (size_t i = 0; i < input->identity.n_hubs; i++) {
		json_object_array_add(hubs,
			json_object_new_string(input->identity.hubs[i]));
	}
	json_object_object_add(d, "hubs", hubs);
	json_object_object_add(d, "rule", json_object_new_string(input->rule));
	json_object_object_add(d, "station", input->station ?
		json_object_new_string(input->station->name) : NULL);
	return d;
}
