#ifndef MP_STATION_H
#define MP_STATION_H

#include <linux/input-event-codes.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_input_device.h>
#include <wlr/types/wlr_scene.h>
#include <xkbcommon/xkbcommon.h>
#include "config.h"
#include "place.h"

struct mp_server;
struct mp_station;
struct mp_session;
struct mp_helper;
struct mp_helper_identity;
struct mp_greeter;
struct mp_menu;
struct mp_notice;
struct mp_intent;
struct mp_output_part;
struct mp_output;
struct wlr_output;
struct json_object;

/* The station state machine (this file alone changes it):
 *
 *   offline <--hardware--> login <--session shown / session gone--> active
 *                            ^                                     |  ^
 *                            +------session gone------- locked <--+  |
 *                                                          +--unlock-+
 *
 * offline: no output, or its last keyboard went away (a station that never
 * had one shows its greeter, waiting for one); login: free, its greeter
 * shows; active: a session is shown; locked: a session is here behind the
 * lock screen, which shows instead of its windows. blocked comes with the
 * admin's block. Every transition is logged with the station, session and
 * why, and reported to the actions layer. */
enum mp_station_state {
	MP_STATION_OFFLINE = 0,
	MP_STATION_LOGIN,
	MP_STATION_ACTIVE,
	MP_STATION_LOCKED,
	MP_STATION_BLOCKED,
};

/* What a station tells the actions layer. */
struct mp_station_handler {
	// An overlay's intent (submit, answer, cancel, choose) or a
	// compositor key of the station (log off).
	void (*intent)(struct mp_station *station, const struct mp_intent *intent);
	// Its sign-in got through PAM's authentication and account checks.
	void (*signed_in)(struct mp_station *station,
		const struct mp_helper_identity *id);
	// Its sign-in ended without a session (the greeter shows why).
	void (*signin_failed)(struct mp_station *station, const char *reason);
	// Its state changed (from old): it went offline, came back, ...
	void (*state_changed)(struct mp_station *station,
		enum mp_station_state old);
	// Nobody used its devices for its idle-lock time while active.
	void (*idle)(struct mp_station *station);
};

/* The items of the secure session menu, in order. */
enum mp_menu_item {
	MP_MENU_LOCK = 0,
	MP_MENU_DISCONNECT,
	MP_MENU_LOGOFF,
	MP_MENU_CANCEL,
};

/* What an admin (or the actions layer) shows over what the station
 * shows, one of each at most, in the order they stack (lowest first). */
enum mp_station_notice {
	MP_STATION_MAINTENANCE = 0, // banner on a free station's greeter
	MP_STATION_COUNTDOWN,       // banner: its session ends in N s
	MP_STATION_MESSAGE,         // banner: an admin's message, dismissible
	MP_STATION_BLOCK,           // an admin's block screen: modal
	MP_STATION_IDENTIFY,        // its name and key, over everything
	MP_STATION_PAIRING,         // its key, big: a keyboard pressing it
	                            // comes here (no keyboard, or pairing)
	MP_STATION_NOTICES,
};

/* An input device of the station. */
struct mp_station_device {
	struct wlr_input_device *device;
	char *name;
	// Keys (evdev codes) whose press reached the session: only their
	// release does.
	uint64_t forwarded[(KEY_CNT + 63) / 64];
	struct wl_list link; // mp_station.devices
};

struct mp_station {
	struct mp_server *server;
	struct wl_list link; // mp_server.stations
	char *name;
	const struct mp_station_config *config; // NULL when made per output
	// Its persistent name: in mpcomp.ini, or the one it was made with
	// (automatic or split); stations.ini knows it by this.
	char *key;
	// Which outputs it has: from its configuration, its output when it is
	// automatic, or changed at run time (mpmgr). Entries are connector
	// names or edid: names (output_matches).
	struct mp_station_layout {
		char **outputs;
		size_t n_outputs;
		enum mp_split split;
	} layout;

