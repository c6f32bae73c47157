/* mp_test_v1: the global, its results, waits and the state as JSON. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wlr/util/log.h>
#include "actions.h"
#include "client.h"
#include "input.h"
#include "output.h"
#include "overlay/greeter.h"
#include "server.h"
#include "session.h"
#include "socket.h"
#include "station.h"
#include "test/internal.h"
#include "test/test.h"

struct mp_test_wait {
	struct wl_resource *result;
	char *condition;
	uint64_t seq; // server->commit_seq when asked
	struct wl_list link; // mp_test.waits
};

/* Data on its way to a client's fd, written as the fd takes it. */
struct mp_test_write {
	struct mp_test *test;
	struct wl_resource *result;
	int fd;
	char *data;
	size_t len, done;
	char *info;
	struct wl_event_source *source;
	struct wl_list link; // mp_test.writes
};

/* ---- results ---- */

static void result_handle_destroy(struct wl_client *client,
		struct wl_resource *resource) {
	wl_resource_destroy(resource);
}

static const struct mp_test_result_v1_interface result_impl = {
	.destroy = result_handle_destroy,
};

struct wl_resource *test_result_create(struct wl_resource *test_resource,
		uint32_t id) {
	struct wl_client *client = wl_resource_get_client(test_resource);
	struct wl_resource *result = wl_resource_create(client,
		&mp_test_result_v1_interface, 1, id);
	if (result == NULL) {
		wl_client_post_no_memory(client);
		return NULL;
	}
	wl_resource_set_implementation(result, &result_impl, NULL, NULL);
	return result;
}

void test_result_fail(struct wl_resource *result, const char *fmt, ...) {
	char msg[256];
	va_list args;
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	mp_test_result_v1_send_failed(result, msg);
}

/* ---- writes to the client's fds ---- */

static void write_destroy(struct mp_test_write *w) {
	if (w->source != NULL) {
		wl_event_source_remove(w->source);
	}
	if (w->result != NULL) {
		wl_resource_set_user_data(w->result, NULL);
	}
	close(w->fd);
	wl_list_remove(&w->link);
	free(w->data);
	free(w->info);
	free(w);
}

static void write_result_destroy(struct wl_resource *resource) {
	struct mp_test_write *w = wl_resource_get_user_data(resource);
	if (w != NULL) {
		w->result = NULL; // the client went: nobody to tell
		write_destroy(w);
	}
}

/* Returns whether the write is over (answered and destroyed). */
static bool write_some(struct mp_test_write *w) {
	while (w->done < w->len) {
		ssize_t n = write(w->fd, w->data + w->done,
			w->len - w->done);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return false;
		}
		if (n <= 0) {
			test_result_fail(w->result, "cannot write: %s",
				n < 0 ? strerror(errno) : "nothing written");
			write_destroy(w);
			return true;
		}
		w->done += (size_t)n;
	}
	mp_test_result_v1_send_done(w->result, w->info);
	write_destroy(w);
	return true;
}

static int handle_writable(int fd, uint32_t mask, void *data) {
	struct mp_test_write *w = data;
	if (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)) {
		test_result_fail(w->result, "the fd was closed");
		write_destroy(w);
		return 0;
	}
	write_some(w);
	return 0;
}

void test_write_fd(struct mp_test *test, struct wl_resource *result, int fd,
		void *data, size_t len, const char *info) {
	struct mp_test_write *w = calloc(1, sizeof(*w));
	char *info_copy = strdup(info);
	int flags = fcntl(fd, F_GETFL);
	if (w == NULL || info_copy == NULL || flags < 0 ||
			fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		test_result_fail(result, w && info_copy ? "bad fd: %s" :
			"out of memory", strerror(errno));
		free(w);
		free(info_copy);
		free(data);
		close(fd);
		return;
	}
	w->test = test;
	w->result = result;
	w->fd = fd;
	w->data = data;
	w->len = len;
	w->info = info_copy;
	wl_list_insert(&test->writes, &w->link);
	wl_resource_set_implementation(result, &result_impl, w,
		write_result_destroy);
	if (write_some(w)) {
		return;
	}
	// The rest when the fd takes it (a pipe read slowly, for example).
	w->source = wl_event_loop_add_fd(test->server->loop, fd,
		WL_EVENT_WRITABLE, handle_writable, w);
	if (w->source == NULL) {
		test_result_fail(result, "out of memory");
		write_destroy(w);
	}
}

