/* mp_manager_v1: the admin socket, its clients' picture of the stations
 * and sessions (a snapshot, then what changed, batch by batch), and its
 * requests, each authorised and then done by the actions layer. */
#include <errno.h>
#include <grp.h>
#include <pixman.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wayland-server-core.h>
#include <wayland-server-protocol.h>
#include <wlr/util/log.h>
#include "actions.h"
#include "authorise.h"
#include "client.h"
#include "input.h"
#include "manager.h"
#include "mp-manager-v1-protocol.h"
#include "output.h"
#include "overlay/notice.h"
#include "server.h"
#include "session.h"
#include "socket.h"
#include "station.h"
#include "util.h"

// A client may send 200 requests at once, and 100 a second for long; a
// thumbnail counts as 20 (it renders and scales a station).
#define FLOOD_BURST 200.0
#define FLOOD_RATE 100.0 // per second
#define THUMBNAIL_COST 20.0
#define THUMBNAIL_MAX 4096
#define SYSTEM_SOCKET_DIR "/run/mpcomp"
// A client that left this much of our events unread is not reading: it is
// disconnected (libwayland alone would only stop writing to it).
#define MAX_UNREAD (128 * 1024)
// The version offered: 2 adds hardware, devices, pairing and layout.
#define MANAGER_VERSION 2

/* What every watcher is to be told, as signatures: one per station, per
 * session and per input device in the server's list order, maintenance
 * and pairing mode. Made once per batch, whatever the number of
 * watchers. */
struct mp_picture {
	char **stations;
	size_t n_stations;
	char **sessions;
	size_t n_sessions;
	char **devices;
	size_t n_devices;
	char *maintenance;
	int pairing;
};

struct mp_manager {
	struct mp_server *server;
	struct wl_global *global;
	struct mp_socket *socket;
	struct wl_list watchers; // mp_watcher.link
	struct wl_listener changed;
	struct wl_event_source *batch; // idle: a batch of changes is due
	struct mp_picture last; // of the last batch: an equal one sends nothing
};

/* One bound mp_manager_v1: a client's picture of what it may see. */
struct mp_watcher {
	struct mp_manager *manager;
	struct wl_resource *resource;
	uid_t uid;
	bool admin;
	struct wl_list objects; // mp_watched.link
	char *maintenance_sent; // what it was told of maintenance mode
	int pairing_sent;       // and of pairing mode, -1: nothing yet
	double tokens;          // flood control
	int64_t refilled_ms;
	struct wl_list link;    // mp_manager.watchers
};

enum mp_watched_kind {
	MP_WATCHED_STATION,
	MP_WATCHED_SESSION,
	MP_WATCHED_DEVICE, // version 2
};

/* A station, session or device object a watcher has. */
struct mp_watched {
	struct mp_watcher *watcher;
	struct wl_resource *resource;
	enum mp_watched_kind kind;
	uint32_t key;    // station serial or session id
	char *name;      // a device's name (unique among inputs): its key
	char *signature; // what was sent last, to send only changes
	bool seen;       // still there, in the batch being made
	struct wl_list link; // mp_watcher.objects
};

/* ---- describing stations and sessions ---- */

static uint32_t seconds_until(time_t until) {
	time_t now = time(NULL);
	return until > now ? (uint32_t)(until - now) : 0;
}

static uint32_t seconds_until_ms(int64_t deadline_ms) {
	int64_t left = deadline_ms - util_now_ms();
	return left > 0 ? (uint32_t)((left + 999) / 1000) : 0;
}

static const char *const notice_kinds[MP_STATION_NOTICES] = {
	[MP_STATION_MAINTENANCE] = "maintenance",
	[MP_STATION_COUNTDOWN] = "countdown",
	[MP_STATION_MESSAGE] = "message",
	[MP_STATION_BLOCK] = "block",
	[MP_STATION_IDENTIFY] = "identify",
	[MP_STATION_PAIRING] = "pairing",
};

/* Sends the station's events to res (when not NULL) and writes what they
 * say to sig (when not NULL), in one pass so that the two always agree.
 * Values that change by themselves (seconds left) are sent, not part of
 * the signature. */
static void describe_station(struct mp_station *station,
		struct wl_resource *res, FILE *sig) {
	char key[8];
	station_key_name(station, key);
	const char *role = station_is_kiosk(station) ? "kiosk" : "desktop";
	uint32_t session = station->session ? station->session->id : 0;
	struct wlr_box *a = &station->place.area;
	uint32_t keyboards = (uint32_t)station->n_keyboards;
	uint32_t pointers = (uint32_t)station->n_pointers;
	uint32_t outputs = (uint32_t)station->place.n_parts;
	if (res != NULL) {
		mp_manager_station_v1_send_name(res, station->name, key, role);
		mp_manager_station_v1_send_state(res, station->state, session);
		mp_manager_station_v1_send_area(res, a->x, a->y, a->width,
			a->height);
		if (wl_resource_get_version(res) >=
				MP_MANAGER_STATION_V1_HARDWARE_SINCE_VERSION) {
			mp_manager_station_v1_send_hardware(res, keyboards, pointers,
				outputs);
		}
	}
	if (sig != NULL) {
		fprintf(sig, "%s|%s|%s|%d|%u|%d,%d,%d,%d|h:%u,%u,%u", station->name,
			key, role, station->state, session, a->x, a->y, a->width,
			a->height, keyboards, pointers, outputs);
	}
	for (size_t i = 0; i < station->place.n_parts; i++) {
		struct mp_output *output = station->parts[i]->output;
		const char *name = output ? output->wlr_output->name : "";
		if (res != NULL) {
			mp_manager_station_v1_send_output(res, name);
		}
		if (sig != NULL) {
			fprintf(sig, "|o:%s", name);
		}
	}
	struct mp_station_device *dev;
	wl_list_for_each(dev, &station->devices, link) {
		if (res != NULL) {
			mp_manager_station_v1_send_device(res, dev->name);
		}
		if (sig != NULL) {
			fprintf(sig, "|d:%s", dev->name);
		}
	}
	for (int i = 0; i < MP_STATION_NOTICES; i++) {
		struct mp_notice *notice = station->notices[i];
		if (notice == NULL) {
			continue;
		}
		const char *text = "";
		uint32_t seconds = 0;
		switch (i) {
		case MP_STATION_MAINTENANCE:
			text = station->server->maintenance.message;
			break;
		case MP_STATION_COUNTDOWN:
			seconds = station->session ? seconds_until_ms(
				station->session->end_warning.deadline_ms) : 0;
			break;
		case MP_STATION_MESSAGE:
			text = station->message.text;
			seconds = station->message.until ?
				seconds_until(station->message.until) : 0;
			break;
		case MP_STATION_BLOCK:
			text = station->block.text;
			seconds = station->block.until ?
				seconds_until(station->block.until) : 0;
			break;
		case MP_STATION_IDENTIFY:
			text = key;
			break;
		case MP_STATION_PAIRING:
			text = notice->text; // the key is its title
			break;
		}
		text = text ? text : "";
		if (res != NULL) {
			mp_manager_station_v1_send_notice(res, notice_kinds[i], text,
				seconds);
		}
		if (sig != NULL) {
			fprintf(sig, "|n:%s:%s", notice_kinds[i], text);
		}
	}
}

