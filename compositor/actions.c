#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wlr/util/log.h>
#include "actions.h"
#include "desktop.h"
#include "helper.h"
#include "input.h"
#include "layout.h"
#include "learned.h"
#include "output.h"
#include "overlay/overlay.h"
#include "overlay/notice.h"
#include "server.h"
#include "session.h"
#include "station.h"
#include "util.h"

// Kiosk commands come back after 1 s, doubling up to 30 s while they keep
// failing; a run of 60 s or more starts the count again.
#define KIOSK_FIRST_DELAY_MS 1000
#define KIOSK_MAX_DELAY_MS 30000
#define KIOSK_GOOD_RUN_S 60

bool action_error(struct mp_error *err, enum mp_error_code code,
		const char *fmt, ...) {
	if (err != NULL) {
		err->code = code;
		va_list args;
		va_start(args, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, args);
		va_end(args);
	}
	return false;
}

static bool keep_change(struct mp_server *server, struct mp_error *err);
static void handle_pair_key(struct mp_input *input,
	struct mp_station *station);

/* Most refusals are about the state of what the action is for. */
#define fail(err, ...) action_error(err, MP_ERROR_WRONG_STATE, __VA_ARGS__)
#define fail_invalid(err, ...) action_error(err, MP_ERROR_INVALID, __VA_ARGS__)

/* ---- kiosk policy ---- */

static int handle_restart(void *data) {
	struct mp_station *station = data;
	wl_event_source_remove(station->kiosk.restart_timer);
	station->kiosk.restart_timer = NULL;
	struct mp_error err;
	if (!action_autologin(station, &err)) {
		wlr_log(WLR_ERROR, "station %s: kiosk restart: %s", station->name,
			err.text);
	}
	return 0;
}

static void schedule_restart(struct mp_station *station) {
	if (!station_is_kiosk(station) || station->server->terminating ||
			station->kiosk.restart_timer != NULL) {
		return;
	}
	time_t ran = time(NULL) - station->kiosk.started_at;
	if (station->kiosk.delay_ms == 0 || ran >= KIOSK_GOOD_RUN_S) {
		station->kiosk.delay_ms = KIOSK_FIRST_DELAY_MS;
	} else {
		station->kiosk.delay_ms *= 2;
		if (station->kiosk.delay_ms > KIOSK_MAX_DELAY_MS) {
			station->kiosk.delay_ms = KIOSK_MAX_DELAY_MS;
		}
	}
	station->kiosk.started_at = time(NULL);
	station->kiosk.restart_timer = wl_event_loop_add_timer(
		station->server->loop, handle_restart, station);
	if (station->kiosk.restart_timer == NULL) {
		wlr_log(WLR_ERROR, "station %s: cannot restart its kiosk command",
			station->name);
		return;
	}
	wl_event_source_timer_update(station->kiosk.restart_timer,
		station->kiosk.delay_ms);
	char status[64];
	snprintf(status, sizeof(status), "Restarting in %d s",
		station->kiosk.delay_ms / 1000);
	station_set_status(station, status);
	wlr_log(WLR_INFO, "station %s: kiosk command restarts in %d ms",
		station->name, station->kiosk.delay_ms);
	server_changed(station->server);
}

/* ---- sessions and stations ---- */

/* What a session at this station runs: the kiosk's command, the
 * station's or the global session command, else the first Wayland
 * session installed, else foot. */
static char *session_command_for(struct mp_station *station) {
	const struct mp_config *config = station->server->config;
	const struct mp_station_config *sc = station->config;
	if (sc != NULL && sc->role == MP_ROLE_KIOSK && sc->command != NULL) {
		return strdup(sc->command);
	}
	if (sc != NULL && sc->session_command != NULL) {
		return strdup(sc->session_command);
	}
	if (config->session_command != NULL) {
		return strdup(config->session_command);
	}
	char *exec = desktop_session_exec("/usr/share/wayland-sessions");
	return exec ? exec : strdup("foot");
}

/* ---- parking ---- */

static void stop_timer(struct wl_event_source **timer) {
	if (*timer != NULL) {
		wl_event_source_remove(*timer);
		*timer = NULL;
	}
}

/* The session is shown again: nothing of its parking is left. */
static void unpark(struct mp_session *session) {
	stop_timer(&session->parking.home_timer);
	stop_timer(&session->parking.limit_timer);
	free(session->parking.home);
	session->parking.home = NULL;
	session->parking.reason[0] = '\0';
	session->parking.since = 0;
}

static int handle_home_timer(void *data) {
	struct mp_session *session = data;
	stop_timer(&session->parking.home_timer);
	wlr_log(WLR_INFO, "session %u (%s): station %s did not come back within "
		"the reattach window; the session stays parked until its user "
		"signs in", session->id, session->user, session->parking.home);
	free(session->parking.home);
	session->parking.home = NULL;
	server_changed(session->server);
	return 0;
}

static void end_session(struct mp_session *session, const char *reason,
	const char *error);

static int handle_limit_timer(void *data) {
	struct mp_session *session = data;
	stop_timer(&session->parking.limit_timer);
	int limit = session->server->config->disconnected_limit_ms;
	char reason[128];
	snprintf(reason, sizeof(reason), "parked for more than the "
		"disconnected limit (%d s)", limit / 1000);
	wlr_log(WLR_INFO, "session %u (%s): %s: it ends", session->id,
		session->user, reason);
	end_session(session, reason, NULL);
	return 0;
}

/* A new timer in *timer, firing in ms; false: out of memory. */
static bool arm(struct wl_event_loop *loop, struct wl_event_source **timer,
		wl_event_loop_timer_func_t func, void *data, int ms) {
	*timer = wl_event_loop_add_timer(loop, func, data);
	if (*timer == NULL) {
		return false;
	}
	wl_event_source_timer_update(*timer, ms);
	return true;
}

/* The session leaves its station (which shows its greeter in the same
 * frame) and is parked: shown nowhere, its programs running. home: the
 * station it comes back to if its hardware returns in time. */
