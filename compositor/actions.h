#ifndef MP_ACTIONS_H
#define MP_ACTIONS_H

/* Every operation that crosses objects (stations, sessions, helpers) is
 * written once here. Key bindings and overlays (through their station),
 * the test protocol and the admin protocol call only these, the way sway
 * keeps IPC and key bindings on one command path. Each returns whether it
 * was done; when not, err (may be NULL) says why, for a human. */

#include <stdbool.h>

struct mp_server;
struct mp_station;
struct mp_session;

/* Why an action was not done: the kind of reason (the admin protocol's
 * error codes) and the reason for a human. */
enum mp_error_code {
	MP_ERROR_NONE = 0,
	MP_ERROR_DENIED,      // not allowed to whoever asked
	MP_ERROR_NOT_FOUND,   // no such station or session
	MP_ERROR_INVALID,     // an argument out of range or malformed
	MP_ERROR_WRONG_STATE, // not possible in the target's state
	MP_ERROR_FAILED,      // tried and failed (out of memory, ...)
};

struct mp_error {
	enum mp_error_code code;
	char text[256];
};

/* Sets err (may be NULL) to code and a reason; returns false, for
 * "return action_error(...)". */
bool action_error(struct mp_error *err, enum mp_error_code code,
	const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Limits of what admins give (texts in bytes, times in seconds). */
#define MP_ACTION_TEXT_MAX 512
#define MP_ACTION_NAME_MAX 32
#define MP_ACTION_SECONDS_MAX 604800
#define MP_ACTION_WARN_MAX 3600

/* Makes the actions layer the handler of what stations and sessions
 * report (server->station_handler, server->session_handler). */
void actions_init(struct mp_server *server);

/* A user typed their name and password at a free station. */
bool action_signin(struct mp_station *station, const char *user,
	const char *secret, struct mp_error *err);
/* Signs the station's configured user in (autologin, kiosk). */
bool action_autologin(struct mp_station *station, struct mp_error *err);
/* Log off: windows asked to close, the session ends when they are or
 * after the grace period. */
bool action_logoff(struct mp_session *session, struct mp_error *err);
/* Lock: the station shows its lock screen instead of the session, in the
 * same frame; no input reaches the session until its user's password (or
 * action_unlock) unlocks it. */
bool action_lock(struct mp_station *station, const char *reason,
	struct mp_error *err);
/* Unlock without a password (an admin's). */
bool action_unlock(struct mp_station *station, struct mp_error *err);
/* Disconnect (its user) and suspend (an admin): the session is parked,
 * its station shows its greeter in the same frame; its programs run on,
 * shown nowhere, until its user signs in at any station. */
bool action_disconnect(struct mp_session *session, struct mp_error *err);
bool action_suspend(struct mp_session *session, struct mp_error *err);
/* The secure session menu of the station's session. */
bool action_open_menu(struct mp_station *station, struct mp_error *err);
/* Ends one session now, in whatever state it is. */
bool action_end_session(struct mp_session *session, const char *reason,
	struct mp_error *err);
/* Ends the session after warning its user for seconds (a countdown
 * banner on its station); 0 ends it now. */
bool action_end_warned(struct mp_session *session, unsigned seconds,
	const char *reason, struct mp_error *err);
/* Ends every session. */
bool action_end_all(struct mp_server *server, const char *reason,
	struct mp_error *err);
/* An admin's block: the station shows text (NULL or "": a default) over
 * everything, on all its outputs, and takes no input, until unblocked or
 * for seconds (0: no limit); a session there stays intact behind it. */
bool action_block(struct mp_station *station, const char *text,
	unsigned seconds, struct mp_error *err);
bool action_unblock(struct mp_station *station, struct mp_error *err);
/* A message banner over what the station shows, closed by its user, or
 * by itself after seconds (0: no limit). */
bool action_message(struct mp_station *station, const char *text,
	unsigned seconds, struct mp_error *err);
bool action_dismiss_message(struct mp_station *station,
	struct mp_error *err);
/* Every station shows its name and key over everything (or stops). */
bool action_identify(struct mp_server *server, bool on,
	struct mp_error *err);
/* Maintenance mode: no new sign-in at any greeter, a banner with message
 * (may be NULL) on them; sessions go on. */
bool action_maintenance(struct mp_server *server, bool on,
	const char *message, struct mp_error *err);
bool action_rename(struct mp_station *station, const char *name,
	struct mp_error *err);

/* Pairing mode (mpmgr pair): every free station (no session shown) shows
 * its key (F1, F2, ...); a keyboard not at a station in use that presses
 * one takes its hub group to that station, and the pairing is saved.
 * Off: only stations without a keyboard keep showing their key (they
 * always do). */
bool action_pairing(struct mp_server *server, bool on, struct mp_error *err);
/* A station was paired by key press: in pairing mode it stops showing
 * its key, and the mode ends when no free station shows one. */
void actions_station_paired(struct mp_station *station);
/* Forgets the learned pairings of every free station (saved at once);
 * their devices matched by a pairing become unassigned, and pairing mode
 * starts. Stations in use keep theirs. */
bool action_clear_pairings(struct mp_server *server, struct mp_error *err);
/* Runtime layout changes, saved in stations.ini. Each is refused while a
 * session is shown at a station it changes, unless park: then such
 * sessions are parked first (never lost).
 * split: a station of one whole output becomes its left half, and a new
 * station (new_name, or "NAME-2" for NULL) its right half; refused for an
 * output of 1024x768 or less.
 * join: a station on half an output takes the whole output back; the
 * other half's station goes, its devices join this one.
 * assign_output: the output (connector or edid: name) goes to station,
 * leaving the station that had it.
 * assign_device: the device (its name), and its whole hub group, goes to
 * station (NULL: unassigned). */
bool action_split(struct mp_station *station, const char *new_name,
	bool park, struct mp_error *err);
bool action_join(struct mp_station *station, bool park,
	struct mp_error *err);
bool action_assign_output(struct mp_server *server, const char *output,
	struct mp_station *station, bool park, struct mp_error *err);
bool action_assign_device(struct mp_server *server, const char *device,
	struct mp_station *station, bool park, struct mp_error *err);

/* The compositor exits: kiosk restarts and sign-ins in progress are
 * cancelled, no session starts any more, and every session is ended. */
void actions_stop(struct mp_server *server);
/* After actions_stop: sessions whose helpers did not end them in time
 * are gone now (their helpers killed, and all that comes to the
 * compositor from them). */
void actions_kill_all(struct mp_server *server);

#endif