/* ---- state ---- */

/* The whole state: every station, session, device and output. */
static struct json_object *describe_all(struct mp_server *server) {
	struct json_object *all = json_object_new_object();
	json_object_object_add(all, "sessions_started",
		json_object_new_int64(server->next_session_id));
	json_object_object_add(all, "pairing",
		json_object_new_boolean(server->pairing));
	struct json_object *list = json_object_new_array();
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		json_object_array_add(list, station_describe(station));
	}
	json_object_object_add(all, "stations", list);
	list = json_object_new_array();
	struct mp_session *session;
	wl_list_for_each(session, &server->sessions, link) {
		json_object_array_add(list, session_describe(session));
	}
	json_object_object_add(all, "sessions", list);
	list = json_object_new_array();
	struct mp_input *input;
	wl_list_for_each(input, &server->inputs, link) {
		json_object_array_add(list, input_describe(input));
	}
	json_object_object_add(all, "devices", list);
	list = json_object_new_array();
	struct mp_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		struct json_object *o = output_describe(output);
		// For tests only: what listens to its frames (each station
		// part's damage tracking does).
		json_object_object_add(o, "frame_listeners", json_object_new_int(
			wl_list_length(&output->wlr_output->events.frame.listener_list)));
		json_object_array_add(list, o);
	}
	json_object_object_add(all, "outputs", list);
	return all;
}

static void handle_state(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, int32_t fd) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = test_result_create(resource, id);
	if (result == NULL) {
		close(fd);
		return;
	}
	struct json_object *state = describe_all(test->server);
	size_t size;
	const char *text = json_object_to_json_string_length(state,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &size);
	char *copy = malloc(size + 1);
	if (copy == NULL) {
		test_result_fail(result, "out of memory");
		json_object_put(state);
		close(fd);
		return;
	}
	memcpy(copy, text, size);
	copy[size] = '\n';
	json_object_put(state);
	test_write_fd(test, result, fd, copy, size + 1, "");
}

/* ---- waits ---- */

/* A count or an id: digits only, in range; -1 when it is not one. */
static long parse_number(const char *text) {
	if (*text < '0' || *text > '9') {
		return -1;
	}
	char *end;
	errno = 0;
	long n = strtol(text, &end, 10);
	return *end != '\0' || errno != 0 ? -1 : n;
}

/* Whether name is a state a session can be in. */
static bool is_session_state(const char *name) {
	for (int s = MP_SESSION_STARTING; s <= MP_SESSION_ENDING; s++) {
		if (strcmp(session_state_name(s), name) == 0) {
			return true;
		}
	}
	return false;
}

static int greeter_condition(struct mp_station *station, const char *what,
		const char **error) {
	struct mp_greeter *g = station->greeter;
	if (strcmp(what, "prompt") == 0) {
		return g != NULL && g->answering;
	} else if (strcmp(what, "error") == 0) {
		return g != NULL && g->error[0] != '\0';
	} else if (strcmp(what, "ready") == 0) {
		return g != NULL && !g->busy && !g->answering &&
			station->helper == NULL;
	} else if (strcmp(what, "restarting") == 0) {
		return station->kiosk.restart_timer != NULL;
	} else if (strcmp(what, "waiting") == 0) {
		return station->awaited != NULL;
	}
	*error = "expected prompt, error, ready, restarting or waiting";
	return -1;
}

static int lock_condition(struct mp_station *station, const char *what,
		const char **error) {
	struct mp_greeter *g = station->lock;
	if (strcmp(what, "prompt") == 0) {
		return g != NULL && g->answering;
	} else if (strcmp(what, "error") == 0) {
		return g != NULL && g->error[0] != '\0';
	} else if (strcmp(what, "ready") == 0) {
		return g != NULL && !g->busy && !g->answering;
	} else if (strcmp(what, "busy") == 0) {
		return g != NULL && g->busy;
	}
	*error = "expected prompt, error, ready or busy";
	return -1;
}

/* Whether the station shows an overlay of that type (as described). */
static bool has_overlay(struct mp_station *station, const char *type) {
	struct mp_overlay *overlay;
	wl_list_for_each(overlay, &station->overlays, link) {
		struct json_object *o = overlay->impl->describe(overlay);
		struct json_object *t;
		bool same = json_object_object_get_ex(o, "type", &t) &&
			strcmp(json_object_get_string(t), type) == 0;
		json_object_put(o);
		if (same) {
			return true;
		}
	}
	return false;
}