static uint32_t session_idle(struct mp_session *session) {
	if (session->state == MP_SESSION_PARKED && session->parking.since != 0) {
		time_t now = time(NULL);
		return now > session->parking.since ?
			(uint32_t)(now - session->parking.since) : 0;
	}
	struct mp_station *station = station_of_session(session->server, session);
	if (station == NULL || station->last_input_ms == 0) {
		return 0;
	}
	int64_t idle = util_now_ms() - station->last_input_ms;
	return idle > 0 ? (uint32_t)(idle / 1000) : 0;
}

static void describe_session(struct mp_session *session,
		struct wl_resource *res, FILE *sig) {
	const char *station = session->place ? session->place->name : "";
	bool parked = session->state == MP_SESSION_PARKED;
	const char *home = session->parking.home ? session->parking.home : "";
	bool warned = session->end_warning.deadline_ms != 0;
	if (res != NULL) {
		mp_manager_session_v1_send_info(res, session->id, session->user,
			session->uid, (uint32_t)session->started, session->kiosk);
		mp_manager_session_v1_send_state(res, session->state, station,
			session_idle(session));
		if (parked) {
			mp_manager_session_v1_send_parked(res, session->parking.reason,
				(uint32_t)session->parking.since, home);
		}
		if (warned) {
			mp_manager_session_v1_send_ending(res,
				seconds_until_ms(session->end_warning.deadline_ms));
		}
	}
	if (sig != NULL) {
		fprintf(sig, "%u|%s|%u|%lld|%d|%d|%s|%d", session->id, session->user,
			(unsigned)session->uid, (long long)session->started,
			session->kiosk, session->state, station, warned);
		if (parked) {
			fprintf(sig, "|p:%s:%lld:%s", session->parking.reason,
				(long long)session->parking.since, home);
		}
	}
}

static const char *device_kind(struct mp_input *input) {
	if (input_is_keyboard(input)) {
		return "keyboard";
	} else if (input_is_pointer(input)) {
		return "pointer";
	}
	return "other";
}

static const char *or_empty(const char *text) {
	return text != NULL ? text : "";
}

static void describe_device(struct mp_input *input, struct wl_resource *res,
		FILE *sig) {
	const char *fields[] = {
		input->name,
		device_kind(input),
		or_empty(input->identity.id_path),
		or_empty(input->identity.group),
		input->station ? input->station->name : "",
		or_empty(input->rule),
	};
	if (res != NULL) {
		mp_manager_device_v1_send_info(res, fields[0], fields[1], fields[2],
			fields[3], fields[4], fields[5]);
	}
	// Each field with its length: device names and paths come from the
	// hardware and may hold any separator.
	for (size_t i = 0; sig != NULL && i < sizeof(fields) / sizeof(*fields);
			i++) {
		fprintf(sig, "%zu:%s|", strlen(fields[i]), fields[i]);
	}
}

