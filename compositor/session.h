#ifndef MP_SESSION_H
#define MP_SESSION_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_seat.h>

struct mp_server;
struct mp_station;
struct mp_socket;
struct mp_signin;
struct json_object;

enum mp_session_state {
	MP_SESSION_STARTING = 0,
	MP_SESSION_ATTACHED,
	MP_SESSION_LOCKED,
	MP_SESSION_PARKED,
	MP_SESSION_ENDING,
};

/* A session output: a real wlr_output on a backend that is never rendered,
 * seen only by the session's clients, sized to a part of its station. */
struct mp_session_output {
	struct wlr_output *wlr_output;
	struct wl_list link; // mp_session.outputs
};

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
	struct mp_station *station; // attached to, may be NULL
	struct mp_station *last_station; // where it was when it began ending
	struct mp_signin *helper;   // keeps its processes; NULL once over

	char *command;
	pid_t pid;  // leader of the session's process group, 0 once reaped
	pid_t pgid; // its process group, kept after the leader is reaped
	char *dir;
	struct mp_socket *socket;
	struct wl_list clients; // mp_client.session_link
	struct wl_list views;   // mp_view.link, top first
	struct wlr_seat *seat;  // travels with the session
	struct wl_list outputs; // mp_session_output.link
	struct wl_event_source *kill_timer;
	struct wl_event_source *logoff_timer;

	struct wl_listener request_set_cursor;
	struct wl_listener request_set_selection;
	struct wl_listener request_set_primary_selection;
};

/* PAM let a user in at the sign-in's station (payload of AUTHENTICATED):
 * their session moves here if they have one, else a new one opens.
 * Returns false when the sign-in was destroyed (nothing more to do). */
bool session_signed_in(struct mp_signin *signin, const char *payload,
	size_t len);
void session_command_started(struct mp_session *session, pid_t pid);
/* The helper said ENDED (status) or went away (-1). Frees the session. */
void session_helper_ended(struct mp_session *session, int status);
/* Log off: windows asked to close, then after the grace period the end. */
void session_logoff(struct mp_session *session);
/* Ends the session now: station freed, clients disconnected, processes
 * killed by the helper, socket and directory removed. */
void session_end(struct mp_session *session, const char *reason);
/* Frees what is left once ended; NULL is a no-op. */
void session_destroy(struct mp_session *session);
struct mp_session *server_session_for_uid(struct mp_server *server,
	uid_t uid);
/* Kills orphans of sessions whose helper died (they come to us). */
void session_kill_orphans(struct mp_server *server);
/* Compositor shutdown: SIGKILL whatever is left and free it now. */
void session_kill_now(struct mp_session *session);
const char *session_state_name(enum mp_session_state state);
void session_set_state(struct mp_session *session,
	enum mp_session_state state);
/* Matches the session outputs to its station (see session.c). */
void session_update_outputs(struct mp_session *session);
bool session_owns_output_global(struct mp_session *session,
	const struct wl_global *global);
void session_update_capabilities(struct mp_session *session);
/* The session as JSON: id, user, state, station, pid, clients, ... */
struct json_object *session_describe(struct mp_session *session);

#endif