static void park(struct mp_session *session, const char *reason,
		struct mp_station *home) {
	struct mp_server *server = session->server;
	struct mp_station *station = station_of_session(server, session);
	if (station != NULL) {
		station_release_session(station, reason, NULL);
	}
	session_detach(session, reason);
	unpark(session);
	snprintf(session->parking.reason, sizeof(session->parking.reason), "%s",
		reason);
	session->parking.since = time(NULL);
	int window = server->config->reattach_window_ms;
	if (home != NULL && (session->kiosk || window > 0)) {
		session->parking.home = strdup(home->name);
		// A kiosk session belongs to its station: it waits for it.
		if (!session->kiosk && session->parking.home != NULL &&
				!arm(server->loop, &session->parking.home_timer,
					handle_home_timer, session, window)) {
			free(session->parking.home);
			session->parking.home = NULL;
		}
	}
	int limit = server->config->disconnected_limit_ms;
	if (limit > 0 && !session->kiosk &&
			!arm(server->loop, &session->parking.limit_timer,
				handle_limit_timer, session, limit)) {
		wlr_log(WLR_ERROR, "session %u (%s): cannot keep its disconnected "
			"limit", session->id, session->user);
	}
	server_changed(server);
}

/* Whether the session may be parked now (disconnect, suspend). */
static bool can_park(struct mp_session *session, struct mp_error *err) {
	if (session->kiosk) {
		return fail(err, "session %u is a kiosk's: it belongs to its "
			"station", session->id);
	}
	if (session->state == MP_SESSION_LOGGING_OFF ||
			session->state == MP_SESSION_ENDING) {
		return fail(err, "session %u is %s", session->id,
			session_state_name(session->state));
	}
	if (session->place == NULL) {
		return fail(err, "session %u is parked already", session->id);
	}
	return true;
}

/* The station showing the session (if any) lets it go: it shows its
 * greeter (with error on it, when not NULL) in the same frame. Returns
 * that station. */
static struct mp_station *release(struct mp_session *session,
		const char *reason, const char *error) {
	struct mp_station *station =
		station_of_session(session->server, session);
	if (station != NULL) {
		station_release_session(station, reason, error);
	}
	return station;
}

/* Ends the session; a kiosk station gets its command back later. */
static void end_session(struct mp_session *session, const char *reason,
		const char *error) {
	stop_timer(&session->end_warning.timer);
	session->end_warning.deadline_ms = 0;
	struct mp_station *station = release(session, reason, error);
	session_end(session, reason);
	if (station != NULL) {
		schedule_restart(station);
	}
}

/* The station shows the session, which is at its place now. */
static void shown_at(struct mp_session *session, struct mp_station *station) {
	unpark(session);
	station_show_session(station, session);
	station->kiosk.started_at = time(NULL);
}

/* The station's hardware is back: a session parked when it went away
 * within the reattach window comes back to it, locked (a kiosk's as it
 * was: nobody has its password). */
static void reattach(struct mp_station *station) {
	struct mp_session *session;
	wl_list_for_each(session, &station->server->sessions, link) {
		if (session->state == MP_SESSION_PARKED &&
				session->parking.home != NULL &&
				strcmp(session->parking.home, station->name) == 0) {
			wlr_log(WLR_INFO, "station %s: its hardware is back within the "
				"reattach window: session %u (%s) comes back%s",
				station->name, session->id, session->user,
				session->kiosk ? "" : " locked");
			station_signin_cancel(station);
			session_attach(session, &station->place, !session->kiosk);
			shown_at(session, station);
			return;
		}
	}
	// A kiosk whose session ended while it was away starts again (not
	// before its first start: the compositor's start-up does that).
	if (station_is_kiosk(station) && station->kiosk.started_at != 0 &&
			station->helper == NULL && station->kiosk.restart_timer == NULL) {
		struct mp_error err;
		if (!action_autologin(station, &err)) {
			wlr_log(WLR_ERROR, "station %s: kiosk start: %s", station->name,
				err.text);
		}
	}
}

/* A new session for the user the station's helper let in. */
static void open_session(struct mp_station *station) {
	struct mp_server *server = station->server;
	struct mp_helper *helper = station_take_helper(station);
	struct mp_helper_identity id = {
		.user = helper->user,
		.uid = helper->uid,
		.gid = helper->gid,
	};
	char *command = session_command_for(station);
	struct mp_session *session = command ? session_create(server, &id,
		station_is_kiosk(station), helper, station->name) : NULL;
	if (session == NULL) {
		helper_destroy(helper);
		free(command);
		station_show_error(station, "Cannot create the session");
		schedule_restart(station);
		return;
	}
	session_attach(session, &station->place, false);
	shown_at(session, station);
	session_start(session, command, station->name);
	free(command);
}

/* One session per user: it comes to the station where its user signed
 * in, with the same processes. */
static void move_session(struct mp_session *session,
		struct mp_station *to) {
	struct mp_station *from = station_of_session(session->server, session);
	char reason[128];
	snprintf(reason, sizeof(reason), "its user signed in at station %s",
		to->name);
	if (from == NULL) {
		wlr_log(WLR_INFO, "session %u (%s) resumes at station %s (it was "
			"parked: %s)", session->id, session->user, to->name,
			session->parking.reason);
		session_attach(session, &to->place, false);
	} else {
		station_release_session(from, reason, NULL);
		session_move(session, &to->place, reason);
	}
	shown_at(session, to);
}

/* Sessions that count against max-sessions: attached, locked, parked,
 * starting (not those on their way out). */
static int count_sessions(struct mp_server *server) {
	int n = 0;
	struct mp_session *session;
	wl_list_for_each(session, &server->sessions, link) {
		n += session->state != MP_SESSION_LOGGING_OFF &&
			session->state != MP_SESSION_ENDING;
	}
	return n;
}