static bool is_station_state(const char *name) {
	for (int s = MP_STATION_OFFLINE; s <= MP_STATION_BLOCKED; s++) {
		if (strcmp(station_state_name(s), name) == 0) {
			return true;
		}
	}
	return false;
}

static const char conditions[] = "idle, views STATION N, session STATION "
	"none|any, sessions N, session-state ID STATE|gone, session-home ID "
	"none|STATION, station STATION "
	"STATE, lock STATION prompt|error|ready|busy, greeter STATION "
	"prompt|error|ready|restarting|waiting, overlay|no-overlay STATION TYPE";

/* 1: holds, 0: not yet, -1: cannot be parsed (reason in *error). */
static int evaluate(struct mp_server *server, const char *condition,
		uint64_t seq, const char **error) {
	char what[32], name[80], arg[32], extra;
	int n = sscanf(condition, "%31s %79s %31s %c", what, name, arg, &extra);
	if (n == 1 && strcmp(what, "idle") == 0) {
		struct mp_output *output;
		wl_list_for_each(output, &server->outputs, link) {
			if (!output_is_settled(output, seq)) {
				return 0;
			}
		}
		return 1;
	}
	if (n == 2 && strcmp(what, "sessions") == 0) {
		long want = parse_number(name);
		if (want < 0) {
			*error = "bad count";
			return -1;
		}
		return wl_list_length(&server->sessions) == want;
	}
	if (n == 3 && strcmp(what, "session-state") == 0) {
		long id = parse_number(name);
		if (id < 0) {
			*error = "bad session id";
			return -1;
		}
		if (strcmp(arg, "gone") != 0 && !is_session_state(arg)) {
			*error = "no session state by that name (expected starting, "
				"attached, locked, parked, logging-off, ending or gone)";
			return -1;
		}
		struct mp_session *session = id <= UINT32_MAX ?
			session_by_id(server, (uint32_t)id) : NULL;
		if (strcmp(arg, "gone") == 0) {
			return session == NULL;
		}
		return session != NULL &&
			strcmp(session_state_name(session->state), arg) == 0;
	}
	if (n == 3 && strcmp(what, "session-home") == 0) {
		long id = parse_number(name);
		if (id < 0) {
			*error = "bad session id";
			return -1;
		}
		struct mp_session *session = id <= UINT32_MAX ?
			session_by_id(server, (uint32_t)id) : NULL;
		const char *home = session ? session->parking.home : NULL;
		return session != NULL && (strcmp(arg, "none") == 0 ?
			home == NULL : home != NULL && strcmp(home, arg) == 0);
	}
	struct mp_station *station = n == 3 ? station_by_name(server, name) : NULL;
	if (n == 3 && station == NULL && (strcmp(what, "views") == 0 ||
			strcmp(what, "session") == 0 || strcmp(what, "greeter") == 0 ||
			strcmp(what, "station") == 0 || strcmp(what, "lock") == 0 ||
			strcmp(what, "overlay") == 0 ||
			strcmp(what, "no-overlay") == 0)) {
		*error = "no such station";
		return -1;
	}
	if (n == 3 && strcmp(what, "views") == 0) {
		long want = parse_number(arg);
		if (want < 0) {
			*error = "bad count";
			return -1;
		}
		return station_count_views(station) == (size_t)want;
	}
	if (n == 3 && strcmp(what, "session") == 0) {
		if (strcmp(arg, "none") == 0) {
			return station->session == NULL;
		} else if (strcmp(arg, "any") == 0) {
			return station->session != NULL;
		}
		*error = "expected none or any";
		return -1;
	}
	if (n == 3 && strcmp(what, "greeter") == 0) {
		return greeter_condition(station, arg, error);
	}
	if (n == 3 && (strcmp(what, "overlay") == 0 ||
			strcmp(what, "no-overlay") == 0)) {
		return has_overlay(station, arg) == (what[0] == 'o');
	}
	if (n == 3 && strcmp(what, "lock") == 0) {
		return lock_condition(station, arg, error);
	}
	if (n == 3 && strcmp(what, "station") == 0) {
		if (!is_station_state(arg)) {
			*error = "no station state by that name (expected offline, "
				"login, active, locked or blocked)";
			return -1;
		}
		return strcmp(station_state_name(station->state), arg) == 0;
	}
	*error = conditions;
	return -1;
}