/* A signature of an object (malloc'ed, NULL: out of memory). */
static char *signature(enum mp_watched_kind kind, void *object) {
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (f == NULL) {
		return NULL;
	}
	switch (kind) {
	case MP_WATCHED_STATION:
		describe_station(object, NULL, f);
		break;
	case MP_WATCHED_SESSION:
		describe_session(object, NULL, f);
		break;
	case MP_WATCHED_DEVICE:
		describe_device(object, NULL, f);
		break;
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void picture_finish(struct mp_picture *p) {
	for (size_t i = 0; i < p->n_stations; i++) {
		free(p->stations[i]);
	}
	for (size_t i = 0; i < p->n_sessions; i++) {
		free(p->sessions[i]);
	}
	for (size_t i = 0; i < p->n_devices; i++) {
		free(p->devices[i]);
	}
	free(p->stations);
	free(p->sessions);
	free(p->devices);
	free(p->maintenance);
	*p = (struct mp_picture){ 0 };
}

/* false: out of memory (p is then empty). */
static bool picture_make(struct mp_server *server, struct mp_picture *p) {
	*p = (struct mp_picture){ 0 };
	size_t n_stations = (size_t)wl_list_length(&server->stations);
	size_t n_sessions = (size_t)wl_list_length(&server->sessions);
	size_t n_devices = (size_t)wl_list_length(&server->inputs);
	p->stations = calloc(n_stations + 1, sizeof(char *));
	p->sessions = calloc(n_sessions + 1, sizeof(char *));
	p->devices = calloc(n_devices + 1, sizeof(char *));
	p->pairing = server->pairing;
	if (p->stations == NULL || p->sessions == NULL || p->devices == NULL ||
			asprintf(&p->maintenance, "%d|%s", server->maintenance.on,
				server->maintenance.message ?
				server->maintenance.message : "") < 0) {
		p->maintenance = NULL;
		picture_finish(p);
		return false;
	}
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if ((p->stations[p->n_stations++] = signature(MP_WATCHED_STATION,
				station)) == NULL) {
			picture_finish(p);
			return false;
		}
	}
	struct mp_session *session;
	wl_list_for_each(session, &server->sessions, link) {
		if ((p->sessions[p->n_sessions++] = signature(MP_WATCHED_SESSION,
				session)) == NULL) {
			picture_finish(p);
			return false;
		}
	}
	struct mp_input *input;
	wl_list_for_each(input, &server->inputs, link) {
		if ((p->devices[p->n_devices++] = signature(MP_WATCHED_DEVICE,
				input)) == NULL) {
			picture_finish(p);
			return false;
		}
	}
	return true;
}

static bool same_list(char **a, size_t n_a, char **b, size_t n_b) {
	if (n_a != n_b) {
		return false;
	}
	for (size_t i = 0; i < n_a; i++) {
		if (strcmp(a[i], b[i]) != 0) {
			return false;
		}
	}
	return true;
}

static bool picture_equal(const struct mp_picture *a,
		const struct mp_picture *b) {
	return a->maintenance != NULL && b->maintenance != NULL &&
		strcmp(a->maintenance, b->maintenance) == 0 &&
		a->pairing == b->pairing &&
		same_list(a->stations, a->n_stations, b->stations, b->n_stations) &&
		same_list(a->sessions, a->n_sessions, b->sessions, b->n_sessions) &&
		same_list(a->devices, a->n_devices, b->devices, b->n_devices);
}

/* ---- what a watcher may see ---- */

static bool sees_session(struct mp_watcher *w, struct mp_session *session) {
	return w->admin || session->uid == w->uid;
}

static bool sees_station(struct mp_watcher *w, struct mp_station *station) {
	return w->admin ||
		(station->session != NULL && station->session->uid == w->uid);
}

/* Devices are told of from version 2 on: to admins, and to a user the
 * devices of the station they see. */
static bool sees_device(struct mp_watcher *w, struct mp_input *input) {
	if (wl_resource_get_version(w->resource) <
			MP_MANAGER_V1_DEVICE_SINCE_VERSION) {
		return false;
	}
	return w->admin ||
		(input->station != NULL && sees_station(w, input->station));
}

/* ---- objects ---- */

static void object_handle_destroy(struct wl_client *client,
		struct wl_resource *resource) {
	wl_resource_destroy(resource);
}

static const struct mp_manager_station_v1_interface station_impl = {
	.destroy = object_handle_destroy,
};

static const struct mp_manager_session_v1_interface session_impl = {
	.destroy = object_handle_destroy,
};

static const struct mp_manager_device_v1_interface device_impl = {
	.destroy = object_handle_destroy,
};

static void watched_destroy(struct mp_watched *obj) {
	if (obj->resource != NULL) {
		wl_resource_set_user_data(obj->resource, NULL);
	}
	wl_list_remove(&obj->link);
	free(obj->signature);
	free(obj->name);
	free(obj);
}

/* The client destroyed an object it had: it is announced again if it is
 * still there when the next change is sent. */
static void watched_resource_destroy(struct wl_resource *resource) {
	struct mp_watched *obj = wl_resource_get_user_data(resource);
	if (obj != NULL) {
		obj->resource = NULL;
		watched_destroy(obj);
	}
}

/* The key of an object: station serial or session id; a device's name. */
struct watched_key {
	enum mp_watched_kind kind;
	uint32_t key;
	const char *name;
};

static struct watched_key key_of(enum mp_watched_kind kind, void *object) {
	struct watched_key k = { .kind = kind };
	switch (kind) {
	case MP_WATCHED_STATION:
		k.key = ((struct mp_station *)object)->serial;
		break;
	case MP_WATCHED_SESSION:
		k.key = ((struct mp_session *)object)->id;
		break;
	case MP_WATCHED_DEVICE:
		k.name = ((struct mp_input *)object)->name;
		break;
	}
	return k;
}

static struct mp_watched *find_watched(struct mp_watcher *w,
		const struct watched_key *k) {
	struct mp_watched *obj;
	wl_list_for_each(obj, &w->objects, link) {
		if (obj->kind == k->kind && (k->name != NULL ?
				obj->name != NULL && strcmp(obj->name, k->name) == 0 :
				obj->key == k->key)) {
			return obj;
		}
	}
	return NULL;
}

/* A new object of the watcher's, announced; NULL (the client told) when
 * out of memory. */
static struct mp_watched *announce(struct mp_watcher *w,
		const struct watched_key *k) {
	static const struct {
		const struct wl_interface *iface;
		const void *impl;
	} kinds[] = {
		[MP_WATCHED_STATION] = { &mp_manager_station_v1_interface,
			&station_impl },
		[MP_WATCHED_SESSION] = { &mp_manager_session_v1_interface,
			&session_impl },
		[MP_WATCHED_DEVICE] = { &mp_manager_device_v1_interface,
			&device_impl },
	};
	struct wl_client *client = wl_resource_get_client(w->resource);
	struct mp_watched *obj = calloc(1, sizeof(*obj));
	if (obj != NULL && k->name != NULL &&
			(obj->name = strdup(k->name)) == NULL) {
		free(obj);
		obj = NULL;
	}
	// The objects have the version of the manager they come from.
	struct wl_resource *res = obj ? wl_resource_create(client,
		kinds[k->kind].iface, wl_resource_get_version(w->resource), 0) :
		NULL;
	if (res == NULL) {
		if (obj != NULL) {
			free(obj->name);
		}
		free(obj);
		wl_client_post_no_memory(client);
		return NULL;
	}
	wl_resource_set_implementation(res, kinds[k->kind].impl, obj,
		watched_resource_destroy);
	obj->watcher = w;
	obj->resource = res;
	obj->kind = k->kind;
	obj->key = k->key;
	wl_list_insert(w->objects.prev, &obj->link);
	switch (k->kind) {
	case MP_WATCHED_STATION:
		mp_manager_v1_send_station(w->resource, res);
		break;
	case MP_WATCHED_SESSION:
		mp_manager_v1_send_session(w->resource, res);
		break;
	case MP_WATCHED_DEVICE:
		mp_manager_v1_send_device(w->resource, res);
		break;
	}
	return obj;
}

/* Sends the object if it is new to the watcher or changed (its
 * signature, from the batch's picture, differs from what was sent);
 * returns whether anything was sent. */
static bool send_object(struct mp_watcher *w, enum mp_watched_kind kind,
		void *object, const char *signature) {
	struct watched_key k = key_of(kind, object);
	struct mp_watched *obj = find_watched(w, &k);
	if (obj != NULL && strcmp(obj->signature, signature) == 0) {
		obj->seen = true;
		return false;
	}
	char *sig = strdup(signature);
	if (sig == NULL) {
		wl_client_post_no_memory(wl_resource_get_client(w->resource));
		return false;
	}
	if (obj == NULL && (obj = announce(w, &k)) == NULL) {
		free(sig);
		return false;
	}
	obj->seen = true;
	free(obj->signature);
	obj->signature = sig;
	switch (kind) {
	case MP_WATCHED_STATION:
		describe_station(object, obj->resource, NULL);
		break;
	case MP_WATCHED_SESSION:
		describe_session(object, obj->resource, NULL);
		break;
	case MP_WATCHED_DEVICE:
		describe_device(object, obj->resource, NULL);
		break;
	}
	return true;
}

static void send_removed(struct mp_watched *obj) {
	switch (obj->kind) {
	case MP_WATCHED_STATION:
		mp_manager_station_v1_send_removed(obj->resource);
		break;
	case MP_WATCHED_SESSION:
		mp_manager_session_v1_send_removed(obj->resource);
		break;
	case MP_WATCHED_DEVICE:
		mp_manager_device_v1_send_removed(obj->resource);
		break;
	}
}

/* Everything of picture (the server now) that changed since the
 * watcher's last batch, then done. */
static void send_batch(struct mp_watcher *w, const struct mp_picture *picture) {
	struct mp_server *server = w->manager->server;
	bool sent = false;
	struct mp_watched *obj, *tmp;
	wl_list_for_each(obj, &w->objects, link) {
		obj->seen = false;
	}
	if (w->maintenance_sent == NULL ||
			strcmp(picture->maintenance, w->maintenance_sent) != 0) {
		char *maint = strdup(picture->maintenance);
		if (maint != NULL) {
			mp_manager_v1_send_maintenance(w->resource,
				server->maintenance.on, server->maintenance.message ?
				server->maintenance.message : "");
			free(w->maintenance_sent);
			w->maintenance_sent = maint;
			sent = true;
		}
	}
	if (picture->pairing != w->pairing_sent &&
			wl_resource_get_version(w->resource) >=
			MP_MANAGER_V1_PAIRING_SINCE_VERSION) {
		mp_manager_v1_send_pairing(w->resource, (uint32_t)picture->pairing);
		w->pairing_sent = picture->pairing;
		sent = true;
	}
	size_t i = 0;
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		const char *sig = picture->stations[i++];
		if (sees_station(w, station)) {
			sent |= send_object(w, MP_WATCHED_STATION, station, sig);
		}
	}
	i = 0;
	struct mp_session *session;
	wl_list_for_each(session, &server->sessions, link) {
		const char *sig = picture->sessions[i++];
		if (sees_session(w, session)) {
			sent |= send_object(w, MP_WATCHED_SESSION, session, sig);
		}
	}
	i = 0;
	struct mp_input *input;
	wl_list_for_each(input, &server->inputs, link) {
		const char *sig = picture->devices[i++];
		if (sees_device(w, input)) {
			sent |= send_object(w, MP_WATCHED_DEVICE, input, sig);
		}
	}
	wl_list_for_each_safe(obj, tmp, &w->objects, link) {
		if (!obj->seen) {
			send_removed(obj);
			watched_destroy(obj);
			sent = true;
		}
	}
	if (sent) {
		mp_manager_v1_send_done(w->resource);
	}
}