static void handle_signed_in(struct mp_station *station,
		const struct mp_helper_identity *id) {
	struct mp_server *server = station->server;
	if (server->terminating) {
		station_signin_cancel(station);
		return;
	}
	// Kiosk sessions belong to their station (several kiosks may share
	// a user); any other user has at most one session.
	if (!station_is_kiosk(station) && (server->maintenance.on ||
			station->block.on)) {
		// Closed while PAM was at work: no new sign-in now.
		station_signin_cancel(station);
		station_show_error(station, station->block.on ?
			"This station is blocked" : "Sign-in is closed for maintenance");
		return;
	}
	struct mp_session *existing = station_is_kiosk(station) ? NULL :
		session_for_uid(server, id->uid);
	int max = server->config->max_sessions;
	if (existing == NULL && max > 0 && count_sessions(server) >= max) {
		char error[128];
		snprintf(error, sizeof(error), "No more sessions can start here "
			"(at most %d); ask an admin", max);
		wlr_log(WLR_INFO, "station %s: %s refused: %s", station->name,
			id->user, error);
		station_signin_cancel(station);
		station_show_error(station, error);
		return;
	}
	if (existing == NULL) {
		open_session(station);
	} else if (session_is_movable(existing)) {
		helper_destroy(station_take_helper(station));
		move_session(existing, station);
	} else {
		// It is logging off or ending: the new session starts once it
		// is gone (never moved to be killed a moment later).
		char status[128];
		snprintf(status, sizeof(status), "Waiting for the last session of "
			"%s to end…", id->user);
		wlr_log(WLR_INFO, "station %s: %s signs in once session %u (%s) is "
			"gone", station->name, id->user, existing->id,
			session_state_name(existing->state));
		// One user, one session: an earlier sign-in waiting for the same
		// session elsewhere gives way to this one.
		struct mp_station *other;
		wl_list_for_each(other, &server->stations, link) {
			if (other != station && other->awaited == existing) {
				char error[128];
				snprintf(error, sizeof(error), "%s signed in at station %s",
					id->user, station->name);
				station_signin_cancel(other);
				station_show_error(other, error);
			}
		}
		station_signin_wait(station, existing, status);
	}
}

static void handle_signin_failed(struct mp_station *station,
		const char *reason) {
	schedule_restart(station);
}

/* The lock screen's password goes to PAM through the session's helper. */
static bool unlock_with(struct mp_station *station, const char *secret,
		struct mp_error *err) {
	if (!session_unlock_begin(station->session, secret)) {
		return fail(err, "The password is still being checked; try again "
			"in a moment");
	}
	station_set_busy(station, true);
	return true;
}

/* What the user chose in the secure session menu (which is closed). */
static bool menu_chosen(struct mp_station *station, int item,
		struct mp_error *err) {
	struct mp_session *session = station->session;
	station_close_menu(station);
	if (session == NULL) {
		return fail(err, "no session here any more");
	}
	switch (item) {
	case MP_MENU_LOCK:
		return action_lock(station, "locked by its user", err);
	case MP_MENU_DISCONNECT:
		return action_disconnect(session, err);
	case MP_MENU_LOGOFF:
		return action_logoff(session, err);
	case MP_MENU_CANCEL:
		return true;
	}
	return fail(err, "no such menu item %d", item);
}

static void handle_intent(struct mp_station *station,
		const struct mp_intent *intent) {
	struct mp_error err = { 0 };
	bool ok = true;
	switch (intent->type) {
	case MP_INTENT_SUBMIT:
		ok = station_is_locked(station) ?
			unlock_with(station, intent->secret, &err) :
			action_signin(station, intent->user, intent->secret, &err);
		if (!ok) {
			station_show_error(station, err.text);
		}
		break;
	case MP_INTENT_ANSWER:
		if (station_is_locked(station)) {
			session_unlock_answer(station->session, intent->secret);
		} else {
			station_signin_answer(station, intent->secret);
		}
		break;
	case MP_INTENT_CANCEL:
		if (station->menu != NULL) {
			station_close_menu(station);
		} else if (station_is_locked(station)) {
			session_unlock_cancel(station->session);
			station_set_busy(station, false);
		} else {
			station_signin_cancel(station);
		}
		break;
	case MP_INTENT_LOGOFF:
		ok = station->session != NULL &&
			action_logoff(station->session, &err);
		break;
	case MP_INTENT_SECURE_KEY:
		if (station->menu != NULL) {
			station_close_menu(station);
		} else {
			ok = action_open_menu(station, &err);
		}
		break;
	case MP_INTENT_CHOOSE:
		ok = station->menu != NULL ?
			menu_chosen(station, intent->item, &err) :
			fail(&err, "no menu to choose from");
		break;
	case MP_INTENT_DISMISS:
		ok = station->notices[MP_STATION_MESSAGE] != NULL &&
			intent->overlay == &station->notices[MP_STATION_MESSAGE]->base ?
			action_dismiss_message(station, &err) :
			fail(&err, "nothing to dismiss");
		break;
	}
	if (!ok) {
		wlr_log(WLR_INFO, "station %s: %s", station->name,
			err.text[0] ? err.text : "nothing to do");
	}
}

static void handle_station_state(struct mp_station *station,
		enum mp_station_state old) {
	if (station->state == MP_STATION_OFFLINE) {
		// Hardware loss parks, never kills; a sign-in there is over.
		station_signin_cancel(station);
		struct mp_session *session = station->session;
		if (session != NULL) {
			char reason[96];
			snprintf(reason, sizeof(reason), "the hardware of station %s "
				"went away", station->name);
			park(session, reason, station);
		}
	} else if (old == MP_STATION_OFFLINE && station->session == NULL &&
			!station->server->terminating) {
		reattach(station);
	}
}

static void handle_idle(struct mp_station *station) {
	struct mp_error err;
	char reason[64];
	snprintf(reason, sizeof(reason), "idle for %d s",
		station_idle_lock_ms(station) / 1000);
	if (!action_lock(station, reason, &err)) {
		wlr_log(WLR_INFO, "station %s: no idle lock: %s", station->name,
			err.text);
	}
}

static const struct mp_station_handler station_handler = {
	.intent = handle_intent,
	.signed_in = handle_signed_in,
	.signin_failed = handle_signin_failed,
	.state_changed = handle_station_state,
	.idle = handle_idle,
};

static void handle_session_done(struct mp_session *session,
		const char *reason, bool failed) {
	end_session(session, reason, failed ? reason : NULL);
}