/* ---- actions ---- */

/* A session by id or by its user's name. */
static struct mp_session *find_session(struct mp_server *server,
		const char *target) {
	long id = parse_number(target);
	struct mp_session *session;
	wl_list_for_each(session, &server->sessions, link) {
		if ((id >= 0 && (long)session->id == id) ||
				(id < 0 && strcmp(session->user, target) == 0)) {
			return session;
		}
	}
	return NULL;
}

static bool act(struct mp_server *server, const char *verb,
		const char *target, struct mp_error *err) {
	if (strcmp(verb, "end-all") == 0) {
		return action_end_all(server, "ended by an admin", err);
	}
	if (strcmp(verb, "lock") == 0 || strcmp(verb, "unlock") == 0 ||
			strcmp(verb, "menu") == 0) {
		struct mp_station *station = station_by_name(server, target);
		if (station == NULL) {
			snprintf(err->text, sizeof(err->text), "no station '%s'",
				target);
			return false;
		}
		return strcmp(verb, "lock") == 0 ?
			action_lock(station, "locked by its user", err) :
			strcmp(verb, "unlock") == 0 ? action_unlock(station, err) :
			action_open_menu(station, err);
	}
	if (strcmp(verb, "disconnect") == 0 || strcmp(verb, "suspend") == 0 ||
			strcmp(verb, "logoff") == 0 || strcmp(verb, "end") == 0) {
		struct mp_session *session = find_session(server, target);
		if (session == NULL) {
			snprintf(err->text, sizeof(err->text), "no session '%s'",
				target);
			return false;
		}
		return strcmp(verb, "disconnect") == 0 ?
			action_disconnect(session, err) :
			strcmp(verb, "suspend") == 0 ? action_suspend(session, err) :
			strcmp(verb, "logoff") == 0 ? action_logoff(session, err) :
			action_end_session(session, "ended by an admin", err);
	}
	snprintf(err->text, sizeof(err->text), "unknown action '%s' (expected "
		"lock, unlock, menu, disconnect, suspend, logoff, end or end-all)",
		verb);
	return false;
}

static void handle_action(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *verb,
		const char *target) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = test_result_create(resource, id);
	if (result == NULL) {
		return;
	}
	struct mp_error err = { 0 };
	if (act(test->server, verb, target, &err)) {
		mp_test_result_v1_send_done(result, "");
	} else {
		test_result_fail(result, "%s", err.text[0] ? err.text : "refused");
	}
}

static void wait_destroy(struct mp_test_wait *wait) {
	wl_resource_set_user_data(wait->result, NULL);
	wl_list_remove(&wait->link);
	free(wait->condition);
	free(wait);
}

static void wait_resource_destroy(struct wl_resource *resource) {
	struct mp_test_wait *wait = wl_resource_get_user_data(resource);
	if (wait != NULL) {
		wait_destroy(wait);
	}
}

static void handle_wait(struct wl_client *client, struct wl_resource *resource,
		uint32_t id, const char *condition) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = test_result_create(resource, id);
	if (result == NULL) {
		return;
	}
	const char *error = NULL;
	int holds = evaluate(test->server, condition, test->server->commit_seq,
		&error);
	if (holds < 0) {
		test_result_fail(result, "%s: %s", condition, error);
		return;
	}
	if (holds) {
		mp_test_result_v1_send_done(result, "");
		return;
	}
	struct mp_test_wait *wait = calloc(1, sizeof(*wait));
	if (wait == NULL || (wait->condition = strdup(condition)) == NULL) {
		free(wait);
		test_result_fail(result, "out of memory");
		return;
	}
	wait->result = result;
	wait->seq = test->server->commit_seq;
	wl_list_insert(test->waits.prev, &wait->link);
	wl_resource_set_implementation(result, &result_impl, wait,
		wait_resource_destroy);
}

/* Something changed: answers the waits whose condition now holds. */
static void handle_changed(struct wl_listener *listener, void *data) {
	struct mp_test *test = wl_container_of(listener, test, changed);
	struct mp_test_wait *wait, *tmp;
	wl_list_for_each_safe(wait, tmp, &test->waits, link) {
		const char *error = NULL;
		if (evaluate(test->server, wait->condition, wait->seq, &error) != 0) {
			mp_test_result_v1_send_done(wait->result, "");
			wait_destroy(wait);
		}
	}
}

