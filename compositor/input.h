#ifndef MP_INPUT_H
#define MP_INPUT_H

#include <stdbool.h>
#include <wlr/types/wlr_input_device.h>

struct mp_server;
struct mp_station;
struct json_object;

struct mp_input {
	struct mp_server *server;
	struct wlr_input_device *device;
	struct wl_list link; // mp_server.inputs
	char *name;          // unique among inputs
	char *id_path;       // may be NULL
	char *id_seat;       // may be NULL
	struct mp_station *station; // may be NULL: unassigned
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
struct mp_input *input_create(struct mp_server *server,
	struct wlr_input_device *device, const char *name, const char *id_path,
	const char *id_seat, bool is_test);
void input_destroy(struct mp_input *input);
struct mp_input *input_by_name(struct mp_server *server, const char *name);
/* Every device no station claims goes to station (no configuration: the
 * first station gets them all). */
void input_assign_unassigned(struct mp_server *server,
	struct mp_station *station);
bool input_is_keyboard(struct mp_input *input);
bool input_is_pointer(struct mp_input *input);
/* The device as JSON: name, type, id_path, station. */
struct json_object *input_describe(struct mp_input *input);

#endif