	enum mp_station_state state;
	// When its state last changed and when the first frame of that state
	// was on screen (CLOCK_MONOTONIC ns; presented_ns 0: not yet): what a
	// benchmark times. The commit awaited is output's commit_seq (output
	// NULL: the next commit of any of its outputs).
	struct mp_station_shown {
		int64_t since_ns;
		int64_t presented_ns;
		struct wlr_output *output;
		uint32_t commit_seq;
	} shown;
	struct mp_place place;         // what its session and overlays see
	struct mp_output_part **parts; // place.n_parts of them

	struct wlr_scene *scene; // coordinates are layout coordinates
	struct wlr_scene_node *label; // station name, may be NULL
	struct wlr_scene_tree *views_tree; // its session's windows (place.tree)
	struct wlr_scene_tree *overlay_tree;
	struct wlr_scene_tree *cursor_tree;
	struct wlr_scene_node *cursor_node; // default image, may be NULL
	struct wlr_scene_node *cursor_surface_node; // client cursor, may be NULL
	int cursor_hotspot_x, cursor_hotspot_y;
	double cursor_x, cursor_y; // layout coordinates

	struct xkb_keymap *keymap;
	struct wl_list devices; // mp_station_device.link
	size_t n_keyboards, n_pointers;

	struct mp_session *session; // shown here, may be NULL
	struct wl_list overlays;    // mp_overlay.link, bottom first
	struct mp_greeter *greeter; // on the stack while the station is free
	struct mp_greeter *lock;    // the lock screen (NULL if it could not
	                            // be drawn: the background shows)
	struct mp_menu *menu;       // the secure session menu, when open
	struct mp_notice *notices[MP_STATION_NOTICES]; // shown, may be NULL
	uint32_t serial; // unique among stations for the compositor's life
	bool keyboard_gone; // its last keyboard went away: offline
	bool pairing_done;  // paired by key press in this pairing mode
	bool dying;         // being destroyed: nothing more is reported
	// Idle lock: when its devices were last used, and the timer that
	// looks again when the idle time may be over.
	int64_t last_input_ms; // CLOCK_MONOTONIC
	struct wl_event_source *idle_timer;
	struct mp_helper *helper;   // sign-in in progress, may be NULL
	struct mp_session *awaited; // its sign-in waits for this to end

	// Kept by the actions layer: an admin's block (the station is blocked
	// while block.on) and message, their text and timers.
	struct mp_admin_notice {
		bool on;
		char *text;     // may be NULL
		time_t until;   // when its timer ends it, 0: never (wall clock)
		struct wl_event_source *timer;
	} block, message;

	// Kept by the actions layer (kiosk restart policy).
	struct {
		struct wl_event_source *restart_timer;
		int delay_ms;      // the last delay, 0 before any restart
		time_t started_at; // when its last session was shown
	} kiosk;

	struct wl_listener request_set_cursor; // of its session's seat
	struct wl_listener cursor_surface_destroy;
};

struct mp_station *station_create(struct mp_server *server,
	const char *name, const struct mp_station_config *config);
void station_destroy(struct mp_station *station);
struct mp_station *station_by_name(struct mp_server *server,
	const char *name);
/* The station showing session, or NULL. */
struct mp_station *station_of_session(struct mp_server *server,
	struct mp_session *session);
/* Whether its layout names the output (connector or edid: name). */
bool station_wants_output(struct mp_station *station,
	struct mp_output *output);
/* A new layout (copied); layout_arrange applies it. false when out of
 * memory (the old one stays). */
bool station_set_layout(struct mp_station *station, char *const *outputs,
	size_t n, enum mp_split split);
bool station_has_keyboard(struct mp_station *station);
/* Whether it shows its key for pairing: it has an output and no session
 * (and is not blocked), and has no keyboard (kiosks excepted) or pairing
 * mode is on (until it is paired). */
bool station_shows_key(struct mp_station *station);
/* The station stations.ini knows by key (station.key), or NULL. */
struct mp_station *station_by_key(struct mp_server *server,
	const char *key);
bool station_is_kiosk(struct mp_station *station);
/* Whether its session is here behind the lock screen (the session's
 * lock is the one truth of it). */
