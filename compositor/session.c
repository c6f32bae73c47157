#include <assert.h>
#include <errno.h>
#include <json-c/json.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/backend/headless.h>
#include <wlr/interfaces/wlr_output.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/util/log.h>
#include "client.h"
#include "server.h"
#include "session.h"
#include "signin.h"
#include "socket.h"
#include "auth/proc.h"
#include "desktop.h"
#include "station.h"
#include "test.h"
#include "describe.h"
#include "view.h"

#define KILL_GRACE_MS 3000

const char *session_state_name(enum mp_session_state state) {
	switch (state) {
	case MP_SESSION_STARTING:
		return "starting";
	case MP_SESSION_ATTACHED:
		return "attached";
	case MP_SESSION_LOCKED:
		return "locked";
	case MP_SESSION_PARKED:
		return "parked";
	case MP_SESSION_ENDING:
		return "ending";
	}
	return "unknown";
}

/* The one place where a session changes state. */
void session_set_state(struct mp_session *session,
		enum mp_session_state state) {
	if (session->state == state) {
		return;
	}
	wlr_log(WLR_INFO, "session %u (%s): %s -> %s%s%s", session->id,
		session->user, session_state_name(session->state),
		session_state_name(state), session->station ? " at station " : "",
		session->station ? session->station->name : "");
	session->state = state;
	server_state_changed(session->server);
}

static void session_output_destroy(struct mp_session_output *output) {
	wl_list_remove(&output->link);
	wlr_output_destroy(output->wlr_output);
	free(output);
}

/* Matches the session's outputs to its station's parts: resized when they
 * differ, created or destroyed only when the number of screens does. A
 * session without a station keeps the outputs it had. */
void session_update_outputs(struct mp_session *session) {
	struct mp_station *station = session->station;
	if (station == NULL || station->n_parts == 0) {
		return;
	}
	size_t want = station->n_parts;
	size_t i = 0;
	struct mp_session_output *output, *tmp;
	wl_list_for_each_safe(output, tmp, &session->outputs, link) {
		if (i >= want) {
			session_output_destroy(output);
			continue;
		}
		struct wlr_box *box = &station->parts[i].box;
		if (output->wlr_output->width != box->width ||
				output->wlr_output->height != box->height) {
			wlr_output_update_custom_mode(output->wlr_output, box->width,
				box->height, 0);
		}
		i++;
	}
	for (; i < want; i++) {
		struct wlr_box *box = &station->parts[i].box;
		output = calloc(1, sizeof(*output));
		if (output == NULL) {
			return;
		}
		output->wlr_output = wlr_headless_add_output(
			session->server->session_backend, box->width, box->height);
		if (output->wlr_output == NULL) {
			free(output);
			return;
		}
		char name[32];
		snprintf(name, sizeof(name), "MP-%zu", i + 1);
		wlr_output_set_name(output->wlr_output, name);
		wlr_output_create_global(output->wlr_output);
		wl_list_insert(session->outputs.prev, &output->link);
	}
}

bool session_owns_output_global(struct mp_session *session,
		const struct wl_global *global) {
	struct mp_session_output *output;
	wl_list_for_each(output, &session->outputs, link) {
		if (output->wlr_output->global == global) {
			return true;
		}
	}
	return false;
}

void session_update_capabilities(struct mp_session *session) {
	uint32_t caps = 0;
	struct mp_station *station = session->station;
	if (station != NULL) {
		if (station->n_keyboards > 0) {
			caps |= WL_SEAT_CAPABILITY_KEYBOARD;
		}
		if (station->n_pointers > 0) {
			caps |= WL_SEAT_CAPABILITY_POINTER;
		}
	}
	wlr_seat_set_capabilities(session->seat, caps);
}

static void handle_request_set_cursor(struct wl_listener *listener,
		void *data) {
	struct mp_session *session =
		wl_container_of(listener, session, request_set_cursor);
	struct wlr_seat_pointer_request_set_cursor_event *event = data;
	// Only the client the pointer is over may set its image.
	if (session->station == NULL || event->seat_client !=
			session->seat->pointer_state.focused_client) {
		return;
	}
	station_set_cursor_surface(session->station, event->surface,
		event->hotspot_x, event->hotspot_y);
}

static void handle_request_set_selection(struct wl_listener *listener,
		void *data) {
	struct mp_session *session =
		wl_container_of(listener, session, request_set_selection);
	struct wlr_seat_request_set_selection_event *event = data;
	wlr_seat_set_selection(session->seat, event->source, event->serial);
}

