#include <assert.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wlr/backend/headless.h>
#include <wlr/interfaces/wlr_output.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/util/log.h>
#include "client.h"
#include "server.h"
#include "session.h"
#include "socket.h"
#include "station.h"
#include "test.h"
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

void session_update_outputs(struct mp_session *session) {
	struct mp_station *station = session->station;
	size_t want = station ? station->n_parts : 0;
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

static pid_t spawn_command(struct mp_session *session) {
	struct mp_server *server = session->server;
	pid_t pid = fork();
	if (pid < 0) {
		wlr_log_errno(WLR_ERROR, "session %u: fork", session->id);
		return -1;
	}
	if (pid > 0) {
		return pid;
	}

	// Child: its own session and process group, a clean signal state.
	setsid();
	sigset_t set;
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	signal(SIGPIPE, SIG_DFL);
	setenv("WAYLAND_DISPLAY", session->socket->path, 1);
	setenv("XDG_SESSION_TYPE", "wayland", 1);
	setenv("XDG_SEAT", session->station->name, 1);
	unsetenv("WAYLAND_SOCKET");
	unsetenv("DISPLAY");
	unsetenv("XDG_VTNR");
	if (server->test != NULL) {
		setenv("MPCOMP_TEST_SOCKET", test_socket_path(server->test), 1);
	}
	execl("/bin/sh", "/bin/sh", "-c", session->command, (char *)NULL);
	_exit(127);
}

struct mp_session *session_start(struct mp_server *server,
		struct mp_station *station, const char *command) {
	struct mp_session *session = calloc(1, sizeof(*session));
	if (session == NULL) {
		return NULL;
	}
	session->server = server;
	session->id = ++server->next_session_id;
	session->uid = getuid();
	struct passwd *pw = getpwuid(session->uid);
	session->user = strdup(pw ? pw->pw_name : "unknown");
	session->command = strdup(command);
	session->state = MP_SESSION_STARTING;
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
	station_attach_session(station, session);

	session->pid = spawn_command(session);
	session->pgid = session->pid;
	if (session->pid < 0) {
		session->pid = session->pgid = 0;
		session_end(session, "cannot start its command");
		return NULL;
	}
	wlr_log(WLR_INFO, "session %u (%s): started '%s' as pid %d on %s at "
		"station %s", session->id, session->user, command, session->pid,
		session->socket->path, station->name);
	return session;

error:
	wlr_log(WLR_ERROR, "station %s: cannot create a session", station->name);
	session_destroy(session);
	return NULL;
}

static bool process_group_alive(pid_t pgid) {
	return pgid > 0 && (kill(-pgid, 0) == 0 || errno == EPERM);
}

static int handle_kill_timer(void *data) {
	struct mp_session *session = data;
	if (process_group_alive(session->pgid)) {
		wlr_log(WLR_INFO, "session %u: grace period over, SIGKILL to "
			"process group %d", session->id, session->pgid);
		kill(-session->pgid, SIGKILL);
	}
	session_destroy(session);
	return 0;
}

/* Frees the session once nothing of it runs any more. */
static void finish_if_gone(struct mp_session *session) {
	if (session->pid == 0 && !process_group_alive(session->pgid)) {
		wlr_log(WLR_INFO, "session %u (%s): ended, nothing left",
			session->id, session->user);
		session_destroy(session);
	}
}

void session_end(struct mp_session *session, const char *reason) {
	if (session->state == MP_SESSION_ENDING) {
		return;
	}
	wlr_log(WLR_INFO, "session %u (%s): ending: %s", session->id,
		session->user, reason);
	if (session->station != NULL) {
		station_detach_session(session->station);
	}
	session_set_state(session, MP_SESSION_ENDING);

	// No new clients, then none of the old ones.
	socket_destroy(session->socket);
	session->socket = NULL;
	if (session->dir != NULL) {
		rmdir(session->dir);
	}
	struct mp_client *client, *tmp;
	wl_list_for_each_safe(client, tmp, &session->clients, session_link) {
		wl_client_destroy(client->client);
	}

	if (process_group_alive(session->pgid)) {
		kill(-session->pgid, SIGTERM);
		session->kill_timer = wl_event_loop_add_timer(session->server->loop,
			handle_kill_timer, session);
		if (session->kill_timer != NULL) {
			wl_event_source_timer_update(session->kill_timer, KILL_GRACE_MS);
			return;
		}
		kill(-session->pgid, SIGKILL);
	}
	finish_if_gone(session);
}

void session_handle_child_exit(struct mp_server *server, pid_t pid,
		int status) {
	struct mp_session *session;
	wl_list_for_each(session, &server->sessions, link) {
		if (session->pid != pid) {
			continue;
		}
		session->pid = 0;
		if (WIFEXITED(status)) {
			wlr_log(WLR_INFO, "session %u: command exited with status %d",
				session->id, WEXITSTATUS(status));
		} else if (WIFSIGNALED(status)) {
			wlr_log(WLR_INFO, "session %u: command killed by signal %d",
				session->id, WTERMSIG(status));
		}
		if (session->state != MP_SESSION_ENDING) {
			session_end(session, "its command exited");
		} else {
			finish_if_gone(session);
		}
		return;
	}
}

void session_check_ending(struct mp_server *server) {
	struct mp_session *session, *tmp;
	wl_list_for_each_safe(session, tmp, &server->sessions, link) {
		if (session->state == MP_SESSION_ENDING) {
			finish_if_gone(session);
		}
	}
}

void session_kill_now(struct mp_session *session) {
	if (process_group_alive(session->pgid)) {
		kill(-session->pgid, SIGKILL);
	}
	if (session->pid > 0) {
		waitpid(session->pid, NULL, 0);
		session->pid = 0;
	}
	session_destroy(session);
}

void session_destroy(struct mp_session *session) {
	if (session == NULL) {
		return;
	}
	assert(session->station == NULL);
	if (session->kill_timer != NULL) {
		wl_event_source_remove(session->kill_timer);
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