/* Bytes the client has not read yet of what we sent. */
static int unread_bytes(struct wl_client *client) {
	int queued = 0;
	if (ioctl(wl_client_get_fd(client), TIOCOUTQ, &queued) < 0) {
		return 0;
	}
	return queued;
}

/* How much unread output makes a client a non-reader: MAX_UNREAD, or
 * half its socket's send buffer where that is smaller (the queue never
 * grows past the buffer). */
static int unread_limit(struct wl_client *client) {
	int sndbuf = 0;
	socklen_t len = sizeof(sndbuf);
	if (getsockopt(wl_client_get_fd(client), SOL_SOCKET, SO_SNDBUF, &sndbuf,
			&len) == 0 && sndbuf / 2 < MAX_UNREAD && sndbuf > 0) {
		return sndbuf / 2;
	}
	return MAX_UNREAD;
}

/* A batch: the picture is made once; when it is the last batch's (the
 * usual case: a frame was drawn, nothing a watcher sees changed) no
 * watcher is looked at. */
static void handle_batch(void *data) {
	struct mp_manager *manager = data;
	manager->batch = NULL; // an idle source goes once it ran
	struct mp_picture picture;
	if (!picture_make(manager->server, &picture)) {
		wlr_log(WLR_ERROR, "admin protocol: out of memory: no batch sent");
		return;
	}
	if (picture_equal(&picture, &manager->last)) {
		picture_finish(&picture);
		return;
	}
	picture_finish(&manager->last);
	manager->last = picture;
	struct mp_watcher *w;
again:
	wl_list_for_each(w, &manager->watchers, link) {
		struct wl_client *client = wl_resource_get_client(w->resource);
		int unread = unread_bytes(client);
		if (unread > unread_limit(client)) {
			wlr_log(WLR_ERROR, "admin client (uid %u) left %d bytes of "
				"events unread: disconnected", (unsigned)w->uid, unread);
			// Its watchers go with it: the list changed.
			wl_client_destroy(client);
			goto again;
		}
	}
	wl_list_for_each(w, &manager->watchers, link) {
		send_batch(w, &manager->last);
	}
}

/* Something changed: the watchers hear of it once the event loop has
 * nothing else to do, in one consistent batch. */
static void handle_changed(struct wl_listener *listener, void *data) {
	struct mp_manager *manager = wl_container_of(listener, manager, changed);
	if (manager->batch == NULL && !wl_list_empty(&manager->watchers)) {
		manager->batch = wl_event_loop_add_idle(manager->server->loop,
			handle_batch, manager);
	}
}

/* ---- results ---- */

static const struct mp_manager_result_v1_interface result_impl = {
	.destroy = object_handle_destroy,
};

static struct mp_watcher *watcher_from_resource(struct wl_resource *resource) {
	return wl_resource_get_user_data(resource);
}

/* Whether the watcher may send one more request of this cost; a client
 * that floods is disconnected (its requests would starve the others). */
static bool admit(struct mp_watcher *w, double cost) {
	int64_t now = util_now_ms();
	w->tokens += (double)(now - w->refilled_ms) * FLOOD_RATE / 1000.0;
	w->tokens = w->tokens > FLOOD_BURST ? FLOOD_BURST : w->tokens;
	w->refilled_ms = now;
	if (w->tokens < cost) {
		wlr_log(WLR_ERROR, "admin client (uid %u) floods requests: "
			"disconnected", (unsigned)w->uid);
		wl_resource_post_error(w->resource, MP_MANAGER_V1_ERROR_FLOOD,
			"more than %.0f requests in a burst or %.0f a second",
			FLOOD_BURST, FLOOD_RATE);
		return false;
	}
	w->tokens -= cost;
	return true;
}

/* The result object of a request; NULL when the client is out. */
static struct wl_resource *result_create(struct wl_resource *manager_res,
		uint32_t id, double cost) {
	struct mp_watcher *w = watcher_from_resource(manager_res);
	struct wl_client *client = wl_resource_get_client(manager_res);
	struct wl_resource *result = wl_resource_create(client,
		&mp_manager_result_v1_interface, wl_resource_get_version(manager_res),
		id);
	if (result == NULL) {
		wl_client_post_no_memory(client);
		return NULL;
	}
	wl_resource_set_implementation(result, &result_impl, NULL, NULL);
	if (w == NULL || !admit(w, cost)) {
		return NULL;
	}
	return result;
}

static void answer(struct wl_resource *result, struct mp_watcher *w,
		const char *verb, bool ok, const struct mp_error *err,
		const char *info) {
	if (ok) {
		mp_manager_result_v1_send_done(result, info ? info : "");
		return;
	}
	enum mp_error_code code = err->code ? err->code : MP_ERROR_FAILED;
	wlr_log(WLR_INFO, "admin client (uid %u): %s refused: %s",
		(unsigned)w->uid, verb, err->text[0] ? err->text : "refused");
	mp_manager_result_v1_send_failed(result, code,
		err->text[0] ? err->text : "refused");
}

/* ---- targets ---- */

/* A session id in decimal, or -1. */
static long parse_id(const char *text) {
	if (text[0] < '0' || text[0] > '9' || strlen(text) > 9) {
		return -1;
	}
	char *end;
	long id = strtol(text, &end, 10);
	return *end == '\0' ? id : -1;
}

static struct mp_session *session_by_user(struct mp_server *server,
		const char *user) {
	struct mp_session *session, *kiosk = NULL;
	wl_list_for_each(session, &server->sessions, link) {
		if (strcmp(session->user, user) == 0) {
			if (!session->kiosk) {
				return session;
			}
			kiosk = kiosk ? kiosk : session;
		}
	}
	return kiosk;
}

/* The session a target names (see the protocol's targets), checked for
 * the watcher's rights to verb; NULL with err set. */
static struct mp_session *find_session(struct mp_watcher *w,
		const char *target, enum mp_verb verb, struct mp_error *err) {
	struct mp_server *server = w->manager->server;
	struct mp_session *session = NULL;
	if (target[0] == '\0') {
		session = session_for_uid(server, w->uid);
		if (session == NULL) {
			action_error(err, MP_ERROR_NOT_FOUND, "you (uid %u) have no session",
				(unsigned)w->uid);
			return NULL;
		}
	} else if (target[0] == '@') {
		struct mp_station *station = station_by_name(server, target + 1);
		if (station == NULL || !sees_station(w, station)) {
			action_error(err, MP_ERROR_NOT_FOUND, "no station '%s'", target + 1);
			return NULL;
		}
		session = station->session;
		if (session == NULL) {
			action_error(err, MP_ERROR_WRONG_STATE, "station %s has no session",
				station->name);
			return NULL;
		}
	} else {
		long id = parse_id(target);
		if (id >= 0) {
			session = session_by_id(server, (uint32_t)id);
		} else {
			session = session_by_user(server, target);
		}
		if (session == NULL) {
			action_error(err, MP_ERROR_NOT_FOUND, "no session '%s'", target);
			return NULL;
		}
	}
	if (!authorise_may(w->admin, verb, session->uid == w->uid)) {
		action_error(err, MP_ERROR_DENIED, "you (uid %u) may not do that to "
			"session %u: only its own user or an admin may",
			(unsigned)w->uid, session->id);
		return NULL;
	}
	return session;
}