/* What a session runs: the station's, the global one, or a Wayland session
 * installed on the machine, or foot. */
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

static void add_env(char *buf, size_t *len, const char *key,
		const char *value) {
	if (!frame_add_field(buf, len, MP_FRAME_MAX_PAYLOAD, key, value)) {
		wlr_log(WLR_ERROR, "session environment too large: %s dropped", key);
	}
}

/* A new session for a user PAM has just let in. */
static struct mp_session *session_create(struct mp_server *server,
		struct mp_station *station, const char *user, uid_t uid, gid_t gid) {
	struct mp_session *session = calloc(1, sizeof(*session));
	if (session == NULL) {
		return NULL;
	}
	session->server = server;
	session->id = ++server->next_session_id;
	session->uid = uid;
	session->gid = gid;
	session->user = strdup(user);
	session->state = MP_SESSION_STARTING;
	session->started = time(NULL);
	wl_list_init(&session->clients);
	wl_list_init(&session->views);
	wl_list_init(&session->outputs);
	wl_list_init(&session->link);
	wl_list_init(&session->request_set_cursor.link);
	wl_list_init(&session->request_set_selection.link);

	if (asprintf(&session->dir, "%s/session-%u", server->runtime_dir,
			session->id) < 0) {
		session->dir = NULL;
		goto error;
	}
	if (mkdir(session->dir, 0700) < 0) {
		wlr_log_errno(WLR_ERROR, "session %u: mkdir %s", session->id,
			session->dir);
		free(session->dir);
		session->dir = NULL;
		goto error;
	}
	char *path = NULL;
	if (asprintf(&path, "%s/wayland-0", session->dir) < 0) {
		goto error;
	}
	session->socket = socket_create(server, path, MP_CLIENT_SESSION, session);
	free(path);
	if (session->socket == NULL) {
		goto error;
	}
	// The directory and socket belong to the user, 0700.
	if (getuid() == 0 && (chown(session->dir, uid, gid) < 0 ||
			chown(session->socket->path, uid, gid) < 0)) {
		wlr_log_errno(WLR_ERROR, "session %u: chown", session->id);
		goto error;
	}

	session->seat = wlr_seat_create(server->display, station->name);
	if (session->seat == NULL) {
		goto error;
	}
	session->seat->data = session;
	session->request_set_cursor.notify = handle_request_set_cursor;
	wl_signal_add(&session->seat->events.request_set_cursor,
		&session->request_set_cursor);
	session->request_set_selection.notify = handle_request_set_selection;
	wl_signal_add(&session->seat->events.request_set_selection,
		&session->request_set_selection);
	wl_list_insert(server->sessions.prev, &session->link);
	return session;

error:
	wlr_log(WLR_ERROR, "station %s: cannot create a session for %s",
		station->name, user);
	session_destroy(session);
	return NULL;
}

struct mp_session *server_session_for_uid(struct mp_server *server,
		uid_t uid) {
	struct mp_session *session;
	wl_list_for_each(session, &server->sessions, link) {
		if (session->uid == uid && !session->kiosk &&
				session->state != MP_SESSION_ENDING) {
			return session;
		}
	}
	return NULL;
}

bool session_signed_in(struct mp_signin *signin, const char *payload,
		size_t len) {
	struct mp_server *server = signin->server;
	struct mp_station *station = signin->station;
	const char *uid_s = frame_field(payload, len, "uid");
	const char *gid_s = frame_field(payload, len, "gid");
	const char *user = frame_field(payload, len, "user");
	if (station == NULL || uid_s == NULL || gid_s == NULL || user == NULL) {
		signin_cancel(signin);
		return false;
	}
	uid_t uid = (uid_t)strtoul(uid_s, NULL, 10);
	gid_t gid = (gid_t)strtoul(gid_s, NULL, 10);

	// One session per user: it comes here, from wherever it is. Kiosk
	// sessions belong to their station (several kiosks may share a user).
	bool kiosk = station_is_kiosk(station);
	struct mp_session *existing = kiosk ? NULL :
		server_session_for_uid(server, uid);
	if (existing != NULL) {
		signin_cancel(signin);
		struct mp_station *from = existing->station;
		if (from != NULL) {
			wlr_log(WLR_INFO, "session %u (%s): moves from station %s to "
				"station %s", existing->id, existing->user, from->name,
				station->name);
		} else {
			wlr_log(WLR_INFO, "session %u (%s): resumes at station %s",
				existing->id, existing->user, station->name);
		}
		if (from != NULL) {
			station_detach_session(from);
		}
		station_attach_session(station, existing);
		return false;
	}

	struct mp_session *session = session_create(server, station, user, uid,
		gid);
	if (session == NULL) {
		signin_cancel(signin);
		station_signin_failed(station, "Cannot create the session");
		return false;
	}
	session->kiosk = kiosk;
	session->helper = signin;
	signin->session = session;
	signin->station = NULL;
	station->signin = NULL;
	session->command = session_command_for(station);

	char buf[MP_FRAME_MAX_PAYLOAD];
	size_t n = 0;
	add_env(buf, &n, "WAYLAND_DISPLAY", session->socket->path);
	add_env(buf, &n, "?XDG_RUNTIME_DIR", session->dir);
	add_env(buf, &n, "XDG_SEAT", station->name);
	add_env(buf, &n, "XDG_SESSION_TYPE", "wayland");
	add_env(buf, &n, "XDG_SESSION_CLASS", "user");
	if (server->test != NULL) {
		add_env(buf, &n, "MPCOMP_TEST_SOCKET", test_socket_path(server->test));
	}
	add_env(buf, &n, "command", session->command);
	if (!frame_write(signin->fd, MP_FRAME_OPEN, buf, n)) {
		station_attach_session(station, session);
		session_end(session, "the helper went away");
		return false;
	}
	station_attach_session(station, session);
	return true;
}

