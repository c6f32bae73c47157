#ifndef MP_STATION_H
#define MP_STATION_H

#include <stdbool.h>
#include <time.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/box.h>
#include <xkbcommon/xkbcommon.h>
#include "config.h"

struct mp_server;
struct mp_output;
struct mp_session;
struct mp_input;
struct mp_greeter;
struct mp_signin;
struct json_object;

enum mp_station_state {
	MP_STATION_OFFLINE = 0, // no output present
	MP_STATION_LOGIN,       // free: nobody's session is shown
	MP_STATION_ACTIVE,      // a session is attached and shown
	MP_STATION_LOCKED,
	MP_STATION_BLOCKED,
};

/* One rectangle of one output that a station draws on. */
struct mp_station_part {
	struct mp_output *output;
	enum mp_split split;
	struct wlr_box box; // layout coordinates
	struct wlr_scene_output *scene_output;
};

struct mp_station {
	struct mp_server *server;
	struct wl_list link; // mp_server.stations
	char *name;
	const struct mp_station_config *config; // NULL when made per output
	char *auto_output; // output name of an automatic station, may be NULL

	enum mp_station_state state;
	struct wlr_box area; // layout coordinates, union of parts
	struct mp_station_part *parts;
	size_t n_parts;

	struct wlr_scene *scene; // coordinates are layout coordinates
	struct wlr_scene_node *label; // station name, may be NULL
	struct wlr_scene_tree *views_tree;
	struct wlr_scene_tree *overlay_tree; // greeter, later lock and menus
	struct wlr_scene_tree *cursor_tree;
	struct wlr_scene_node *cursor_node; // default image, may be NULL
	struct wlr_scene_node *cursor_surface_node; // client cursor, may be NULL
	struct wl_listener cursor_surface_destroy;
	int cursor_hotspot_x, cursor_hotspot_y;
	double cursor_x, cursor_y; // layout coordinates
	bool cursor_client_image;

	struct xkb_keymap *keymap;
	size_t n_keyboards, n_pointers;

	struct mp_session *session; // attached session, may be NULL
	struct mp_greeter *greeter;
	struct mp_signin *signin;   // sign-in in progress, may be NULL

	// kiosk: the command is restarted with back-off
	struct wl_event_source *restart_timer;
	int restart_delay_ms;       // the last delay, 0 before any restart
	time_t session_started_at;
};

struct mp_station *station_create(struct mp_server *server,
	const char *name, const struct mp_station_config *config);
void station_destroy(struct mp_station *station);

/* Recomputes parts and area from the outputs present. */
void station_update_area(struct mp_station *station);
bool station_wants_output(struct mp_station *station, const char *name,
	enum mp_split *split);
bool station_set_state(struct mp_station *station,
	enum mp_station_state state);
const char *station_state_name(enum mp_station_state state);

void station_attach_session(struct mp_station *station,
	struct mp_session *session);
void station_detach_session(struct mp_station *station);

void station_add_input(struct mp_station *station, struct mp_input *input);
void station_remove_input(struct mp_station *station, struct mp_input *input);
void station_pointer_motion(struct mp_station *station, uint32_t time,
	double dx, double dy);
void station_pointer_warp(struct mp_station *station, uint32_t time,
	double lx, double ly);
void station_pointer_button(struct mp_station *station, uint32_t time,
	uint32_t button, uint32_t state);
/* Hides a client cursor image and shows the default one. */
void station_reset_cursor(struct mp_station *station);
void station_set_cursor_surface(struct mp_station *station,
	struct wlr_surface *surface, int hotspot_x, int hotspot_y);
/* Gives keyboard focus to the session's top view. */
void station_focus_top(struct mp_station *station);
/* Sign-in ended without a session (greeter shows why; kiosk retries). */
void station_signin_failed(struct mp_station *station, const char *reason);
/* The session that was attached here when it began ending is gone. */
void station_session_gone(struct mp_station *station);
/* Signs the configured user in (autologin, kiosk). */
void station_autologin(struct mp_station *station);
bool station_is_kiosk(struct mp_station *station);
/* Number of mapped views shown on the station. */
size_t station_count_views(struct mp_station *station);
/* The station as JSON: state, area, outputs, devices, overlays, ... */
struct json_object *station_describe(struct mp_station *station);

#endif
