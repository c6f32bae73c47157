#ifndef MP_SIGNIN_H
#define MP_SIGNIN_H

#include <stdbool.h>
#include <sys/types.h>
#include <wayland-server-core.h>
#include "auth/frame.h"

struct mp_server;
struct mp_station;
struct mp_session;

/* One mpcomp-session helper process: first a sign-in at a station (the
 * PAM conversation goes to its greeter), then, once its session is open,
 * the keeper of that session's processes. */
struct mp_signin {
	struct mp_server *server;
	struct wl_list link; // mp_server.signins
	struct mp_station *station; // signing in here; NULL once handed over
	struct mp_session *session; // once opened; NULL before
	pid_t pid;
	int fd;
	struct wl_event_source *source;
	struct wl_event_source *timeout;
	struct mp_frame_reader reader;
	char *user;
	char *password; // answer to PAM's first hidden prompt, may be NULL
	bool autologin;
	bool waiting_for_user; // a prompt is on the greeter
};

/* Starts the helper for user at station (station->signin). password, when
 * not NULL, answers PAM's first hidden prompt. */
struct mp_signin *signin_start(struct mp_station *station, const char *user,
	const char *password, bool autologin);
void signin_answer(struct mp_signin *signin, const char *text);
/* Abandons a sign-in in progress (kills the helper). NULL is a no-op. */
void signin_cancel(struct mp_signin *signin);
/* The session's processes are to end: SIGTERM, SIGKILL after grace_ms. */
void signin_end_session(struct mp_signin *signin, int grace_ms);
void signin_destroy(struct mp_signin *signin);
/* The helper process pid exited (from SIGCHLD). */
void signin_handle_exit(struct mp_server *server, pid_t pid, int status);

#endif