void session_command_started(struct mp_session *session, pid_t pid) {
	session->pid = session->pgid = pid;
	wlr_log(WLR_INFO, "session %u (%s): started '%s' as pid %d on %s%s%s",
		session->id, session->user, session->command, pid,
		session->socket ? session->socket->path : "(closed)",
		session->station ? " at station " : "",
		session->station ? session->station->name : "");
	server_state_changed(session->server);
}

static bool process_group_alive(pid_t pgid) {
	return pgid > 0 && (kill(-pgid, 0) == 0 || errno == EPERM);
}

/* Forgets the session's helper, killing it first when asked. */
static void drop_helper(struct mp_session *session, bool kill_it) {
	struct mp_signin *helper = session->helper;
	if (helper == NULL) {
		return;
	}
	if (kill_it && helper->pid > 0) {
		kill(helper->pid, SIGKILL);
	}
	session->helper = NULL;
	signin_destroy(helper);
}

/* The session is over: nothing of it may stay. */
static void finish(struct mp_session *session) {
	struct mp_station *station = session->last_station;
	if (process_group_alive(session->pgid)) {
		kill(-session->pgid, SIGKILL);
	}
	wlr_log(WLR_INFO, "session %u (%s): ended", session->id, session->user);
	session_destroy(session);
	if (station != NULL) {
		station_session_gone(station);
	}
}

static int handle_kill_timer(void *data) {
	struct mp_session *session = data;
	wlr_log(WLR_ERROR, "session %u: helper did not end it in time, killing "
		"what is left", session->id);
	finish(session); // session_destroy kills the helper
	return 0;
}

static int handle_logoff_timer(void *data) {
	struct mp_session *session = data;
	session_end(session, "log off: grace period over");
	return 0;
}

void session_logoff(struct mp_session *session) {
	if (session->state == MP_SESSION_ENDING || session->logoff_timer != NULL) {
		return;
	}
	int grace = session->server->config->logoff_grace_ms;
	wlr_log(WLR_INFO, "session %u (%s): log off, windows asked to close, "
		"%d ms grace", session->id, session->user, grace);
	struct mp_view *view;
	int n = 0;
	wl_list_for_each(view, &session->views, link) {
		wlr_xdg_toplevel_send_close(view->xdg_surface);
		n++;
	}
	if (n == 0 || grace == 0) {
		session_end(session, "log off");
		return;
	}
	session->logoff_timer = wl_event_loop_add_timer(session->server->loop,
		handle_logoff_timer, session);
	if (session->logoff_timer == NULL) {
		session_end(session, "log off");
		return;
	}
	wl_event_source_timer_update(session->logoff_timer, grace);
}

