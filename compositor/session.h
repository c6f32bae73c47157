#ifndef MP_SESSION_H
#define MP_SESSION_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_input_device.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_seat.h>

struct mp_server;
struct mp_place;
struct mp_helper;
struct mp_helper_identity;
struct mp_socket;
struct json_object;

/* The session state machine (this file alone changes it):
 *
 *                    lock / unlock
 *                  +---------------+
 *                  v               |
 *   starting --> attached <--> locked
 *       |          ^  \           /
 *       |   attach |   \ detach  /  (disconnect, suspend, hardware lost)
 *       |          |    v        v
 *       +------> parked <-------+
 *
 *   attached, locked, parked --log off--> logging-off
 *       --every window closed or grace over--> ending
 *   any state --end / command exited / could not start--> ending --> gone
 *
 * Where the session is shown is its place (NULL: nowhere), set by attach
 * and detach in any state; a running session shown nowhere is parked. A
 * locked one is shown at its place behind its station's lock screen: its
 * clients get no input and no frame callbacks. */
enum mp_session_state {
	MP_SESSION_STARTING = 0, // PAM opens it, its command starts
	MP_SESSION_ATTACHED,     // shown at a station
	MP_SESSION_LOCKED,
	MP_SESSION_PARKED,       // shown nowhere, programs running
	MP_SESSION_LOGGING_OFF,  // windows asked to close, grace running
	MP_SESSION_ENDING,       // clients gone, helper ends the processes
};

struct mp_session;

/* What a session tells the actions layer. */
struct mp_session_handler {
	// The session is over on its own: its command exited, its log off
	// is complete, its helper went away, or it could not start (failed:
	// reason is for the user). The actions layer ends it.
	void (*done)(struct mp_session *session, const char *reason, bool failed);
	// The session is gone: freed when this returns.
	void (*destroy)(struct mp_session *session);
	// Its unlock: PAM asks something more or says something (for the
	// lock screen), then the password was right or not.
	void (*unlock_prompt)(struct mp_session *session, const char *text,
		bool echo);
	void (*unlock_message)(struct mp_session *session, const char *text,
		bool error);
	void (*unlocked)(struct mp_session *session, bool ok,
		const char *reason);
};

/* A session output: a real wlr_output on a backend that is never rendered,
 * seen only by the session's clients, sized to a part of its station. */
struct mp_session_output {
	struct wlr_output *wlr_output;
	struct wl_list link; // mp_session.outputs
};

/* One user's running programs: a listening socket, the clients accepted
 * on it, their windows, a seat, session outputs, and the helper that
 * keeps its processes. */
struct mp_session {
	struct mp_server *server;
	struct wl_list link; // mp_server.sessions
	uint32_t id;
	char *user;
	uid_t uid;
	gid_t gid;
	time_t started;
	bool kiosk; // belongs to its kiosk station: never moves
	enum mp_session_state state;
	bool locked; // shown behind its lock screen (place != NULL)
	const struct mp_place *place; // where it is shown, NULL: nowhere
	struct mp_helper *helper;     // keeps its processes; NULL once over

	char *command;
	pid_t pid; // of its command, as the helper said; for display only
	char *dir;
	struct mp_socket *socket;
	struct wl_list clients; // mp_client.session_link
	struct wl_list views;   // mp_view.link, top first
	struct wlr_seat *seat;  // travels with the session
	struct wl_list outputs; // mp_session_output.link
	// Its windows: in its place's tree, or in the server's limbo.
	struct wlr_scene_tree *tree;
	struct wl_event_source *kill_timer;
	struct wl_event_source *logoff_timer;
	struct wl_event_source *logoff_idle; // its log off is complete

	// Kept by the actions layer: why and since when it is parked, the
	// station it comes back to when that station's hardware returns, and
	// the timers of the reattach window and the disconnected limit.
	struct {
		char reason[64];
		time_t since;
		char *home; // station name, NULL: none
		struct wl_event_source *home_timer;
		struct wl_event_source *limit_timer;
	} parking;

	// Kept by the actions layer: an admin's end with a warning.
	struct {
		int64_t deadline_ms; // CLOCK_MONOTONIC, 0: none
		struct wl_event_source *timer;
	} end_warning;