static void handle_session_destroy(struct mp_session *session) {
	struct mp_server *server = session->server;
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if (station->awaited == session) {
			station->awaited = NULL;
			if (server->terminating) {
				station_signin_cancel(station);
			} else {
				open_session(station);
			}
		}
	}
}

static void handle_unlock_prompt(struct mp_session *session,
		const char *text, bool echo) {
	struct mp_station *station = station_of_session(session->server, session);
	if (station != NULL && station_is_locked(station)) {
		station_show_prompt(station, text, echo);
	} else {
		session_unlock_cancel(session);
	}
}

static void handle_unlock_message(struct mp_session *session,
		const char *text, bool error) {
	struct mp_station *station = station_of_session(session->server, session);
	if (station != NULL) {
		station_add_message(station, text, error);
	}
}

static void handle_unlocked(struct mp_session *session, bool ok,
		const char *reason) {
	struct mp_station *station = station_of_session(session->server, session);
	if (station == NULL || !station_is_locked(station)) {
		return;
	}
	if (ok) {
		session_unlock(session, "its user's password");
		station_unlock(station, "unlocked by its user");
	} else {
		station_show_error(station, reason);
	}
}

static const struct mp_session_handler session_handler = {
	.done = handle_session_done,
	.destroy = handle_session_destroy,
	.unlock_prompt = handle_unlock_prompt,
	.unlock_message = handle_unlock_message,
	.unlocked = handle_unlocked,
};

void actions_init(struct mp_server *server) {
	server->pair_key = handle_pair_key;
	server->station_handler = &station_handler;
	server->session_handler = &session_handler;
}

/* ---- actions ---- */

bool action_signin(struct mp_station *station, const char *user,
		const char *secret, struct mp_error *err) {
	if (station->server->terminating) {
		return fail(err, "The compositor is stopping");
	}
	if (station->session != NULL) {
		return fail(err, "Station %s is in use", station->name);
	}
	if (station->block.on) {
		return fail(err, "Station %s is blocked", station->name);
	}
	if (station->server->maintenance.on) {
		return fail(err, "Sign-in is closed for maintenance");
	}
	if (user == NULL || user[0] == '\0') {
		return fail(err, "Type your user name first");
	}
	if (!station_begin_signin(station, user, secret, false)) {
		return action_error(err, MP_ERROR_FAILED,
			"Cannot start the sign-in helper");
	}
	return true;
}

bool action_autologin(struct mp_station *station, struct mp_error *err) {
	if (station->server->terminating) {
		return fail(err, "the compositor is stopping");
	}
	if (station->config == NULL || station->config->autologin == NULL) {
		return fail(err, "station %s has no autologin user", station->name);
	}
	if (station->session != NULL) {
		return fail(err, "station %s has a session already", station->name);
	}
	if (station_is_kiosk(station)) {
		station_set_status(station, "Starting…");
	}
	if (!station_begin_signin(station, station->config->autologin, NULL,
			true)) {
		schedule_restart(station);
		return fail(err, "cannot start the sign-in helper");
	}
	return true;
}

bool action_logoff(struct mp_session *session, struct mp_error *err) {
	if (session->state == MP_SESSION_LOGGING_OFF ||
			session->state == MP_SESSION_ENDING) {
		return fail(err, "session %u is %s already", session->id,
			session_state_name(session->state));
	}
	session_logoff(session);
	return true;
}

bool action_lock(struct mp_station *station, const char *reason,
		struct mp_error *err) {
	struct mp_session *session = station->session;
	if (session == NULL) {
		return fail(err, "station %s has no session", station->name);
	}
	if (station_is_kiosk(station)) {
		return fail(err, "station %s is a kiosk: it is not locked",
			station->name);
	}
	if (station_is_locked(station)) {
		return fail(err, "station %s is locked already", station->name);
	}
	if (station->state != MP_STATION_ACTIVE ||
			(session->state != MP_SESSION_ATTACHED &&
			session->state != MP_SESSION_STARTING)) {
		return fail(err, "station %s cannot be locked now (%s, session %s)",
			station->name, station_state_name(station->state),
			session_state_name(session->state));
	}
	session_lock(session, reason);
	station_lock(station, reason);
	return true;
}

bool action_unlock(struct mp_station *station, struct mp_error *err) {
	if (!station_is_locked(station)) {
		return fail(err, "station %s is not locked", station->name);
	}
	session_unlock(station->session, "unlocked by an admin");
	station_unlock(station, "unlocked by an admin");
	return true;
}

bool action_disconnect(struct mp_session *session, struct mp_error *err) {
	if (!can_park(session, err)) {
		return false;
	}
	park(session, "disconnected by its user", NULL);
	return true;
}

bool action_suspend(struct mp_session *session, struct mp_error *err) {
	if (!can_park(session, err)) {
		return false;
	}
	park(session, "suspended by an admin", NULL);
	return true;
}

bool action_open_menu(struct mp_station *station, struct mp_error *err) {
	if (station->session == NULL || station->state != MP_STATION_ACTIVE) {
		return fail(err, "station %s shows no session: no menu",
			station->name);
	}
	if (station_is_kiosk(station)) {
		return fail(err, "station %s is a kiosk: no session menu",
			station->name);
	}
	if (station->session->state == MP_SESSION_LOGGING_OFF) {
		return fail(err, "session %u is logging off", station->session->id);
	}
	if (!station_open_menu(station)) {
		return fail(err, "cannot open the session menu at station %s",
			station->name);
	}
	return true;
}

bool action_end_session(struct mp_session *session, const char *reason,
		struct mp_error *err) {
	if (session->state == MP_SESSION_ENDING) {
		return fail(err, "session %u is ending already", session->id);
	}
	end_session(session, reason, NULL);
	return true;
}

bool action_end_all(struct mp_server *server, const char *reason,
		struct mp_error *err) {
	struct mp_session *session, *tmp;
	wl_list_for_each_safe(session, tmp, &server->sessions, link) {
		if (session->state != MP_SESSION_ENDING) {
			action_end_session(session, reason, NULL);
		}
	}
	return true;
}

/* ---- an admin's actions ---- */