/* ---- global ---- */

static void handle_destroy(struct wl_client *client,
		struct wl_resource *resource) {
	wl_resource_destroy(resource);
}

static const struct mp_test_v1_interface test_impl = {
	.destroy = handle_destroy,
	.add_keyboard = test_handle_add_keyboard,
	.add_pointer = test_handle_add_pointer,
	.add_backend_device = test_handle_add_backend_device,
	.remove_device = test_handle_remove_device,
	.key = test_handle_key,
	.type = test_handle_type,
	.pointer_move = test_handle_pointer_move,
	.pointer_button = test_handle_pointer_button,
	.add_output = test_handle_add_output,
	.add_output_edid = test_handle_add_output_edid,
	.add_device = test_handle_add_device,
	.remove_output = test_handle_remove_output,
	.screenshot = test_handle_screenshot,
	.state = handle_state,
	.action = handle_action,
	.wait = handle_wait,
};

struct mp_test *test_from_resource(struct wl_resource *resource) {
	return wl_resource_get_user_data(resource);
}

static void bind_test(struct wl_client *wl_client, void *data,
		uint32_t version, uint32_t id) {
	struct mp_test *test = data;
	struct mp_client *client = client_from_wl(wl_client);
	if (client == NULL || client->kind != MP_CLIENT_TEST) {
		// The filter hides it; a client guessing the name gets an error.
		wl_client_post_implementation_error(wl_client,
			"mp_test_v1 is not for this client");
		return;
	}
	struct wl_resource *resource = wl_resource_create(wl_client,
		&mp_test_v1_interface, version, id);
	if (resource == NULL) {
		wl_client_post_no_memory(wl_client);
		return;
	}
	wl_resource_set_implementation(resource, &test_impl, test, NULL);
}

static void handle_client(void *data, struct wl_client *wl_client) {
	struct mp_client *client = client_from_wl(wl_client);
	if (client == NULL) {
		wl_client_destroy(wl_client);
		return;
	}
	client->kind = MP_CLIENT_TEST;
}

/* Every session learns where the test socket is (its clients may drive
 * the compositor in tests). */
static bool add_session_env(struct mp_server *server, const char *path) {
	char *item = NULL;
	if (asprintf(&item, "MPCOMP_TEST_SOCKET=%s", path) < 0) {
		return false;
	}
	char **env = realloc(server->session_env,
		(server->n_session_env + 1) * sizeof(*env));
	if (env == NULL) {
		free(item);
		return false;
	}
	server->session_env = env;
	env[server->n_session_env++] = item;
	return true;
}

struct mp_test *test_create(struct mp_server *server) {
	struct mp_test *test = calloc(1, sizeof(*test));
	if (test == NULL) {
		return NULL;
	}
	test->server = server;
	wl_list_init(&test->waits);
	wl_list_init(&test->writes);
	wl_list_init(&test->changed.link);
	test->global = wl_global_create(server->display, &mp_test_v1_interface,
		1, test, bind_test);
	char *path = NULL;
	if (asprintf(&path, "%s/test", server->runtime_dir) < 0) {
		path = NULL;
	}
	test->socket = path ? socket_create(server, path, handle_client, test) :
		NULL;
	free(path);
	if (test->global == NULL || test->socket == NULL ||
			!client_register_privileged(server, test->global,
				MP_CLIENT_TEST) ||
			!add_session_env(server, test->socket->path)) {
		test_destroy(test);
		return NULL;
	}
	test->changed.notify = handle_changed;
	wl_signal_add(&server->events.changed, &test->changed);
	return test;
}

void test_destroy(struct mp_test *test) {
	if (test == NULL) {
		return;
	}
	struct mp_test_wait *wait, *tmp;
	wl_list_for_each_safe(wait, tmp, &test->waits, link) {
		wait_destroy(wait);
	}
	struct mp_test_write *w, *wtmp;
	wl_list_for_each_safe(w, wtmp, &test->writes, link) {
		write_destroy(w);
	}
	wl_list_remove(&test->changed.link);
	socket_destroy(test->socket);
	if (test->global != NULL) {
		client_unregister_privileged(test->server, test->global);
		wl_global_destroy(test->global);
	}
	free(test);
}

const char *test_socket_path(struct mp_test *test) {
	return test->socket->path;
}