	struct mp_socket *admin_socket; // mpcomp-admin in its directory
	struct wl_listener request_set_selection;
};

/* A new session of the user PAM let in, in state starting; it takes the
 * helper over. seat_name names its wl_seat. NULL on failure (the helper
 * is then still the caller's). */
struct mp_session *session_create(struct mp_server *server,
	const struct mp_helper_identity *id, bool kiosk, struct mp_helper *helper,
	const char *seat_name);
/* Windows of session clients: listens to the xdg-shell's new surfaces. */
void session_listen_xdg_shell(struct mp_server *server);
/* Opens the PAM session and starts command (MPCOMP_STATION = seat). The session
 * may be gone when this returns (it could not start). */
void session_start(struct mp_session *session, const char *command,
	const char *seat);
/* Shows the session at place: windows, outputs sized to it; locked: behind
 * its station's lock screen from the start (no focus, no input). */
void session_attach(struct mp_session *session, const struct mp_place *place,
	bool locked);
/* The session leaves its place: windows to limbo, popups closed, focus
 * and devices dropped. reason is logged. */
void session_detach(struct mp_session *session, const char *reason);
/* The session goes from its place to another one (its user signed in
 * there): one step, its state unchanged. */
void session_move(struct mp_session *session, const struct mp_place *place,
	const char *reason);
/* Lock: the session stays at its place, its station shows the lock
 * screen; focus is dropped and menus closed (no input reaches it). */
void session_lock(struct mp_session *session, const char *reason);
/* Unlock: shown again, focus back to the window that had it. */
void session_unlock(struct mp_session *session, const char *reason);
/* The lock screen's password goes to PAM through the session's helper;
 * the answer comes to the handler (unlocked). false: it cannot be asked
 * now (an unlock runs, or the helper is not running the session). */
bool session_unlock_begin(struct mp_session *session, const char *secret);
/* The answer to a prompt of the unlock, or giving it up. */
void session_unlock_answer(struct mp_session *session, const char *text);
void session_unlock_cancel(struct mp_session *session);
/* Its place moved or changed size. */
void session_place_changed(struct mp_session *session);
/* Log off: windows asked to close; when they are or after the grace
 * period, the session is done. */
void session_logoff(struct mp_session *session);
/* Ends the session (its station must have let it go): its windows leave
 * the station, its clients are disconnected, its processes killed by the
 * helper, its socket and directory removed, then it is gone. */
void session_end(struct mp_session *session, const char *reason);
/* Compositor shutdown: the helper is killed (its processes come to the
 * compositor, which kills them) and the session is gone now (its station
 * must have let it go). */
void session_kill(struct mp_session *session);

/* Whether a sign-in of its user may move it to another station. */
bool session_is_movable(struct mp_session *session);
struct mp_session *session_for_uid(struct mp_server *server, uid_t uid);
struct mp_session *session_by_id(struct mp_server *server, uint32_t id);
const char *session_state_name(enum mp_session_state state);
size_t session_count_views(struct mp_session *session);

/* Input from its station, in layout coordinates. */
void session_set_keyboard(struct mp_session *session,
	struct wlr_input_device *device);
void session_key(struct mp_session *session, struct wlr_input_device *device,
	uint32_t time_msec, uint32_t keycode, uint32_t state);
void session_modifiers(struct mp_session *session,
	struct wlr_input_device *device);
/* Returns whether a window of the session is under the pointer. */
bool session_pointer_motion(struct mp_session *session, uint32_t time_msec,
	double lx, double ly);
void session_pointer_button(struct mp_session *session, uint32_t time_msec,
	double lx, double ly, uint32_t button, uint32_t state);
void session_pointer_axis(struct mp_session *session, uint32_t time_msec,
	enum wlr_axis_orientation orientation, double delta,
	int32_t delta_discrete, enum wlr_axis_source source);
void session_pointer_frame(struct mp_session *session);
void session_pointer_leave(struct mp_session *session);
/* Gives the keyboard focus to its top window. */
void session_focus(struct mp_session *session);
/* The one surface that alone covers its place (direct scanout), or NULL. */
struct wlr_surface *session_scanout_surface(struct mp_session *session,
	int *lx, int *ly);

/* The session as JSON: id, user, state, station, pid, clients, ... */
struct json_object *session_describe(struct mp_session *session);

#endif