static struct mp_station *find_station(struct mp_watcher *w,
		const char *target, enum mp_verb verb, struct mp_error *err) {
	struct mp_server *server = w->manager->server;
	struct mp_station *station = station_by_name(server, target);
	if (station == NULL) {
		// A session (its id, its user, or the caller's own): its station.
		struct mp_error inner = { 0 };
		struct mp_session *session = target[0] == '@' ? NULL :
			find_session(w, target, verb, &inner);
		if (session == NULL) {
			if (inner.code == MP_ERROR_DENIED) {
				*err = inner;
			} else if (target[0] == '\0') {
				action_error(err, MP_ERROR_NOT_FOUND, "you (uid %u) have no "
					"session", (unsigned)w->uid);
			} else {
				action_error(err, MP_ERROR_NOT_FOUND, "no station '%s'", target);
			}
			return NULL;
		}
		station = station_of_session(server, session);
		if (station == NULL) {
			action_error(err, MP_ERROR_WRONG_STATE, "session %u of %s is shown "
				"at no station (%s)", session->id, session->user,
				session_state_name(session->state));
			return NULL;
		}
	}
	bool own = station->session != NULL && station->session->uid == w->uid;
	if (!authorise_may(w->admin, verb, own)) {
		if (!sees_station(w, station)) {
			action_error(err, MP_ERROR_DENIED, "you (uid %u) may not do that at "
				"station %s: only an admin may", (unsigned)w->uid,
				station->name);
		} else {
			action_error(err, MP_ERROR_DENIED, "only an admin may do that");
		}
		return NULL;
	}
	return station;
}

/* Whether the target is "*" (every one), allowed to admins only. */
static bool is_all(struct mp_watcher *w, const char *target,
		struct mp_error *err, bool *denied) {
	*denied = false;
	if (strcmp(target, "*") != 0) {
		return false;
	}
	if (!w->admin) {
		*denied = true;
		action_error(err, MP_ERROR_DENIED, "only an admin may act on every "
			"station or session");
	}
	return true;
}

/* ---- requests ---- */

/* What a request does to one target: a station's action or a session's
 * (the other one NULL). */
struct target_action {
	bool (*station)(struct mp_station *station, void *arg,
		struct mp_error *err);
	bool (*session)(struct mp_session *session, void *arg,
		struct mp_error *err);
};

/* "*": the action on every station or session it applies to (one it does
 * not apply to is skipped, not an error). Returns how many were acted on,
 * or -1 with err set for an invalid argument: the same arguments for
 * every one, none is done. */
static int act_on_all(struct mp_server *server,
		const struct target_action *act, void *arg, struct mp_error *err) {
	int n = 0;
	struct mp_error one = { 0 };
	if (act->station != NULL) {
		struct mp_station *station, *tmp;
		wl_list_for_each_safe(station, tmp, &server->stations, link) {
			n += act->station(station, arg, &one);
			if (one.code == MP_ERROR_INVALID) {
				*err = one;
				return -1;
			}
		}
	} else {
		struct mp_session *session, *tmp;
		wl_list_for_each_safe(session, tmp, &server->sessions, link) {
			n += act->session(session, arg, &one);
			if (one.code == MP_ERROR_INVALID) {
				*err = one;
				return -1;
			}
		}
	}
	return n;
}

/* A request on one target, or on every one for "*"; done's info is the
 * station's name or the session's id, or how many for "*". */
static void on_targets(struct wl_resource *resource, uint32_t id,
		const char *verb_name, enum mp_verb verb, const char *target,
		const struct target_action *act, void *arg) {
	struct mp_watcher *w = watcher_from_resource(resource);
	struct wl_resource *result = result_create(resource, id, 1);
	if (result == NULL) {
		return;
	}
	struct mp_error err = { 0 };
	char info[256] = "";
	bool denied;
	if (is_all(w, target, &err, &denied)) {
		int n = denied ? -1 : act_on_all(w->manager->server, act, arg, &err);
		snprintf(info, sizeof(info), "%d", n);
		answer(result, w, verb_name, n >= 0, &err, info);
		return;
	}
	bool ok = false;
	if (act->station != NULL) {
		struct mp_station *station = find_station(w, target, verb, &err);
		ok = station != NULL && act->station(station, arg, &err);
		if (ok) {
			snprintf(info, sizeof(info), "%s", station->name); // renamed
		}
	} else {
		struct mp_session *session = find_session(w, target, verb, &err);
		if (session != NULL) {
			// The session may be gone once the action is done.
			snprintf(info, sizeof(info), "%u", session->id);
			ok = act->session(session, arg, &err);
		}
	}
	answer(result, w, verb_name, ok, &err, info);
}

static bool do_suspend(struct mp_session *session, void *arg,
		struct mp_error *err) {
	return action_suspend(session, err);
}

static bool do_disconnect(struct mp_session *session, void *arg,
		struct mp_error *err) {
	return action_disconnect(session, err);
}

static bool do_logoff(struct mp_session *session, void *arg,
		struct mp_error *err) {
	return action_logoff(session, err);
}

static bool do_end(struct mp_session *session, void *arg,
		struct mp_error *err) {
	return action_end_warned(session, *(uint32_t *)arg, "ended by an admin",
		err);
}

static void handle_suspend(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *session) {
	on_targets(resource, id, "suspend", MP_VERB_SUSPEND, session,
		&(struct target_action){ .session = do_suspend }, NULL);
}

static void handle_disconnect(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *session) {
	on_targets(resource, id, "disconnect", MP_VERB_DISCONNECT, session,
		&(struct target_action){ .session = do_disconnect }, NULL);
}

static void handle_logoff(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *session) {
	on_targets(resource, id, "logoff", MP_VERB_LOGOFF, session,
		&(struct target_action){ .session = do_logoff }, NULL);
}

static void handle_end(struct wl_client *client, struct wl_resource *resource,
		uint32_t id, const char *session, uint32_t warn) {
	on_targets(resource, id, "end", MP_VERB_END, session,
		&(struct target_action){ .session = do_end }, &warn);
}

static bool do_lock(struct mp_station *station, void *arg,
		struct mp_error *err) {
	return action_lock(station, arg, err);
}

static bool do_unlock(struct mp_station *station, void *arg,
		struct mp_error *err) {
	return action_unlock(station, err);
}

struct notice_args {
	const char *text;
	uint32_t seconds;
};