/* A text an admin gives: at most MP_ACTION_TEXT_MAX bytes of UTF-8, no
 * control characters (it is drawn on one line). */
static bool check_text(const char *text, const char *what,
		struct mp_error *err) {
	size_t len = strlen(text);
	if (len > MP_ACTION_TEXT_MAX) {
		return fail_invalid(err, "the %s is %zu bytes long (at most %d)",
			what, len, MP_ACTION_TEXT_MAX);
	}
	const char *p = text;
	while (*p != '\0') {
		uint32_t c;
		if (!util_utf8_next(&p, &c)) {
			return fail_invalid(err, "the %s is not valid UTF-8", what);
		}
		if (c < 0x20 || c == 0x7f) {
			return fail_invalid(err, "the %s has a control character",
				what);
		}
	}
	return true;
}

static bool check_seconds(unsigned seconds, unsigned max, const char *what,
		struct mp_error *err) {
	if (seconds > max) {
		return fail_invalid(err, "%s of %u s is out of range (0 to %u)",
			what, seconds, max);
	}
	return true;
}

static int handle_block_timer(void *data) {
	struct mp_station *station = data;
	stop_timer(&station->block.timer);
	wlr_log(WLR_INFO, "station %s: its block time is over", station->name);
	action_unblock(station, NULL);
	return 0;
}

static int handle_message_timer(void *data) {
	struct mp_station *station = data;
	stop_timer(&station->message.timer);
	action_dismiss_message(station, NULL);
	return 0;
}

/* Sets *slot to a copy of text (NULL for NULL or ""). */
static bool set_text(char **slot, const char *text, struct mp_error *err) {
	char *copy = NULL;
	if (text != NULL && text[0] != '\0' && (copy = strdup(text)) == NULL) {
		return action_error(err, MP_ERROR_FAILED, "out of memory");
	}
	free(*slot);
	*slot = copy;
	return true;
}

/* An admin's block or message (n) of the station goes on with text, for
 * seconds (0: until it is taken off); expire takes it off. */
static bool notice_on(struct mp_station *station, struct mp_admin_notice *n,
		const char *text, unsigned seconds, wl_event_loop_timer_func_t expire,
		struct mp_error *err) {
	if (!set_text(&n->text, text, err)) {
		return false;
	}
	stop_timer(&n->timer);
	if (seconds != 0 && !arm(station->server->loop, &n->timer, expire,
			station, (int)(seconds * 1000))) {
		return action_error(err, MP_ERROR_FAILED, "out of memory");
	}
	n->until = seconds ? time(NULL) + seconds : 0;
	n->on = true;
	return true;
}

static void notice_off(struct mp_admin_notice *n) {
	stop_timer(&n->timer);
	n->on = false;
	n->until = 0;
	free(n->text);
	n->text = NULL;
}

bool action_block(struct mp_station *station, const char *text,
		unsigned seconds, struct mp_error *err) {
	if (!check_text(text ? text : "", "block message", err) ||
			!check_seconds(seconds, MP_ACTION_SECONDS_MAX, "a block", err)) {
		return false;
	}
	if (!notice_on(station, &station->block, text, seconds,
			handle_block_timer, err)) {
		return false;
	}
	// No one signs in behind a block.
	if (!station_is_kiosk(station)) {
		station_signin_cancel(station);
	}
	wlr_log(WLR_INFO, "station %s: blocked by an admin%s%s", station->name,
		text && text[0] ? ": " : "", text ? text : "");
	station_update_notices(station);
	return true;
}

bool action_unblock(struct mp_station *station, struct mp_error *err) {
	if (!station->block.on) {
		return fail(err, "station %s is not blocked", station->name);
	}
	notice_off(&station->block);
	wlr_log(WLR_INFO, "station %s: unblocked", station->name);
	station_update_notices(station);
	return true;
}

bool action_message(struct mp_station *station, const char *text,
		unsigned seconds, struct mp_error *err) {
	if (text == NULL || text[0] == '\0') {
		return fail_invalid(err, "the message is empty");
	}
	if (!check_text(text, "message", err) ||
			!check_seconds(seconds, MP_ACTION_SECONDS_MAX, "a message",
				err) ||
			!notice_on(station, &station->message, text, seconds,
				handle_message_timer, err)) {
		return false;
	}
	wlr_log(WLR_INFO, "station %s: message from an admin: %s",
		station->name, text);
	station_update_notices(station);
	return true;
}

bool action_dismiss_message(struct mp_station *station,
		struct mp_error *err) {
	if (!station->message.on) {
		return fail(err, "station %s shows no message", station->name);
	}
	notice_off(&station->message);
	wlr_log(WLR_INFO, "station %s: message closed", station->name);
	station_update_notices(station);
	return true;
}

/* The end warning's countdown: each second its banner says how long is
 * left; at 0 the session ends. */
static int handle_end_warning(void *data) {
	struct mp_session *session = data;
	int64_t left = session->end_warning.deadline_ms - util_now_ms();
	if (left <= 0) {
		wlr_log(WLR_INFO, "session %u (%s): its warning is over: it ends",
			session->id, session->user);
		end_session(session, "ended by an admin", NULL);
		return 0;
	}
	wl_event_source_timer_update(session->end_warning.timer,
		left % 1000 ? (int)(left % 1000) : 1000);
	struct mp_station *station = station_of_session(session->server, session);
	if (station != NULL) {
		station_update_notices(station);
	}
	server_changed(session->server);
	return 0;
}

bool action_end_warned(struct mp_session *session, unsigned seconds,
		const char *reason, struct mp_error *err) {
	if (seconds == 0) {
		return action_end_session(session, reason, err);
	}
	if (!check_seconds(seconds, MP_ACTION_WARN_MAX, "a warning", err)) {
		return false;
	}
	if (session->state == MP_SESSION_ENDING) {
		return fail(err, "session %u is ending already", session->id);
	}
	if (session->end_warning.deadline_ms != 0) {
		return fail(err, "session %u is warned already: it ends in %lld s",
			session->id, (long long)((session->end_warning.deadline_ms -
			util_now_ms() + 999) / 1000));
	}
	if (!arm(session->server->loop, &session->end_warning.timer,
			handle_end_warning, session, 1000)) {
		return action_error(err, MP_ERROR_FAILED, "out of memory");
	}
	session->end_warning.deadline_ms = util_now_ms() + (int64_t)seconds * 1000;
	wlr_log(WLR_INFO, "session %u (%s): ends in %u s (%s)", session->id,
		session->user, seconds, reason);
	struct mp_station *station = station_of_session(session->server, session);
	if (station != NULL) {
		station_update_notices(station);
	}
	server_changed(session->server);
	return true;
}

