#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wlr/util/log.h>
#include "actions.h"
#include "desktop.h"
#include "helper.h"
#include "overlay/overlay.h"
#include "server.h"
#include "session.h"
#include "station.h"

// Kiosk commands come back after 1 s, doubling up to 30 s while they keep
// failing; a run of 60 s or more starts the count again.
#define KIOSK_FIRST_DELAY_MS 1000
#define KIOSK_MAX_DELAY_MS 30000
#define KIOSK_GOOD_RUN_S 60

static bool fail(struct mp_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool fail(struct mp_error *err, const char *fmt, ...) {
	if (err != NULL) {
		va_list args;
		va_start(args, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, args);
		va_end(args);
	}
	return false;
}

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
	struct mp_station *station = release(session, reason, error);
	session_end(session, reason);
	if (station != NULL) {
		schedule_restart(station);
	}
}

/* The station shows the session, which is at its place now. */
static void shown_at(struct mp_session *session, struct mp_station *station) {
	station_show_session(station, session);
	station->kiosk.started_at = time(NULL);
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
	session_attach(session, &station->place);
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
		session_attach(session, &to->place);
	} else {
		station_release_session(from, reason, NULL);
		session_move(session, &to->place, reason);
	}
	shown_at(session, to);
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
	struct mp_session *existing = station_is_kiosk(station) ? NULL :
		session_for_uid(server, id->uid);
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

static void handle_intent(struct mp_station *station,
		const struct mp_intent *intent) {
	struct mp_error err = { 0 };
	bool ok = true;
	switch (intent->type) {
	case MP_INTENT_SUBMIT:
		ok = action_signin(station, intent->user, intent->secret, &err);
		if (!ok) {
			station_show_error(station, err.text);
		}
		break;
	case MP_INTENT_ANSWER:
		station_signin_answer(station, intent->secret);
		break;
	case MP_INTENT_CANCEL:
		station_signin_cancel(station);
		break;
	case MP_INTENT_LOGOFF:
		ok = station->session != NULL &&
			action_logoff(station->session, &err);
		break;
	case MP_INTENT_CHOOSE:
		ok = fail(&err, "no menu to choose from");
		break;
	}
	if (!ok) {
		wlr_log(WLR_INFO, "station %s: %s", station->name,
			err.text[0] ? err.text : "nothing to do");
	}
}

static const struct mp_station_handler station_handler = {
	.intent = handle_intent,
	.signed_in = handle_signed_in,
	.signin_failed = handle_signin_failed,
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

static const struct mp_session_handler session_handler = {
	.done = handle_session_done,
	.destroy = handle_session_destroy,
};

void actions_init(struct mp_server *server) {
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
	if (user == NULL || user[0] == '\0') {
		return fail(err, "Type your user name first");
	}
	if (!station_begin_signin(station, user, secret, false)) {
		return fail(err, "Cannot start the sign-in helper");
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
