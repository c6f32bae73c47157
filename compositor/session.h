#ifndef MP_SESSION_H
#define MP_SESSION_H

#include <stdbool.h>
#include <sys/types.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_seat.h>

struct mp_server;
struct mp_station;
struct mp_socket;

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
	enum mp_session_state state;
	struct mp_station *station; // attached to, may be NULL

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

	struct wl_listener request_set_cursor;
	struct wl_listener request_set_selection;
	struct wl_listener request_set_primary_selection;
};

/* Creates a session for the compositor's own user, its socket, seat and
 * outputs, attaches it to the station and starts command there. */
struct mp_session *session_start(struct mp_server *server,
	struct mp_station *station, const char *command);
/* Ends the session: clients disconnected, processes killed, socket and
 * directory removed, station freed. */
void session_end(struct mp_session *session, const char *reason);
/* Frees ending sessions of which no process is left. */
void session_check_ending(struct mp_server *server);
/* Compositor shutdown: SIGKILL whatever is left and free it now. */
void session_kill_now(struct mp_session *session);
/* Frees what is left once ended; NULL is a no-op. */
void session_destroy(struct mp_session *session);
/* A child exited: ends its session if pid is a session leader. */
void session_handle_child_exit(struct mp_server *server, pid_t pid,
	int status);
const char *session_state_name(enum mp_session_state state);
void session_set_state(struct mp_session *session,
	enum mp_session_state state);
/* Re-creates session outputs for the station's parts. */
void session_update_outputs(struct mp_session *session);
bool session_owns_output_global(struct mp_session *session,
	const struct wl_global *global);
void session_update_capabilities(struct mp_session *session);

#endif