static bool do_block(struct mp_station *station, void *arg,
		struct mp_error *err) {
	struct notice_args *a = arg;
	return action_block(station, a->text, a->seconds, err);
}

static bool do_unblock(struct mp_station *station, void *arg,
		struct mp_error *err) {
	return action_unblock(station, err);
}

static bool do_message(struct mp_station *station, void *arg,
		struct mp_error *err) {
	struct notice_args *a = arg;
	return action_message(station, a->text, a->seconds, err);
}

static void handle_lock(struct wl_client *client, struct wl_resource *resource,
		uint32_t id, const char *station) {
	struct mp_watcher *w = watcher_from_resource(resource);
	// The log and the lock screen say who locked it.
	char reason[64];
	snprintf(reason, sizeof(reason), w && w->admin ? "locked by an admin" :
		"locked by its user");
	on_targets(resource, id, "lock", MP_VERB_LOCK, station,
		&(struct target_action){ .station = do_lock }, reason);
}

static void handle_unlock(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *station) {
	on_targets(resource, id, "unlock", MP_VERB_UNLOCK, station,
		&(struct target_action){ .station = do_unlock }, NULL);
}

static void handle_block(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *station,
		const char *message, uint32_t seconds) {
	struct notice_args a = { message, seconds };
	on_targets(resource, id, "block", MP_VERB_BLOCK, station,
		&(struct target_action){ .station = do_block }, &a);
}

static void handle_unblock(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *station) {
	on_targets(resource, id, "unblock", MP_VERB_BLOCK, station,
		&(struct target_action){ .station = do_unblock }, NULL);
}

static void handle_message(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *station,
		const char *text, uint32_t seconds) {
	struct notice_args a = { text, seconds };
	on_targets(resource, id, "message", MP_VERB_MESSAGE, station,
		&(struct target_action){ .station = do_message }, &a);
}

/* A request of admins only (identify, maintenance, pairing, layout): the
 * result, answered with denied (false) for another user. */
static bool server_request(struct wl_resource *resource, uint32_t id,
		const char *verb_name, enum mp_verb verb,
		struct wl_resource **result, struct mp_error *err) {
	struct mp_watcher *w = watcher_from_resource(resource);
	*result = result_create(resource, id, 1);
	if (*result == NULL) {
		return false;
	}
	if (!authorise_may(w->admin, verb, false)) {
		action_error(err, MP_ERROR_DENIED, "only an admin may do that");
		answer(*result, w, verb_name, false, err, NULL);
		return false;
	}
	return true;
}

static void handle_identify(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, uint32_t on) {
	struct wl_resource *result;
	struct mp_error err = { 0 };
	if (!server_request(resource, id, "identify", MP_VERB_IDENTIFY, &result,
			&err)) {
		return;
	}
	struct mp_watcher *w = watcher_from_resource(resource);
	bool ok = on <= 1 ? action_identify(w->manager->server, on, &err) :
		action_error(&err, MP_ERROR_INVALID, "on is 0 or 1, not %u", on);
	answer(result, w, "identify", ok, &err, NULL);
}

static void handle_maintenance(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, uint32_t on,
		const char *message) {
	struct wl_resource *result;
	struct mp_error err = { 0 };
	if (!server_request(resource, id, "maintenance", MP_VERB_MAINTENANCE,
			&result, &err)) {
		return;
	}
	struct mp_watcher *w = watcher_from_resource(resource);
	bool ok = on <= 1 ?
		action_maintenance(w->manager->server, on, message, &err) :
		action_error(&err, MP_ERROR_INVALID, "on is 0 or 1, not %u", on);
	answer(result, w, "maintenance", ok, &err, NULL);
}

static void handle_rename(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *target,
		const char *name) {
	struct mp_watcher *w = watcher_from_resource(resource);
	struct wl_resource *result = result_create(resource, id, 1);
	if (result == NULL) {
		return;
	}
	struct mp_error err = { 0 };
	struct mp_station *station = find_station(w, target, MP_VERB_RENAME,
		&err);
	bool ok = station != NULL && action_rename(station, name, &err);
	answer(result, w, "rename", ok, &err, NULL);
}

/* Scales the station's pixels into the client's shm buffer. */
static bool thumbnail(struct mp_station *station, struct wl_resource *buffer,
		struct mp_error *err) {
	struct wl_shm_buffer *shm = buffer ? wl_shm_buffer_get(buffer) : NULL;
	if (shm == NULL) {
		return action_error(err, MP_ERROR_INVALID, "the buffer is not a wl_shm "
			"buffer");
	}
	uint32_t format = wl_shm_buffer_get_format(shm);
	int width = wl_shm_buffer_get_width(shm);
	int height = wl_shm_buffer_get_height(shm);
	int stride = wl_shm_buffer_get_stride(shm);
	if (format != WL_SHM_FORMAT_XRGB8888 && format != WL_SHM_FORMAT_ARGB8888) {
		return action_error(err, MP_ERROR_INVALID, "the buffer's format is not "
			"xrgb8888 or argb8888");
	}
	if (width < 1 || height < 1 || width > THUMBNAIL_MAX ||
			height > THUMBNAIL_MAX || stride < width * 4 || stride % 4 != 0) {
		return action_error(err, MP_ERROR_INVALID, "a thumbnail is 1x1 to %dx%d "
			"pixels, with a stride of at least 4 bytes a pixel (the buffer "
			"is %dx%d, stride %d)", THUMBNAIL_MAX, THUMBNAIL_MAX, width,
			height, stride);
	}
	struct wlr_box *area = &station->place.area;
	if (station->place.n_parts == 0 || area->width <= 0 ||
			area->height <= 0) {
		return action_error(err, MP_ERROR_WRONG_STATE, "station %s has no output",
			station->name);
	}
	uint32_t *pixels = calloc((size_t)area->width * area->height, 4);
	if (pixels == NULL || !station_read_pixels(station, pixels)) {
		free(pixels);
		return action_error(err, MP_ERROR_FAILED, "cannot read the pixels of "
			"station %s", station->name);
	}
	pixman_image_t *src = pixman_image_create_bits(PIXMAN_x8r8g8b8,
		area->width, area->height, pixels, area->width * 4);
	wl_shm_buffer_begin_access(shm);
	pixman_image_t *dst = pixman_image_create_bits(
		format == WL_SHM_FORMAT_ARGB8888 ? PIXMAN_a8r8g8b8 : PIXMAN_x8r8g8b8,
		width, height, wl_shm_buffer_get_data(shm), stride);
	bool ok = src != NULL && dst != NULL;
	if (ok) {
		pixman_transform_t t;
		pixman_transform_init_scale(&t,
			pixman_double_to_fixed((double)area->width / width),
			pixman_double_to_fixed((double)area->height / height));
		pixman_image_set_transform(src, &t);
		pixman_image_set_filter(src, width < area->width ||
			height < area->height ? PIXMAN_FILTER_GOOD :
			PIXMAN_FILTER_NEAREST, NULL, 0);
		// x8r8g8b8 to a8r8g8b8 with SRC: alpha 255 everywhere.
		pixman_image_composite32(PIXMAN_OP_SRC, src, NULL, dst, 0, 0, 0, 0,
			0, 0, width, height);
	}
	if (dst != NULL) {
		pixman_image_unref(dst);
	}
	wl_shm_buffer_end_access(shm);
	if (src != NULL) {
		pixman_image_unref(src);
	}
	free(pixels);
	return ok ? true : action_error(err, MP_ERROR_FAILED, "out of memory");
}