void session_end(struct mp_session *session, const char *reason) {
	if (session->state == MP_SESSION_ENDING) {
		return;
	}
	wlr_log(WLR_INFO, "session %u (%s): ending: %s", session->id,
		session->user, reason);
	session->last_station = session->station;
	session_set_state(session, MP_SESSION_ENDING);
	if (session->station != NULL) {
		station_detach_session(session->station);
	}
	if (session->logoff_timer != NULL) {
		wl_event_source_remove(session->logoff_timer);
		session->logoff_timer = NULL;
	}

	// No new clients, then none of the old ones.
	socket_destroy(session->socket);
	session->socket = NULL;
	struct mp_client *client, *tmp;
	wl_list_for_each_safe(client, tmp, &session->clients, session_link) {
		wl_client_destroy(client->client);
	}

	if (session->helper == NULL) {
		finish(session);
		return;
	}
	// The helper kills every process of the session (SIGTERM, then
	// SIGKILL), closes the PAM session and says ENDED.
	signin_end_session(session->helper, KILL_GRACE_MS);
	session->kill_timer = wl_event_loop_add_timer(session->server->loop,
		handle_kill_timer, session);
	if (session->kill_timer != NULL) {
		wl_event_source_timer_update(session->kill_timer,
			KILL_GRACE_MS + 5000);
	}
}

void session_helper_ended(struct mp_session *session, int status) {
	if (status >= 0) {
		wlr_log(WLR_INFO, "session %u (%s): command ended (status %d)",
			session->id, session->user, status);
	} else {
		wlr_log(WLR_ERROR, "session %u (%s): its helper stopped",
			session->id, session->user);
	}
	// A helper that said ENDED is done; one that did not is killed.
	drop_helper(session, status < 0);
	session->pid = 0;
	if (status < 0) {
		session_kill_orphans(session->server);
	}
	if (session->state != MP_SESSION_ENDING) {
		session_end(session, "its command exited");
	} else {
		finish(session);
	}
}

void session_kill_orphans(struct mp_server *server) {
	// Every helper is the subreaper of its session, so a child of ours
	// that is no helper was left by a session whose helper died.
	pid_t helpers[64];
	size_t n = 0;
	struct mp_signin *signin;
	wl_list_for_each(signin, &server->signins, link) {
		if (signin->pid > 0 && n < 64) {
			helpers[n++] = signin->pid;
		}
	}
	int killed = proc_signal_children(getpid(), SIGKILL, helpers, n);
	if (killed > 0) {
		wlr_log(WLR_INFO, "killed %d process(es) left by ended sessions",
			killed);
	}
}

void session_kill_now(struct mp_session *session) {
	session->last_station = NULL;
	finish(session); // session_destroy kills the helper
}

void session_destroy(struct mp_session *session) {
	if (session == NULL) {
		return;
	}
	assert(session->station == NULL);
	// A helper still there did not end the session in time: it goes too.
	drop_helper(session, true);
	if (session->kill_timer != NULL) {
		wl_event_source_remove(session->kill_timer);
	}
	if (session->logoff_timer != NULL) {
		wl_event_source_remove(session->logoff_timer);
	}
	struct mp_client *client, *ctmp;
	wl_list_for_each_safe(client, ctmp, &session->clients, session_link) {
		wl_client_destroy(client->client);
	}
	struct mp_session_output *output, *tmp;
	wl_list_for_each_safe(output, tmp, &session->outputs, link) {
		session_output_destroy(output);
	}
	wl_list_remove(&session->request_set_cursor.link);
	wl_list_remove(&session->request_set_selection.link);
	if (session->seat != NULL) {
		wlr_seat_destroy(session->seat);
	}
	socket_destroy(session->socket);
	if (session->dir != NULL) {
		rmdir(session->dir);
	}
	wl_list_remove(&session->link);
	free(session->dir);
	free(session->command);
	free(session->user);
	free(session);
}

struct json_object *session_describe(struct mp_session *session) {
	struct json_object *s = json_object_new_object();
	json_object_object_add(s, "id", json_object_new_int64(session->id));
	json_object_object_add(s, "user", json_object_new_string(session->user));
	json_object_object_add(s, "uid", json_object_new_int64(session->uid));
	json_object_object_add(s, "state",
		json_object_new_string(session_state_name(session->state)));
	json_object_object_add(s, "station", session->station ?
		json_object_new_string(session->station->name) : NULL);
	json_object_object_add(s, "kiosk", json_object_new_boolean(session->kiosk));
	json_object_object_add(s, "pid", json_object_new_int(session->pid));
	json_object_object_add(s, "started",
		json_object_new_int64((int64_t)session->started));
	json_object_object_add(s, "clients",
		json_object_new_int(wl_list_length(&session->clients)));
	int views = 0;
	struct mp_view *view;
	wl_list_for_each(view, &session->views, link) {
		views += view->mapped;
	}
	json_object_object_add(s, "views", json_object_new_int(views));
	json_object_object_add(s, "socket",
		describe_string(session->socket ? session->socket->path : NULL));
	return s;
}