static void update_all_notices(struct mp_server *server) {
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		station_update_notices(station);
	}
	server_changed(server);
}

bool action_identify(struct mp_server *server, bool on,
		struct mp_error *err) {
	server->identify = on;
	wlr_log(WLR_INFO, "identify %s", on ? "on" : "off");
	update_all_notices(server);
	return true;
}

bool action_maintenance(struct mp_server *server, bool on,
		const char *message, struct mp_error *err) {
	if (!check_text(message ? message : "", "maintenance message", err) ||
			!set_text(&server->maintenance.message, on ? message : NULL,
				err)) {
		return false;
	}
	server->maintenance.on = on;
	wlr_log(WLR_INFO, "maintenance %s%s%s", on ? "on" : "off",
		on && message && message[0] ? ": " : "",
		on && message ? message : "");
	if (on) {
		// Sign-ins under way at greeters are over (kiosks go on).
		struct mp_station *station;
		wl_list_for_each(station, &server->stations, link) {
			if (!station_is_kiosk(station) && station->session == NULL &&
					station->helper != NULL) {
				station_signin_cancel(station);
			}
		}
	}
	update_all_notices(server);
	return true;
}

/* A name an admin gives a station (rename, split). */
static bool check_station_name(const char *name, struct mp_error *err) {
	size_t len = strlen(name);
	if (len == 0 || len > MP_ACTION_NAME_MAX ||
			strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"0123456789-_.") != len) {
		return fail_invalid(err, "bad station name '%s' (1 to %d letters, "
			"digits, '-', '_' or '.')", name, MP_ACTION_NAME_MAX);
	}
	return true;
}

bool action_rename(struct mp_station *station, const char *name,
		struct mp_error *err) {
	if (!check_station_name(name, err)) {
		return false;
	}
	struct mp_station *other = station_by_name(station->server, name);
	if (other == station) {
		return true;
	}
	if (other != NULL) {
		return fail_invalid(err, "another station is named %s", name);
	}
	// Sessions waiting for its hardware wait under its new name.
	struct mp_session *session;
	wl_list_for_each(session, &station->server->sessions, link) {
		if (session->parking.home != NULL &&
				strcmp(session->parking.home, station->name) == 0) {
			char *home = strdup(name);
			if (home == NULL) {
				return action_error(err, MP_ERROR_FAILED, "out of memory");
			}
			free(session->parking.home);
			session->parking.home = home;
		}
	}
	if (!station_rename(station, name)) {
		return action_error(err, MP_ERROR_FAILED, "out of memory");
	}
	// Kept in stations.ini: the station has this name after a restart.
	struct mp_learned_station *ls =
		learned_station(station->server->learned, station->key, true);
	char *copy = strcmp(name, station->key) != 0 ? strdup(name) : NULL;
	if (ls == NULL || (copy == NULL && strcmp(name, station->key) != 0)) {
		free(copy);
		return action_error(err, MP_ERROR_FAILED, "out of memory");
	}
	free(ls->name);
	ls->name = copy;
	return keep_change(station->server, err);
}

void actions_stop(struct mp_server *server) {
	server->terminating = true;
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if (station->kiosk.restart_timer != NULL) {
			wl_event_source_remove(station->kiosk.restart_timer);
			station->kiosk.restart_timer = NULL;
		}
		station_signin_cancel(station);
	}
	action_end_all(server, "the compositor exits", NULL);
}

void actions_kill_all(struct mp_server *server) {
	struct mp_session *session, *tmp;
	wl_list_for_each_safe(session, tmp, &server->sessions, link) {
		release(session, "the compositor exits now", NULL);
		session_kill(session);
	}
}

/* ---- pairing and layout ---- */

static bool save_learned(struct mp_server *server, struct mp_error *err) {
	char *why = NULL;
	if (!learned_save(server->learned, &why)) {
		wlr_log(WLR_ERROR, "cannot save what was learned: %s", why);
		action_error(err, MP_ERROR_FAILED, "cannot save %s: %s",
			server->learned->path, why ? why : "out of memory");
		free(why);
		return false;
	}
	wlr_log(WLR_INFO, "saved %s", server->learned->path);
	return true;
}

/* Pairs the device's hub group with station (NULL: forgets its pairing)
 * and saves it; on failure the old pairing stays. Every device then goes
 * where it belongs. */
static bool pair_group(struct mp_input *input, struct mp_station *station,
		struct mp_error *err) {
	struct mp_server *server = input->server;
	const char *group = input->identity.group;
	const char *old = learned_pairing(server->learned, group);
	char *saved_old = old ? strdup(old) : NULL;
	if (!learned_set_pairing(server->learned, group,
			station ? station->key : NULL)) {
		free(saved_old);
		return action_error(err, MP_ERROR_FAILED, "out of memory");
	}
	if (!save_learned(server, err)) {
		learned_set_pairing(server->learned, group, saved_old);
		free(saved_old);
		return false;
	}
	free(saved_old);
	input_rematch_all(server);
	return true;
}

/* A key shown for pairing was pressed on a keyboard that may take it. */
static void handle_pair_key(struct mp_input *input,
		struct mp_station *station) {
	struct mp_error err;
	if (!pair_group(input, station, &err)) {
		wlr_log(WLR_ERROR, "input %s: pairing with station %s failed: %s",
			input->name, station->name, err.text);
		input_set_pairing_note(input->server, err.text);
		return;
	}
	input_set_pairing_note(input->server, NULL);
	actions_station_paired(station);
}

static void pairing_changed(struct mp_server *server) {
	update_all_notices(server);
	server_changed(server);
}