static void handle_thumbnail(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *target,
		struct wl_resource *buffer) {
	struct mp_watcher *w = watcher_from_resource(resource);
	struct wl_resource *result = result_create(resource, id, THUMBNAIL_COST);
	if (result == NULL) {
		return;
	}
	struct mp_error err = { 0 };
	struct mp_station *station = find_station(w, target, MP_VERB_THUMBNAIL,
		&err);
	bool ok = station != NULL && thumbnail(station, buffer, &err);
	answer(result, w, "thumbnail", ok, &err, NULL);
}

/* ---- pairing and layout (version 2, admins only) ---- */

static bool check_flag(const char *name, uint32_t value,
		struct mp_error *err) {
	return value <= 1 ? true : action_error(err, MP_ERROR_INVALID,
		"%s is 0 or 1, not %u", name, value);
}

/* The one station a layout request names: a station's name, or a
 * session's id or user (its station); "" and "*" are refused. NULL with
 * err set. */
static struct mp_station *one_station(struct mp_watcher *w,
		const char *target, struct mp_error *err) {
	if (target[0] == '\0') {
		action_error(err, MP_ERROR_INVALID, "no station given");
		return NULL;
	} else if (strcmp(target, "*") == 0) {
		action_error(err, MP_ERROR_INVALID, "this acts on one station, not "
			"on every one ('*')");
		return NULL;
	}
	return find_station(w, target, MP_VERB_LAYOUT, err);
}

static void handle_pair(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, uint32_t on) {
	struct wl_resource *result;
	struct mp_error err = { 0 };
	if (!server_request(resource, id, "pair", MP_VERB_PAIR, &result, &err)) {
		return;
	}
	struct mp_watcher *w = watcher_from_resource(resource);
	bool ok = check_flag("on", on, &err) &&
		action_pairing(w->manager->server, on, &err);
	answer(result, w, "pair", ok, &err, NULL);
}

static void handle_clear_pairings(struct wl_client *client,
		struct wl_resource *resource, uint32_t id) {
	struct wl_resource *result;
	struct mp_error err = { 0 };
	if (!server_request(resource, id, "clear_pairings", MP_VERB_PAIR,
			&result, &err)) {
		return;
	}
	struct mp_watcher *w = watcher_from_resource(resource);
	bool ok = action_clear_pairings(w->manager->server, &err);
	answer(result, w, "clear_pairings", ok, &err, NULL);
}

static void handle_split(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *target,
		const char *new_name, uint32_t park) {
	struct wl_resource *result;
	struct mp_error err = { 0 };
	if (!server_request(resource, id, "split", MP_VERB_LAYOUT, &result,
			&err)) {
		return;
	}
	struct mp_watcher *w = watcher_from_resource(resource);
	struct mp_station *station = NULL;
	bool ok = check_flag("park", park, &err) &&
		(station = one_station(w, target, &err)) != NULL &&
		action_split(station, new_name[0] != '\0' ? new_name : NULL, park,
			&err);
	answer(result, w, "split", ok, &err, NULL);
}

static void handle_join(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *target,
		uint32_t park) {
	struct wl_resource *result;
	struct mp_error err = { 0 };
	if (!server_request(resource, id, "join", MP_VERB_LAYOUT, &result,
			&err)) {
		return;
	}
	struct mp_watcher *w = watcher_from_resource(resource);
	struct mp_station *station = NULL;
	bool ok = check_flag("park", park, &err) &&
		(station = one_station(w, target, &err)) != NULL &&
		action_join(station, park, &err);
	answer(result, w, "join", ok, &err, NULL);
}

static void handle_assign_output(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *output,
		const char *target, uint32_t park) {
	struct wl_resource *result;
	struct mp_error err = { 0 };
	if (!server_request(resource, id, "assign_output", MP_VERB_LAYOUT,
			&result, &err)) {
		return;
	}
	struct mp_watcher *w = watcher_from_resource(resource);
	struct mp_station *station = NULL;
	bool ok = check_flag("park", park, &err) &&
		(output[0] != '\0' || action_error(&err, MP_ERROR_INVALID,
			"no output given")) &&
		(station = one_station(w, target, &err)) != NULL &&
		action_assign_output(w->manager->server, output, station, park,
			&err);
	answer(result, w, "assign_output", ok, &err, NULL);
}

static void handle_assign_device(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *device,
		const char *target, uint32_t park) {
	struct wl_resource *result;
	struct mp_error err = { 0 };
	if (!server_request(resource, id, "assign_device", MP_VERB_LAYOUT,
			&result, &err)) {
		return;
	}
	struct mp_watcher *w = watcher_from_resource(resource);
	struct mp_server *server = w->manager->server;
	struct mp_station *station = NULL;
	bool ok = check_flag("park", park, &err) &&
		(device[0] != '\0' || action_error(&err, MP_ERROR_INVALID,
			"no device given"));
	if (ok && input_by_name(server, device) == NULL) {
		ok = action_error(&err, MP_ERROR_NOT_FOUND, "no device '%s'", device);
	}
	// "": unassigned.
	if (ok && target[0] != '\0') {
		ok = (station = one_station(w, target, &err)) != NULL;
	}
	ok = ok && action_assign_device(server, device, station, park, &err);
	answer(result, w, "assign_device", ok, &err, NULL);
}

static void handle_destroy(struct wl_client *client,
		struct wl_resource *resource) {
	wl_resource_destroy(resource);
}

static const struct mp_manager_v1_interface manager_impl = {
	.destroy = handle_destroy,
	.suspend = handle_suspend,
	.disconnect = handle_disconnect,
	.logoff = handle_logoff,
	.end = handle_end,
	.lock = handle_lock,
	.unlock = handle_unlock,
	.block = handle_block,
	.unblock = handle_unblock,
	.message = handle_message,
	.identify = handle_identify,
	.thumbnail = handle_thumbnail,
	.rename = handle_rename,
	.maintenance = handle_maintenance,
	.pair = handle_pair,
	.clear_pairings = handle_clear_pairings,
	.split = handle_split,
	.join = handle_join,
	.assign_output = handle_assign_output,
	.assign_device = handle_assign_device,
};

/* ---- binding ---- */

static void watcher_resource_destroy(struct wl_resource *resource) {
	struct mp_watcher *w = watcher_from_resource(resource);
	struct mp_watched *obj, *tmp;
	wl_list_for_each_safe(obj, tmp, &w->objects, link) {
		watched_destroy(obj);
	}
	wl_list_remove(&w->link);
	free(w->maintenance_sent);
	free(w);
}