bool station_is_locked(struct mp_station *station);
const char *station_state_name(enum mp_station_state state);

/* Events of the state machine. */
/* The outputs present changed: parts and area are computed again. */
void station_update_outputs(struct mp_station *station);
/* A session is shown here (it was attached to this station's place);
 * a locked one behind the lock screen, from the first frame. */
void station_show_session(struct mp_station *station,
	struct mp_session *session);
/* Its session was locked: the lock screen replaces its windows in the
 * same frame. Unlocked: its windows come back. */
void station_lock(struct mp_station *station, const char *reason);
void station_unlock(struct mp_station *station, const char *reason);
/* The secure session menu opens on top of the session, or closes. */
bool station_open_menu(struct mp_station *station);
void station_close_menu(struct mp_station *station);
/* Its session left (moved, parked, ended): the greeter comes back, with
 * error on it when not NULL. */
void station_release_session(struct mp_station *station, const char *reason,
	const char *error);

/* Brings what it shows over its screen (block, banners, identify) in
 * line with the data the actions layer keeps: its block and message,
 * its session's end warning, the server's maintenance mode and identify.
 * A block changes its state (blocked). */
void station_update_notices(struct mp_station *station);
/* Its key (F1, F2, ... in station order; "" after F24), for identify and
 * pairing. */
const char *station_key_name(struct mp_station *station, char buf[8]);
/* Gives the station a new name (the caller checked it). */
bool station_rename(struct mp_station *station, const char *name);

/* Sign-in: the station owns the helper until a session takes it over. */
bool station_begin_signin(struct mp_station *station, const char *user,
	const char *secret, bool autologin);
void station_signin_answer(struct mp_station *station, const char *text);
void station_signin_cancel(struct mp_station *station);
/* Hands the authenticated helper over (to a new session). */
struct mp_helper *station_take_helper(struct mp_station *station);
/* The sign-in waits for session to be gone; status says so. */
void station_signin_wait(struct mp_station *station,
	struct mp_session *session, const char *status);
/* What its screen shows (the lock screen while locked, else the
 * greeter): an error, a status line, PAM's prompts and messages, busy
 * while PAM works. */
void station_show_error(struct mp_station *station, const char *text);
void station_set_status(struct mp_station *station, const char *text);
void station_show_prompt(struct mp_station *station, const char *text,
	bool echo);
void station_add_message(struct mp_station *station, const char *text,
	bool error);
void station_set_busy(struct mp_station *station, bool busy);
/* Its idle-lock time in ms (its own, else the global one; 0: none). */
int station_idle_lock_ms(struct mp_station *station);

/* Devices and their events. */
void station_add_device(struct mp_station *station,
	struct wlr_input_device *device, const char *name);
void station_remove_device(struct mp_station *station,
	struct wlr_input_device *device);
void station_key(struct mp_station *station, struct wlr_input_device *device,
	uint32_t time_msec, uint32_t keycode, uint32_t state);
void station_modifiers(struct mp_station *station,
	struct wlr_input_device *device);
void station_pointer_motion(struct mp_station *station, uint32_t time_msec,
	double dx, double dy);
void station_pointer_warp(struct mp_station *station, uint32_t time_msec,
	double lx, double ly);
void station_pointer_button(struct mp_station *station, uint32_t time_msec,
	uint32_t button, uint32_t state);
void station_pointer_axis(struct mp_station *station, uint32_t time_msec,
	enum wlr_axis_orientation orientation, double delta,
	int32_t delta_discrete, enum wlr_axis_source source);
void station_pointer_frame(struct mp_station *station);

/* Number of windows shown on the station. */
size_t station_count_views(struct mp_station *station);
/* Renders the station's pixels (XRGB8888, area.width x area.height,
 * stride 4*width) through the same code as a frame: what it shows. */
bool station_read_pixels(struct mp_station *station, uint32_t *data);
/* The station as JSON: state, area, outputs, devices, overlays, ... */
struct json_object *station_describe(struct mp_station *station);

#endif