bool action_pairing(struct mp_server *server, bool on, struct mp_error *err) {
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		station->pairing_done = false;
	}
	if (server->pairing != on) {
		wlr_log(WLR_INFO, "pairing mode %s", on ? "on" : "off");
	}
	server->pairing = on;
	if (!on) {
		input_set_pairing_note(server, NULL);
	}
	pairing_changed(server);
	return true;
}

void actions_station_paired(struct mp_station *station) {
	struct mp_server *server = station->server;
	if (!server->pairing) {
		return;
	}
	station->pairing_done = true;
	// Pairing mode ends when no free station waits for its keyboard.
	struct mp_station *other;
	wl_list_for_each(other, &server->stations, link) {
		if (station_shows_key(other)) {
			pairing_changed(server);
			return;
		}
	}
	action_pairing(server, false, NULL);
}

bool action_clear_pairings(struct mp_server *server, struct mp_error *err) {
	size_t n = 0;
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if (station->session == NULL) {
			n += learned_forget_station(server->learned, station->key);
		}
	}
	wlr_log(WLR_INFO, "%zu learned pairing(s) forgotten", n);
	// Forgotten now, written or not: what is shown is what holds.
	bool kept = keep_change(server, err);
	input_rematch_all(server);
	action_pairing(server, true, NULL);
	return kept;
}

/* Each station given (NULLs skipped) is changed by a layout change: a
 * session shown there is parked when park is set, else it is refused. */
static bool clear_stations(struct mp_station **stations, size_t n,
		bool park_them, struct mp_error *err) {
	for (size_t i = 0; i < n; i++) {
		struct mp_station *st = stations[i];
		if (st == NULL || st->session == NULL) {
			continue;
		}
		if (st->session->kiosk) {
			return fail(err, "station %s runs a kiosk session (%u): end it "
				"first", st->name, st->session->id);
		}
		if (!park_them) {
			return fail(err, "station %s is in use (session %u of %s): "
				"give --park to park its session first", st->name,
				st->session->id, st->session->user);
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct mp_station *st = stations[i];
		if (st != NULL && st->session != NULL) {
			park(st->session, "parked for a layout change", NULL);
		}
	}
	return true;
}

/* Its layout is saved in what was learned (not yet written). */
static bool learn_layout(struct mp_station *station, struct mp_error *err) {
	struct mp_learned_station *ls =
		learned_station(station->server->learned, station->key, true);
	if (ls == NULL || !learned_station_set_outputs(ls,
			station->layout.outputs, station->layout.n_outputs,
			station->layout.split)) {
		return action_error(err, MP_ERROR_FAILED, "out of memory");
	}
	ls->removed = false;
	return true;
}

/* Writes what was learned and applies the new layout. */
/* After a change that is in effect already (a layout change, a rename):
 * writes stations.ini, and when that fails, says so plainly (the change
 * holds until mpcomp exits). */
static bool keep_change(struct mp_server *server, struct mp_error *err) {
	struct mp_error why;
	if (save_learned(server, &why)) {
		return true;
	}
	return action_error(err, MP_ERROR_FAILED, "done, but not kept over a "
		"restart: %s", why.text);
}

static bool layout_changed(struct mp_server *server, struct mp_error *err) {
	bool saved = keep_change(server, err);
	layout_arrange(server);
	input_rematch_all(server);
	pairing_changed(server);
	return saved;
}

/* Whether name is free for a new station: no station, and no station
 * stations.ini knows, has it. */
static bool name_free(struct mp_server *server, const char *name) {
	if (station_by_name(server, name) != NULL) {
		return false;
	}
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if (strcmp(station->key, name) == 0) {
			return false;
		}
	}
	return learned_station(server->learned, name, false) == NULL;
}

bool action_split(struct mp_station *station, const char *new_name,
		bool park_it, struct mp_error *err) {
	struct mp_server *server = station->server;
	if (station->layout.n_outputs != 1 ||
			station->layout.split != MP_SPLIT_NONE) {
		return fail(err, "station %s is not one whole output: only such a "
			"station can be split", station->name);
	}
	if (station_is_kiosk(station) ||
			(station->config != NULL && station->config->autologin != NULL)) {
		return fail(err, "station %s signs a user in by itself: it cannot "
			"be split", station->name);
	}
	if (station->place.n_parts != 1 || station->parts[0]->output == NULL) {
		return fail(err, "station %s has no output connected to split",
			station->name);
	}
	struct wlr_output *output = station->parts[0]->output->wlr_output;
	int width, height;
	wlr_output_effective_resolution(output, &width, &height);
	if (width <= 1024 && height <= 768) {
		return fail(err, "output %s is %dx%d: halves of a screen of "
			"1024x768 or less are too small to use", output->name, width,
			height);
	}
	char name[MP_ACTION_NAME_MAX + 1];
	if (new_name != NULL && new_name[0] != '\0') {
		if (!check_station_name(new_name, err)) {
			return false;
		}
		if (!name_free(server, new_name)) {
			return fail_invalid(err, "a station named %s exists already",
				new_name);
		}
		snprintf(name, sizeof(name), "%s", new_name);
	} else {
		bool found = false;
		for (int i = 2; i < 100 && !found; i++) {
			int n = snprintf(name, sizeof(name), "%.28s-%d", station->name, i);
			found = n > 0 && (size_t)n < sizeof(name) && name_free(server, name);
		}
		if (!found) {
			return fail(err, "no free name for the new station: give one");
		}
	}
	if (!clear_stations(&station, 1, park_it, err)) {
		return false;
	}
	char *entry = strdup(station->layout.outputs[0]);
	struct mp_station *right = entry ?
		station_create(server, name, station->config) : NULL;
	if (right == NULL || !station_set_layout(right, &entry, 1,
			MP_SPLIT_RIGHT) || !station_set_layout(station, &entry, 1,
			MP_SPLIT_LEFT)) {
		free(entry);
		station_destroy(right);
		return action_error(err, MP_ERROR_FAILED, "out of memory");
	}
	free(entry);
	struct mp_learned_station *ls = NULL;
	if (!learn_layout(station, err) || !learn_layout(right, err) ||
			(ls = learned_station(server->learned, right->key, false)) ==
				NULL) {
		return false;
	}
	free(ls->from);
	ls->from = strdup(station->key);
	wlr_log(WLR_INFO, "station %s: split; its right half is station %s",
		station->name, right->name);
	return layout_changed(server, err);
}