/* Whether the peer of a client is an admin (see authorise.h). */
static bool peer_is_admin(struct mp_server *server, struct wl_client *client,
		const struct mp_client *tag) {
	struct mp_peer peer = { .uid = tag->uid, .gid = tag->gid };
	// Its supplementary groups as they were when it connected.
	gid_t small[256];
	gid_t *groups = small;
	socklen_t len = sizeof(small);
	int fd = wl_client_get_fd(client);
	int ret = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len);
	if (ret < 0 && errno == ERANGE && (groups = malloc(len)) != NULL) {
		// More than 256 groups: len says how much room they need.
		ret = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len);
	}
	if (ret == 0 && groups != NULL) {
		peer.groups = groups;
		peer.n_groups = len / sizeof(gid_t);
	}
	gid_t admin_gid;
	bool has_group = false;
	const char *group = server->config->admin_group;
	if (group != NULL) {
		struct group *gr = getgrnam(group);
		if (gr != NULL) {
			admin_gid = gr->gr_gid;
			has_group = true;
		}
	}
	bool admin = authorise_is_admin(&peer, getuid(),
		has_group ? &admin_gid : NULL);
	if (groups != small) {
		free(groups);
	}
	return admin;
}

static void bind_manager(struct wl_client *client, void *data,
		uint32_t version, uint32_t id) {
	struct mp_manager *manager = data;
	struct mp_client *tag = client_from_wl(client);
	if (tag == NULL || tag->kind != MP_CLIENT_ADMIN) {
		// The filter hides it; a client guessing its name gets an error.
		wl_client_post_implementation_error(client,
			"mp_manager_v1 is only offered on mpcomp's admin sockets");
		return;
	}
	struct mp_watcher *w = calloc(1, sizeof(*w));
	struct wl_resource *resource = w ? wl_resource_create(client,
		&mp_manager_v1_interface, version, id) : NULL;
	if (resource == NULL) {
		free(w);
		wl_client_post_no_memory(client);
		return;
	}
	w->manager = manager;
	w->resource = resource;
	w->uid = tag->uid;
	w->admin = peer_is_admin(manager->server, client, tag);
	w->pairing_sent = -1;
	w->tokens = FLOOD_BURST;
	w->refilled_ms = util_now_ms();
	wl_list_init(&w->objects);
	wl_list_insert(&manager->watchers, &w->link);
	wl_resource_set_implementation(resource, &manager_impl, w,
		watcher_resource_destroy);
	struct passwd *pw = getpwuid(w->uid);
	wlr_log(WLR_INFO, "admin client pid %d (uid %u, %s): bound mp_manager_v1"
		" as %s", (int)tag->pid, (unsigned)w->uid, pw ? pw->pw_name : "?",
		w->admin ? "an admin" : "a user");
	mp_manager_v1_send_identity(resource, w->uid, pw ? pw->pw_name : "",
		w->admin);
	// The snapshot, done at its end.
	struct mp_picture picture;
	if (!picture_make(manager->server, &picture)) {
		wl_client_post_no_memory(client);
		return;
	}
	send_batch(w, &picture);
	picture_finish(&picture);
	// The next batch looks at every watcher again, this one included:
	// what it was just told may already differ from the last batch.
	picture_finish(&manager->last);
}

/* ---- the admin socket ---- */

/* Whether some process listens on path already (another mpcomp). */
static bool socket_alive(const char *path) {
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path)) {
		return false;
	}
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return false;
	}
	bool alive = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(fd);
	return alive;
}

static char *default_path(void) {
	char *path = NULL;
	if (getuid() == 0) {
		if (mkdir(SYSTEM_SOCKET_DIR, 0755) < 0 && errno != EEXIST) {
			wlr_log_errno(WLR_ERROR, "cannot create %s", SYSTEM_SOCKET_DIR);
			return NULL;
		}
		return strdup(SYSTEM_SOCKET_DIR "/admin");
	}
	const char *dir = getenv("XDG_RUNTIME_DIR");
	if (dir == NULL || dir[0] == '\0') {
		wlr_log(WLR_ERROR, "XDG_RUNTIME_DIR is not set: no admin socket");
		return NULL;
	}
	if (asprintf(&path, "%s/mpcomp-admin", dir) < 0) {
		return NULL;
	}
	return path;
}

/* Mode 0660, group admin-group: its members (and the owner) reach it. */
static void set_socket_group(struct mp_server *server, const char *path) {
	const char *group = server->config->admin_group;
	if (group == NULL) {
		return; // 0600: the user mpcomp runs as (and root) only
	}
	struct group *gr = getgrnam(group);
	if (gr == NULL) {
		wlr_log(WLR_ERROR, "admin-group %s does not exist: only %s can "
			"reach %s", group, getuid() == 0 ? "root" : "its owner", path);
		return;
	}
	if (chown(path, (uid_t)-1, gr->gr_gid) < 0 || chmod(path, 0660) < 0) {
		wlr_log_errno(WLR_ERROR, "cannot give %s to group %s", path, group);
	}
}

struct mp_manager *manager_create(struct mp_server *server,
		const char *path) {
	char *owned = path ? strdup(path) : default_path();
	if (owned == NULL) {
		return NULL;
	}
	if (socket_alive(owned)) {
		wlr_log(WLR_ERROR, "another mpcomp listens on %s: no admin socket "
			"(give another with --admin-socket)", owned);
		free(owned);
		return NULL;
	}
	struct mp_manager *manager = calloc(1, sizeof(*manager));
	if (manager == NULL) {
		free(owned);
		return NULL;
	}
	manager->server = server;
	wl_list_init(&manager->watchers);
	wl_list_init(&manager->changed.link);
	manager->global = wl_global_create(server->display,
		&mp_manager_v1_interface, MANAGER_VERSION, manager, bind_manager);
	manager->socket = socket_create(server, owned, client_accept_admin, NULL);
	free(owned);
	if (manager->global == NULL || manager->socket == NULL ||
			!client_register_privileged(server, manager->global,
				MP_CLIENT_ADMIN)) {
		wlr_log(WLR_ERROR, "cannot offer the admin protocol");
		manager_destroy(manager);
		return NULL;
	}
	set_socket_group(server, manager->socket->path);
	manager->changed.notify = handle_changed;
	wl_signal_add(&server->events.changed, &manager->changed);
	wlr_log(WLR_INFO, "admin socket: %s", manager->socket->path);
	return manager;
}

void manager_destroy(struct mp_manager *manager) {
	if (manager == NULL) {
		return;
	}
	if (manager->batch != NULL) {
		wl_event_source_remove(manager->batch);
	}
	wl_list_remove(&manager->changed.link);
	picture_finish(&manager->last);
	socket_destroy(manager->socket);
	// Bound resources go with their clients (before the display).
	struct mp_watcher *w, *tmp;
	wl_list_for_each_safe(w, tmp, &manager->watchers, link) {
		wl_resource_set_user_data(w->resource, NULL);
		wl_resource_set_destructor(w->resource, NULL);
		struct mp_watched *obj, *otmp;
		wl_list_for_each_safe(obj, otmp, &w->objects, link) {
			watched_destroy(obj);
		}
		wl_list_remove(&w->link);
		free(w->maintenance_sent);
		free(w);
	}
	if (manager->global != NULL) {
		client_unregister_privileged(manager->server, manager->global);
		wl_global_destroy(manager->global);
	}
	free(manager);
}

const char *manager_socket_path(struct mp_manager *manager) {
	return manager->socket->path;
}
