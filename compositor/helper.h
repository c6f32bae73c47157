#ifndef MP_HELPER_H
#define MP_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <wayland-server-core.h>
#include "auth/frame.h"

struct mp_server;
struct json_object;

/* Who PAM let in. */
struct mp_helper_identity {
	const char *user;
	uid_t uid;
	gid_t gid;
};

/* What a helper reports to its owner: the station while it signs someone
 * in, the session afterwards. After failed or ended the helper has no
 * more to say and its owner destroys it. A callback may destroy the
 * helper; the strings it is given stay valid until it returns. */
struct mp_helper_listener {
	void (*prompt)(void *data, const char *text, bool echo);
	void (*message)(void *data, const char *text, bool error);
	void (*authenticated)(void *data, const struct mp_helper_identity *id);
	void (*failed)(void *data, const char *reason);
	void (*started)(void *data, pid_t pid);
	// The session's processes are over: the command's exit status, or
	// -1 when the helper went away without saying.
	void (*ended)(void *data, int status);
	// The unlock asked by helper_unlock is over: ok, or not and why
	// (reason NULL when ok). Not after helper_unlock_cancel or
	// helper_end.
	void (*unlocked)(void *data, bool ok, const char *reason);
};

enum mp_helper_phase {
	MP_HELPER_AUTHENTICATING, // PAM conversation
	MP_HELPER_AUTHENTICATED,  // waiting for OPEN (or to be cancelled)
	MP_HELPER_OPENING,        // pam_open_session, fork of the command
	MP_HELPER_RUNNING,        // the session's processes run
	MP_HELPER_ENDING,         // told to end them
	MP_HELPER_DONE,           // said failed or ended, or went away
};

/* One mpcomp-session process: first a sign-in (the PAM conversation),
 * then, once its session is open, the keeper of that session's processes
 * (see auth/helper.c). */
struct mp_helper {
	struct mp_server *server;
	struct wl_list link; // mp_server.helpers
	pid_t pid;           // 0 once reaped
	int fd;              // socketpair, non-blocking
	char *user;          // as typed; as PAM names it once authenticated
	uid_t uid;           // once authenticated
	gid_t gid;
	char *secret;        // answers PAM's first hidden prompt, may be NULL
	bool autologin;
	bool waiting_for_user; // a prompt is shown and waits for an answer
	enum mp_helper_phase phase;
	// Its running session's user proves who they are (helper_unlock): the
	// owner waits for unlocked.
	bool unlocking;
	// Unlocks given up (cancelled, timed out) whose answer has not come
	// yet: what the helper says until it has is theirs, not the
	// current unlock's.
	unsigned unlocks_abandoned;
	struct wl_event_source *source;
	// A sign-in (or the opening of its session, or an unlock) that stays
	// silent for signin-timeout is given up; not while a prompt waits for
	// the user.
	struct wl_event_source *timeout;
	struct mp_frame_reader reader;
	struct mp_frame_queue out; // frames not written yet
	bool unwritable; // it closed its end: nothing more is sent

	const struct mp_helper_listener *listener;
	void *data;
	bool *destroyed; // set by helper_destroy while a callback runs
	// Let go by its owner, its process still running: it ends on its own
	// (PAM closed as it should be), or is killed when kill_timer fires.
	bool closing;
	struct wl_event_source *kill_timer;
};

/* Starts a helper signing user in. secret, when not NULL, answers PAM's
 * first hidden prompt; autologin skips authentication (PAM still checks
 * the account and opens the session). NULL on failure. */
struct mp_helper *helper_spawn(struct mp_server *server, const char *user,
	const char *secret, bool autologin,
	const struct mp_helper_listener *listener, void *data);
/* Hands the helper to another owner (a session, once it is open). */
void helper_set_listener(struct mp_helper *helper,
	const struct mp_helper_listener *listener, void *data);
/* Answers the prompt shown (while signing in, opening the session or
 * unlocking). */
void helper_answer(struct mp_helper *helper, const char *text);
/* Opens the session: payload is "key=value\0" items of its environment
 * ending with command=. */
void helper_open(struct mp_helper *helper, const char *payload, size_t len);
/* The session is to end: SIGTERM to its processes, SIGKILL after
 * grace_ms, PAM session closed, then ended. An unlock under way is over
 * without unlocked. */
void helper_end(struct mp_helper *helper, int grace_ms);
/* Its running session's user proves who they are, through PAM (the
 * configured service) in the helper: secret, when not NULL nor empty,
 * answers the first hidden prompt, any other prompt goes to the owner
 * (answered with helper_answer); then unlocked says how it went. An
 * unlock silent for signin-timeout (not while a prompt waits for the
 * user) is given up: unlocked says so, and the helper keeps its session.
 * False, and nothing sent, unless the session runs (phase running) and
 * no unlock is under way. */
bool helper_unlock(struct mp_helper *helper, const char *secret);
/* Gives up the unlock under way, if any: no unlocked for it. */
void helper_unlock_cancel(struct mp_helper *helper);
/* Its owner lets the helper go. A process that still runs is told so
 * (its socket closes): it ends what it does the way it would on its own
 * (a PAM conversation fails, a session ends after a short grace, PAM is
 * closed) and exits; if it has not within a few seconds it is killed.
 * NULL: no-op. */
void helper_destroy(struct mp_helper *helper);
/* The same, but a process that still runs is killed now (it did not
 * answer, or the compositor exits). */
void helper_kill(struct mp_helper *helper);
/* Compositor exit: every helper, let go or not, is killed and freed. */
void helper_kill_all(struct mp_server *server);
/* From SIGCHLD: pid exited. Returns whether it was a helper of ours. */
bool helper_reaped(struct mp_server *server, pid_t pid);
/* Whether pid is a helper process that runs (not reaped). */
bool helper_is_running(struct mp_server *server, pid_t pid);
const char *helper_phase_name(enum mp_helper_phase phase);
/* The helper as JSON: pid, phase, unlocking; NULL gives null. */
struct json_object *helper_describe(struct mp_helper *helper);

#endif