/* The station on the other half of station's output, or NULL. */
static struct mp_station *other_half(struct mp_station *station) {
	struct mp_station *other;
	wl_list_for_each(other, &station->server->stations, link) {
		if (other != station && other->layout.n_outputs == 1 &&
				other->layout.split != MP_SPLIT_NONE &&
				other->layout.split != station->layout.split &&
				strcmp(other->layout.outputs[0],
					station->layout.outputs[0]) == 0) {
			return other;
		}
	}
	return NULL;
}

bool action_join(struct mp_station *station, bool park_it,
		struct mp_error *err) {
	struct mp_server *server = station->server;
	if (station->layout.n_outputs != 1 ||
			station->layout.split == MP_SPLIT_NONE) {
		return fail(err, "station %s is not half of an output: nothing to "
			"join", station->name);
	}
	struct mp_station *other = other_half(station);
	struct mp_station *affected[] = { station, other };
	if (!clear_stations(affected, 2, park_it, err)) {
		return false;
	}
	if (other != NULL) {
		// Its devices come along: the pairings of their hub groups.
		struct mp_input *input;
		wl_list_for_each(input, &server->inputs, link) {
			if (input->station == other && !learned_set_pairing(
					server->learned, input->identity.group, station->key)) {
				return action_error(err, MP_ERROR_FAILED, "out of memory");
			}
		}
		if (!learned_move_pairings(server->learned, other->key,
				station->key)) {
			return action_error(err, MP_ERROR_FAILED, "out of memory");
		}
		// One made by a split is forgotten; one of mpcomp.ini's is kept
		// out from now on.
		struct mp_learned_station *ls =
			learned_station(server->learned, other->key, false);
		if (ls != NULL && ls->from != NULL) {
			learned_remove_station(server->learned, other->key);
		} else if ((ls = learned_station(server->learned, other->key,
				true)) != NULL) {
			ls->removed = true;
		} else {
			return action_error(err, MP_ERROR_FAILED, "out of memory");
		}
		wlr_log(WLR_INFO, "station %s: joined with station %s, which goes",
			station->name, other->name);
		input_unassign_station(server, other);
		station_destroy(other);
	}
	char *entry = station->layout.outputs[0];
	if (!station_set_layout(station, &entry, 1, MP_SPLIT_NONE) ||
			!learn_layout(station, err)) {
		return action_error(err, MP_ERROR_FAILED, "out of memory");
	}
	return layout_changed(server, err);
}

bool action_assign_output(struct mp_server *server, const char *name,
		struct mp_station *station, bool park_it, struct mp_error *err) {
	struct mp_output *found = output_find(server, name);
	if (found == NULL) {
		return action_error(err, MP_ERROR_NOT_FOUND, "no output %s is "
			"connected", name);
	}
	size_t n = (size_t)wl_list_length(&server->stations) + 1;
	struct mp_station **affected = calloc(n, sizeof(*affected));
	if (affected == NULL) {
		return action_error(err, MP_ERROR_FAILED, "out of memory");
	}
	size_t k = 0;
	affected[k++] = station;
	struct mp_station *other;
	wl_list_for_each(other, &server->stations, link) {
		if (other != station && station_wants_output(other, found)) {
			affected[k++] = other;
		}
	}
	bool ok = clear_stations(affected, k, park_it, err);
	for (size_t i = 1; ok && i < k; i++) {
		// The others let it go (their other outputs stay theirs).
		struct mp_station *st = affected[i];
		char **keep = calloc(st->layout.n_outputs + 1, sizeof(*keep));
		size_t n_keep = 0;
		if (keep == NULL) {
			ok = action_error(err, MP_ERROR_FAILED, "out of memory");
			break;
		}
		for (size_t o = 0; o < st->layout.n_outputs; o++) {
			if (!output_is(found, st->layout.outputs[o])) {
				keep[n_keep++] = st->layout.outputs[o];
			}
		}
		ok = station_set_layout(st, keep, n_keep, n_keep > 0 ?
				st->layout.split : MP_SPLIT_NONE) && learn_layout(st, err);
		free(keep);
		if (!ok) {
			action_error(err, MP_ERROR_FAILED, "out of memory");
		}
	}
	free(affected);
	if (!ok) {
		return false;
	}
	char *entry = (char *)name;
	if (!station_set_layout(station, &entry, 1, MP_SPLIT_NONE) ||
			!learn_layout(station, err)) {
		return action_error(err, MP_ERROR_FAILED, "out of memory");
	}
	wlr_log(WLR_INFO, "station %s: output %s assigned to it", station->name,
		name);
	return layout_changed(server, err);
}

bool action_assign_device(struct mp_server *server, const char *name,
		struct mp_station *station, bool park_it, struct mp_error *err) {
	struct mp_input *input = input_by_name(server, name);
	if (input == NULL) {
		return action_error(err, MP_ERROR_NOT_FOUND, "no device %s", name);
	}
	if (strcmp(input->rule, "config") == 0 ||
			strcmp(input->rule, "default") == 0) {
		return fail(err, "device %s goes to station %s by mpcomp.ini (%s): "
			"change the configuration instead", name, input->station ?
			input->station->name : "-", strcmp(input->rule, "config") == 0 ?
			"its devices = lines" : "the only station takes every device");
	}
	if (input->station == station) {
		return true;
	}
	struct mp_station *affected[] = { input->station, station };
	if (!clear_stations(affected, 2, park_it, err)) {
		return false;
	}
	wlr_log(WLR_INFO, "input %s: assigned to %s", name,
		station ? station->name : "no station");
	if (!pair_group(input, station, err)) {
		return false;
	}
	pairing_changed(server);
	if (station != NULL && input->station != station) {
		return fail(err, "device %s still goes to %s by rule %s",
			name, input->station ? input->station->name : "no station",
			input->rule);
	}
	return true;
}
