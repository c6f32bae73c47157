#ifndef MP_INPUT_H
#define MP_INPUT_H

#include <stdbool.h>
#include <wlr/types/wlr_input_device.h>
#include "identity.h"

struct mp_server;
struct mp_station;
struct json_object;
struct mp_error;

struct mp_input {
	struct mp_server *server;
	struct wlr_input_device *device;
	struct wl_list link; // mp_server.inputs
	char *name;          // unique among inputs
	// From udev (or mp-test), owned. Its group is never NULL: a device
	// with no hub group of its own (identity.h) is "name:NAME", so that it
	// can still be paired.
	struct mp_identity identity;
	struct mp_station *station; // may be NULL: unassigned
	// The rule that put it at its station ("config", "pairing",
	// "ID_SEAT", "default" or "none"; a static string).
	const char *rule;
	bool is_test;        // made through mp_test_v1

	struct wl_listener destroy;
	struct wl_listener key;
	struct wl_listener modifiers;
	struct wl_listener motion;
	struct wl_listener motion_absolute;
	struct wl_listener button;
	struct wl_listener axis;
	struct wl_listener frame;
};

void input_handle_new_input(struct wl_listener *listener, void *data);
/* Takes a device from any backend (or a test one) through station
 * matching. Strings are copied. */
/* Takes identity over (its strings; it is emptied). */
struct mp_input *input_create(struct mp_server *server,
	struct wlr_input_device *device, struct mp_identity *identity,
	bool is_test);
void input_destroy(struct mp_input *input);
struct mp_input *input_by_name(struct mp_server *server, const char *name);
/* Every device goes where the matching rules put it now (after stations,
 * their names or layout, or learned pairings changed). */
void input_rematch_all(struct mp_server *server);
/* Every device of station is unassigned (before it is destroyed). */
void input_unassign_station(struct mp_server *server,
	struct mp_station *station);
/* A line every station showing its key shows for a while (a key pressed
 * that is taken); NULL: none. */
void input_set_pairing_note(struct mp_server *server, const char *text);
#define MP_PAIRING_NOTE_MS 6000
bool input_is_keyboard(struct mp_input *input);
bool input_is_pointer(struct mp_input *input);
/* The device as JSON: name, type, id_path, station. */
struct json_object *input_describe(struct mp_input *input);

#endif
