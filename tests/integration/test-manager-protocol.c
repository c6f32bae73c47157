/* mp_manager_v1 on the wire: what an admin client sees (a snapshot, then
 * batches of what changed), where the global is not offered, how
 * malformed requests fail without changing anything, how mpcomp protects
 * itself from clients that flood or never read, and what a thumbnail
 * shows. The client here is plain libwayland-client, no mpmgr. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include <wayland-client.h>
#include "lifecycle.h"
#include "mp-manager-v1-client-protocol.h"

/* ---- a small admin client ---- */

#define MGR_LIST_MAX 16
#define MGR_TIMEOUT_MS 10000

struct mgr;

/* A station as the client was told at its last done. */
struct mgr_station {
	struct mgr *m;
	struct mp_manager_station_v1 *proxy;
	char *name, *key, *role;
	uint32_t state, session;
	int32_t x, y, width, height;
	char *outputs[MGR_LIST_MAX];
	size_t n_outputs;
	char *devices[MGR_LIST_MAX];
	size_t n_devices;
	char *notice_kinds[MGR_LIST_MAX];
	char *notice_texts[MGR_LIST_MAX];
	size_t n_notices;
	unsigned sends; // how many times it was sent (name events)
	struct wl_list link; // mgr.stations
};

struct mgr_session {
	struct mgr *m;
	struct mp_manager_session_v1 *proxy;
	uint32_t id, uid, started, kiosk, state, idle;
	char *user, *station;
	bool ending;
	uint32_t ending_seconds;
	bool parked;
	char *parked_reason, *parked_home;
	unsigned sends;
	struct wl_list link; // mgr.sessions
};

struct mgr {
	struct wl_display *display;
	struct wl_registry *registry;
	struct mp_manager_v1 *manager;
	struct wl_shm *shm;
	uint32_t manager_global; // its name in the registry, 0: none
	uint32_t shm_formats[64];
	size_t n_shm_formats;
	bool identified;
	uint32_t uid, admin;
	char *user;
	uint32_t maintenance_on;
	char *maintenance_message;
	unsigned dones;
	bool in_batch; // events came since the last done
	char order[256]; // the kinds of the first events, in order
	size_t n_order;
	unsigned removed; // objects removed
	struct wl_list stations, sessions;
};

struct mgr_result {
	bool answered, ok;
	uint32_t code;
	char *text; // done's info or failed's reason
};

static void replace(char **slot, const char *text) {
	free(*slot);
	*slot = text ? strdup(text) : NULL;
}

static void note(struct mgr *m, char kind) {
	if (m->n_order + 1 < sizeof(m->order)) {
		m->order[m->n_order++] = kind;
		m->order[m->n_order] = '\0';
	}
}

static void free_list(char **items, size_t *n) {
	for (size_t i = 0; i < *n; i++) {
		free(items[i]);
		items[i] = NULL;
	}
	*n = 0;
}

static void add_to_list(char **items, size_t *n, const char *text) {
	assert_true(*n < MGR_LIST_MAX);
	items[(*n)++] = strdup(text);
}

static void station_free(struct mgr_station *s) {
	if (s->proxy != NULL) {
		mp_manager_station_v1_destroy(s->proxy);
	}
	free(s->name);
	free(s->key);
	free(s->role);
	free_list(s->outputs, &s->n_outputs);
	free_list(s->devices, &s->n_devices);
	for (size_t i = 0; i < s->n_notices; i++) {
		free(s->notice_texts[i]);
	}
	free_list(s->notice_kinds, &s->n_notices);
	wl_list_remove(&s->link);
	free(s);
}

static void session_free(struct mgr_session *s) {
	if (s->proxy != NULL) {
		mp_manager_session_v1_destroy(s->proxy);
	}
	free(s->user);
	free(s->station);
	free(s->parked_reason);
	free(s->parked_home);
	wl_list_remove(&s->link);
	free(s);
}

static void st_name(void *data, struct mp_manager_station_v1 *proxy,
		const char *name, const char *key, const char *role) {
	struct mgr_station *s = data;
	s->m->in_batch = true;
	s->sends++;
	replace(&s->name, name);
	replace(&s->key, key);
	replace(&s->role, role);
	// Each time it is sent, its lists start empty.
	free_list(s->outputs, &s->n_outputs);
	free_list(s->devices, &s->n_devices);
	for (size_t i = 0; i < s->n_notices; i++) {
		free(s->notice_texts[i]);
		s->notice_texts[i] = NULL;
	}
	free_list(s->notice_kinds, &s->n_notices);
}

static void st_state(void *data, struct mp_manager_station_v1 *proxy,
		uint32_t state, uint32_t session) {
	struct mgr_station *s = data;
	s->state = state;
	s->session = session;
}

static void st_area(void *data, struct mp_manager_station_v1 *proxy,
		int32_t x, int32_t y, int32_t width, int32_t height) {
	struct mgr_station *s = data;
	s->x = x;
	s->y = y;
	s->width = width;
	s->height = height;
}

static void st_output(void *data, struct mp_manager_station_v1 *proxy,
		const char *name) {
	struct mgr_station *s = data;
	add_to_list(s->outputs, &s->n_outputs, name);
}

static void st_device(void *data, struct mp_manager_station_v1 *proxy,
		const char *name) {
	struct mgr_station *s = data;
	add_to_list(s->devices, &s->n_devices, name);
}

static void st_notice(void *data, struct mp_manager_station_v1 *proxy,
		const char *kind, const char *text, uint32_t seconds) {
	struct mgr_station *s = data;
	assert_true(s->n_notices < MGR_LIST_MAX);
	s->notice_texts[s->n_notices] = strdup(text);
	add_to_list(s->notice_kinds, &s->n_notices, kind);
}

static void st_removed(void *data, struct mp_manager_station_v1 *proxy) {
	struct mgr_station *s = data;
	s->m->in_batch = true;
	s->m->removed++;
	station_free(s);
}

static const struct mp_manager_station_v1_listener station_listener = {
	.name = st_name,
	.state = st_state,
	.area = st_area,
	.output = st_output,
	.device = st_device,
	.notice = st_notice,
	.removed = st_removed,
};

static void se_info(void *data, struct mp_manager_session_v1 *proxy,
		uint32_t id, const char *user, uint32_t uid, uint32_t started,
		uint32_t kiosk) {
	struct mgr_session *s = data;
	s->m->in_batch = true;
	s->sends++;
	s->id = id;
	replace(&s->user, user);
	s->uid = uid;
	s->started = started;
	s->kiosk = kiosk;
	s->ending = false;
	s->parked = false;
}

static void se_state(void *data, struct mp_manager_session_v1 *proxy,
		uint32_t state, const char *station, uint32_t idle) {
	struct mgr_session *s = data;
	s->state = state;
	replace(&s->station, station);
	s->idle = idle;
}

static void se_parked(void *data, struct mp_manager_session_v1 *proxy,
		const char *reason, uint32_t since, const char *home) {
	struct mgr_session *s = data;
	s->parked = true;
	replace(&s->parked_reason, reason);
	replace(&s->parked_home, home);
}

static void se_ending(void *data, struct mp_manager_session_v1 *proxy,
		uint32_t seconds) {
	struct mgr_session *s = data;
	s->ending = true;
	s->ending_seconds = seconds;
}

static void se_removed(void *data, struct mp_manager_session_v1 *proxy) {
	struct mgr_session *s = data;
	s->m->in_batch = true;
	s->m->removed++;
	session_free(s);
}

static const struct mp_manager_session_v1_listener session_listener = {
	.info = se_info,
	.state = se_state,
	.parked = se_parked,
	.ending = se_ending,
	.removed = se_removed,
};

static void mg_identity(void *data, struct mp_manager_v1 *manager,
		uint32_t uid, const char *user, uint32_t admin) {
	struct mgr *m = data;
	note(m, 'I');
	m->identified = true;
	m->uid = uid;
	replace(&m->user, user);
	m->admin = admin;
}

static void mg_maintenance(void *data, struct mp_manager_v1 *manager,
		uint32_t on, const char *message) {
	struct mgr *m = data;
	note(m, 'M');
	m->in_batch = true;
	m->maintenance_on = on;
	replace(&m->maintenance_message, message);
}

static void mg_station(void *data, struct mp_manager_v1 *manager,
		struct mp_manager_station_v1 *proxy) {
	struct mgr *m = data;
	note(m, 'S');
	m->in_batch = true;
	struct mgr_station *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	s->m = m;
	s->proxy = proxy;
	wl_list_insert(m->stations.prev, &s->link);
	mp_manager_station_v1_add_listener(proxy, &station_listener, s);
}

static void mg_session(void *data, struct mp_manager_v1 *manager,
		struct mp_manager_session_v1 *proxy) {
	struct mgr *m = data;
	note(m, 's');
	m->in_batch = true;
	struct mgr_session *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	s->m = m;
	s->proxy = proxy;
	wl_list_insert(m->sessions.prev, &s->link);
	mp_manager_session_v1_add_listener(proxy, &session_listener, s);
}

static void mg_done(void *data, struct mp_manager_v1 *manager) {
	struct mgr *m = data;
	note(m, 'D');
	m->dones++;
	m->in_batch = false;
}

static const struct mp_manager_v1_listener manager_listener = {
	.identity = mg_identity,
	.maintenance = mg_maintenance,
	.station = mg_station,
	.session = mg_session,
	.done = mg_done,
};

static void shm_format(void *data, struct wl_shm *shm, uint32_t format) {
	struct mgr *m = data;
	if (m->n_shm_formats < sizeof(m->shm_formats) /
			sizeof(m->shm_formats[0])) {
		m->shm_formats[m->n_shm_formats++] = format;
	}
}

static const struct wl_shm_listener shm_listener = {
	.format = shm_format,
};

/* bind: whether to bind the globals it finds (else it only lists them). */
struct mgr_registry {
	struct mgr *m;
	bool bind;
	bool has_manager, has_test;
};

static void reg_global(void *data, struct wl_registry *registry,
		uint32_t name, const char *interface, uint32_t version) {
	struct mgr_registry *r = data;
	if (strcmp(interface, mp_manager_v1_interface.name) == 0) {
		r->has_manager = true;
		r->m->manager_global = name;
		if (r->bind) {
			r->m->manager = wl_registry_bind(registry, name,
				&mp_manager_v1_interface, 1);
			mp_manager_v1_add_listener(r->m->manager, &manager_listener,
				r->m);
		}
	} else if (strcmp(interface, "mp_test_v1") == 0) {
		r->has_test = true;
	} else if (strcmp(interface, wl_shm_interface.name) == 0 && r->bind) {
		r->m->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
		wl_shm_add_listener(r->m->shm, &shm_listener, r->m);
	}
}

static void reg_global_remove(void *data, struct wl_registry *registry,
		uint32_t name) {
}

static const struct wl_registry_listener registry_listener = {
	.global = reg_global,
	.global_remove = reg_global_remove,
};

/* Connects to path and, when bind, binds mp_manager_v1 and wl_shm (the
 * bind is sent, nothing of the snapshot read yet). *found says what the
 * registry offered. */
static struct mgr *mgr_connect_to(const char *path, bool bind,
		struct mgr_registry *found) {
	struct mgr *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	wl_list_init(&m->stations);
	wl_list_init(&m->sessions);
	m->display = wl_display_connect(path);
	if (m->display == NULL) {
		fprintf(stderr, "cannot connect to %s: %s\n", path, strerror(errno));
		free(m);
		return NULL;
	}
	struct mgr_registry r = { .m = m, .bind = bind };
	m->registry = wl_display_get_registry(m->display);
	wl_registry_add_listener(m->registry, &registry_listener, &r);
	if (wl_display_roundtrip(m->display) < 0) {
		fprintf(stderr, "no registry on %s\n", path);
	}
	// No later globals are listened to (r is gone).
	wl_registry_destroy(m->registry);
	m->registry = NULL;
	if (found != NULL) {
		*found = r;
		found->m = NULL;
	}
	wl_display_flush(m->display);
	return m;
}

static void mgr_free(struct mgr *m) {
	if (m == NULL) {
		return;
	}
	struct mgr_station *st, *st_tmp;
	wl_list_for_each_safe(st, st_tmp, &m->stations, link) {
		station_free(st);
	}
	struct mgr_session *se, *se_tmp;
	wl_list_for_each_safe(se, se_tmp, &m->sessions, link) {
		session_free(se);
	}
	if (m->manager != NULL) {
		mp_manager_v1_destroy(m->manager);
	}
	if (m->shm != NULL) {
		wl_shm_destroy(m->shm);
	}
	wl_display_flush(m->display);
	wl_display_disconnect(m->display);
	free(m->user);
	free(m->maintenance_message);
	free(m);
}

static int64_t now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads and dispatches what comes within timeout_ms; -1 once the
 * connection failed (a protocol error, or closed). */
static int mgr_dispatch(struct mgr *m, int timeout_ms) {
	struct wl_display *d = m->display;
	while (wl_display_prepare_read(d) != 0) {
		if (wl_display_dispatch_pending(d) < 0) {
			return -1;
		}
	}
	if (wl_display_flush(d) < 0 && errno != EAGAIN) {
		wl_display_cancel_read(d);
		return -1;
	}
	struct pollfd pfd = { .fd = wl_display_get_fd(d), .events = POLLIN };
	int n = poll(&pfd, 1, timeout_ms);
	if (n <= 0) {
		wl_display_cancel_read(d);
		return n < 0 && errno != EINTR ? -1 : 0;
	}
	if (wl_display_read_events(d) < 0) {
		return -1;
	}
	return wl_display_dispatch_pending(d);
}

typedef bool (*mgr_pred)(struct mgr *m, const void *arg);

/* Dispatches until pred holds (checked only between batches, where the
 * picture is consistent), 10 s at most. */
static bool mgr_wait(struct mgr *m, mgr_pred pred, const void *arg,
		const char *what) {
	int64_t deadline = now_ms() + MGR_TIMEOUT_MS;
	for (;;) {
		if (!m->in_batch && pred(m, arg)) {
			return true;
		}
		int64_t left = deadline - now_ms();
		if (left <= 0) {
			fprintf(stderr, "mgr: no %s in %d ms\n", what, MGR_TIMEOUT_MS);
			return false;
		}
		if (mgr_dispatch(m, (int)left) < 0) {
			fprintf(stderr, "mgr: connection lost waiting for %s (%s)\n",
				what, strerror(wl_display_get_error(m->display)));
			return false;
		}
	}
}

static bool pred_dones(struct mgr *m, const void *arg) {
	return m->dones >= *(const unsigned *)arg;
}

/* Waits for the snapshot (the first done). */
static bool mgr_snapshot(struct mgr *m) {
	unsigned one = 1;
	return m->manager != NULL && mgr_wait(m, pred_dones, &one, "snapshot");
}

/* Connects to mpcomp's admin socket and reads the snapshot. */
static struct mgr *mgr_open(struct mp_harness *h) {
	char *path = harness_admin_socket(h);
	struct mgr *m = mgr_connect_to(path, true, NULL);
	free(path);
	assert_non_null(m);
	assert_non_null(m->manager);
	assert_true(mgr_snapshot(m));
	return m;
}

static struct mgr_station *mgr_station(struct mgr *m, const char *name) {
	struct mgr_station *s;
	wl_list_for_each(s, &m->stations, link) {
		if (s->name != NULL && strcmp(s->name, name) == 0) {
			return s;
		}
	}
	return NULL;
}

static struct mgr_session *mgr_session(struct mgr *m, uint32_t id) {
	struct mgr_session *s;
	wl_list_for_each(s, &m->sessions, link) {
		if (s->id == id) {
			return s;
		}
	}
	return NULL;
}

static void res_done(void *data, struct mp_manager_result_v1 *proxy,
		const char *info) {
	struct mgr_result *r = data;
	if (r->answered) {
		fprintf(stderr, "mgr: a result answered twice\n");
		r->ok = false;
		return;
	}
	r->answered = true;
	r->ok = true;
	replace(&r->text, info);
}

static void res_failed(void *data, struct mp_manager_result_v1 *proxy,
		uint32_t code, const char *reason) {
	struct mgr_result *r = data;
	if (r->answered) {
		fprintf(stderr, "mgr: a result answered twice\n");
		r->ok = false;
		return;
	}
	r->answered = true;
	r->ok = false;
	r->code = code;
	replace(&r->text, reason);
}

static const struct mp_manager_result_v1_listener result_listener = {
	.done = res_done,
	.failed = res_failed,
};

/* A request's result, listened to from now. */
static struct mp_manager_result_v1 *listen_result(
		struct mp_manager_result_v1 *proxy, struct mgr_result *r) {
	memset(r, 0, sizeof(*r));
	mp_manager_result_v1_add_listener(proxy, &result_listener, r);
	return proxy;
}

/* Waits for the answer (results are not part of batches: any time). */
static bool mgr_answer(struct mgr *m, struct mp_manager_result_v1 *proxy,
		struct mgr_result *r) {
	int64_t deadline = now_ms() + MGR_TIMEOUT_MS;
	bool ok = true;
	while (!r->answered) {
		int64_t left = deadline - now_ms();
		if (left <= 0 || mgr_dispatch(m, (int)left) < 0) {
			fprintf(stderr, "mgr: no answer (%s)\n", left <= 0 ?
				"timeout" : strerror(wl_display_get_error(m->display)));
			ok = false;
			break;
		}
	}
	mp_manager_result_v1_destroy(proxy);
	return ok;
}

static void result_clear(struct mgr_result *r) {
	free(r->text);
	r->text = NULL;
}

/* Sends a request (call makes its result) and waits for its answer into
 * *r. */
#define MGR_DO(m, r, call) \
	assert_true(mgr_answer((m), listen_result((call), (r)), (r)))

static void expect_done(struct mgr_result *r, const char *what) {
	if (!r->ok) {
		fprintf(stderr, "%s: failed %u: %s\n", what, r->code,
			r->text ? r->text : "");
	}
	assert_true(r->ok);
	result_clear(r);
}

static void expect_failed(struct mgr_result *r, uint32_t code,
		const char *what) {
	if (r->ok || r->code != code) {
		fprintf(stderr, "%s: want failed %u, got %s %u: %s\n", what, code,
			r->ok ? "done" : "failed", r->code, r->text ? r->text : "");
	}
	assert_false(r->ok);
	assert_int_equal(r->code, code);
	assert_non_null(r->text);
	assert_true(r->text[0] != '\0');
	result_clear(r);
}

/* ---- shm buffers ---- */

struct shm_buf {
	struct wl_buffer *buffer;
	uint32_t *data;
	size_t size;
	int width, height, stride;
};

static void shm_buf_make(struct mgr *m, struct shm_buf *b, int width,
		int height, int stride, uint32_t format) {
	memset(b, 0, sizeof(*b));
	b->width = width;
	b->height = height;
	b->stride = stride;
	b->size = (size_t)stride * height;
	int fd = memfd_create("mgr-thumbnail", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)b->size), 0);
	b->data = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(b->data != MAP_FAILED);
	struct wl_shm_pool *pool = wl_shm_create_pool(m->shm, fd,
		(int32_t)b->size);
	b->buffer = wl_shm_pool_create_buffer(pool, 0, width, height, stride,
		format);
	wl_shm_pool_destroy(pool);
	close(fd);
}

static void shm_buf_free(struct shm_buf *b) {
	if (b->buffer != NULL) {
		wl_buffer_destroy(b->buffer);
	}
	if (b->data != NULL && b->data != MAP_FAILED) {
		munmap(b->data, b->size);
	}
	memset(b, 0, sizeof(*b));
}

/* ---- the compositor's state ---- */

static uint32_t station_state_value(const char *name) {
	static const char *const names[] = {
		"offline", "login", "active", "locked", "blocked",
	};
	for (uint32_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			return i;
		}
	}
	fail_msg("unknown station state %s", name);
	return 0;
}

static const char *json_str(struct json_object *o, const char *key) {
	struct json_object *v = json_object_object_get(o, key);
	return v ? json_object_get_string(v) : NULL;
}

static int json_int(struct json_object *o, const char *key) {
	return json_object_get_int(json_object_object_get(o, key));
}

static void expect_same_list(struct json_object *array, char **items,
		size_t n, const char *what) {
	assert_non_null(array);
	size_t len = json_object_array_length(array);
	if (len != n) {
		fprintf(stderr, "%s: %zu in the state, %zu sent\n", what, len, n);
	}
	assert_int_equal(len, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(json_object_get_string(
			json_object_array_get_idx(array, i)), items[i]);
	}
}

/* The stations and sessions of the state, as text: what a refused request
 * must not change. */
static char *state_of_objects(struct mp_harness *h) {
	assert_true(harness_wait(h, "idle"));
	struct json_object *root = harness_state_json(h);
	assert_non_null(root);
	struct json_object *out = json_object_new_object();
	static const char *const station_keys[] = {
		"name", "state", "area", "outputs", "devices", "session",
		"overlays",
	};
	struct json_object *stations = json_object_new_array();
	struct json_object *src = harness_json_at(root, "stations");
	assert_non_null(src);
	for (size_t i = 0; i < json_object_array_length(src); i++) {
		struct json_object *s = json_object_array_get_idx(src, i);
		struct json_object *copy = json_object_new_object();
		for (size_t k = 0; k < sizeof(station_keys) /
				sizeof(station_keys[0]); k++) {
			struct json_object *v = json_object_object_get(s,
				station_keys[k]);
			json_object_object_add(copy, station_keys[k],
				json_object_get(v));
		}
		json_object_array_add(stations, copy);
	}
	json_object_object_add(out, "stations", stations);
	struct json_object *sessions = json_object_new_array();
	src = harness_json_at(root, "sessions");
	for (size_t i = 0; src != NULL && i < json_object_array_length(src);
			i++) {
		struct json_object *s = json_object_array_get_idx(src, i);
		struct json_object *copy = json_object_new_object();
		json_object_object_add(copy, "id",
			json_object_get(json_object_object_get(s, "id")));
		json_object_object_add(copy, "state",
			json_object_get(json_object_object_get(s, "state")));
		json_object_array_add(sessions, copy);
	}
	json_object_object_add(out, "sessions", sessions);
	char *text = strdup(json_object_to_json_string_ext(out,
		JSON_C_TO_STRING_PLAIN));
	json_object_put(out);
	json_object_put(root);
	return text;
}

/* The state did not change since before (freed). */
static void expect_unchanged(struct mp_harness *h, char *before,
		const char *what) {
	char *after = state_of_objects(h);
	if (strcmp(before, after) != 0) {
		fprintf(stderr, "%s changed the state:\nbefore: %s\nafter:  %s\n",
			what, before, after);
	}
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* No batch came to the client since it had dones of them: everything
 * mpcomp sent before has been read (a round trip after the state's
 * "idle", when a batch due would have gone). */
static void expect_no_batch(struct mgr *m, unsigned dones, const char *what) {
	assert_true(wl_display_roundtrip(m->display) >= 0);
	if (m->dones != dones) {
		fprintf(stderr, "%s: the client got %u batches\n", what,
			m->dones - dones);
	}
	assert_int_equal(m->dones, dones);
}

/* A refusal, and nothing changed: not the state, not the client's
 * picture. */
#define EXPECT_REFUSED(h, m, call, code, what) do { \
	char *before_ = state_of_objects(h); \
	unsigned dones_ = (m)->dones; \
	struct mgr_result r_; \
	MGR_DO(m, &r_, call); \
	expect_failed(&r_, code, what); \
	expect_unchanged(h, before_, what); \
	expect_no_batch(m, dones_, what); \
} while (0)

/* ---- the snapshot and batches ---- */

static void test_snapshot_matches_the_state(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "station a login"));
	assert_true(harness_wait(h, "station b login"));
	assert_true(harness_wait(h, "station c login"));
	assert_true(harness_wait(h, "idle"));
	struct mgr *m = mgr_open(h);
	// identity first, then maintenance, the stations, and one done.
	assert_string_equal(m->order, "IMSSSD");
	assert_true(m->identified);
	assert_int_equal(m->uid, getuid());
	assert_int_equal(m->admin, 1);
	assert_string_equal(m->user, harness_user());
	assert_int_equal(m->maintenance_on, 0);
	struct json_object *root = harness_state_json(h);
	assert_non_null(root);
	struct json_object *stations = harness_json_at(root, "stations");
	assert_non_null(stations);
	size_t n = json_object_array_length(stations);
	assert_int_equal(n, 3);
	assert_int_equal(wl_list_length(&m->stations), (int)n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *js = json_object_array_get_idx(stations, i);
		const char *name = json_str(js, "name");
		struct mgr_station *s = mgr_station(m, name);
		assert_non_null(s);
		assert_int_equal(s->sends, 1);
		char key[32];
		snprintf(key, sizeof(key), "F%zu", i + 1);
		assert_string_equal(s->key, key);
		assert_string_equal(s->role, json_str(js, "role"));
		assert_int_equal(s->state, station_state_value(json_str(js,
			"state")));
		assert_int_equal(s->state, MP_MANAGER_V1_STATION_STATE_LOGIN);
		assert_int_equal(s->session, 0);
		struct json_object *area = json_object_object_get(js, "area");
		assert_int_equal(s->x, json_int(area, "x"));
		assert_int_equal(s->y, json_int(area, "y"));
		assert_int_equal(s->width, json_int(area, "width"));
		assert_int_equal(s->height, json_int(area, "height"));
		expect_same_list(json_object_object_get(js, "outputs"), s->outputs,
			s->n_outputs, "outputs");
		expect_same_list(json_object_object_get(js, "devices"), s->devices,
			s->n_devices, "devices");
		assert_int_equal(s->n_notices, 0);
	}
	json_object_put(root);
	// What the stations are, spelled out.
	struct mgr_station *a = mgr_station(m, "a");
	assert_int_equal(a->width, 640);
	assert_int_equal(a->height, 720);
	assert_string_equal(a->outputs[0], "HEADLESS-1");
	assert_int_equal(a->n_devices, 2); // kb-a and ptr-a
	assert_true(wl_list_empty(&m->sessions));
	mgr_free(m);
}

struct station_want {
	const char *station;
	uint32_t state;        // the station's
	uint32_t session;      // its session's id
	uint32_t session_state;
};

static bool pred_station(struct mgr *m, const void *arg) {
	const struct station_want *want = arg;
	struct mgr_station *s = mgr_station(m, want->station);
	struct mgr_session *se = mgr_session(m, want->session);
	return s != NULL && se != NULL && s->state == want->state &&
		s->session == want->session && se->state == want->session_state;
}

static void test_a_change_brings_an_update_and_done(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	struct mgr *m = mgr_open(h);
	signed_in_at(h, "kb-a", "a");
	struct station_want active = { "a", MP_MANAGER_V1_STATION_STATE_ACTIVE,
		1, MP_MANAGER_V1_SESSION_STATE_ATTACHED };
	assert_true(mgr_wait(m, pred_station, &active, "station a active"));
	struct mgr_session *se = mgr_session(m, 1);
	assert_string_equal(se->user, harness_user());
	assert_int_equal(se->uid, getuid());
	assert_string_equal(se->station, "a");
	assert_int_equal(se->kiosk, 0);
	// Everything of the sign-in has been sent: the lock is what comes.
	assert_true(harness_wait(h, "idle"));
	while (mgr_dispatch(m, 0) > 0) {
	}
	unsigned dones = m->dones;
	unsigned a_sends = mgr_station(m, "a")->sends;
	unsigned b_sends = mgr_station(m, "b")->sends;
	unsigned session_sends = se->sends;
	assert_true(harness_action(h, "lock", "a"));
	struct station_want locked = { "a", MP_MANAGER_V1_STATION_STATE_LOCKED,
		1, MP_MANAGER_V1_SESSION_STATE_LOCKED };
	assert_true(mgr_wait(m, pred_station, &locked, "station a locked"));
	assert_true(m->dones > dones);
	assert_true(mgr_station(m, "a")->sends > a_sends);
	assert_true(mgr_session(m, 1)->sends > session_sends);
	// Only what changed is sent again.
	assert_int_equal(mgr_station(m, "b")->sends, b_sends);
	assert_state_str(h, "stations/a/state", "locked");
	mgr_free(m);
}

/* ---- where the global is not ---- */

static void test_session_socket_does_not_offer_the_manager(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	char *socket = harness_state_str(h, "sessions/1/socket");
	assert_non_null(socket);
	// Its name on the admin connection (global names are the display's).
	struct mgr *admin = mgr_open(h);
	uint32_t name = admin->manager_global;
	assert_true(name != 0);
	struct mgr_registry found;
	struct mgr *m = mgr_connect_to(socket, false, &found);
	assert_non_null(m);
	assert_false(found.has_manager);
	assert_false(found.has_test);
	// Binding it anyway is a protocol error.
	struct wl_registry *registry = wl_display_get_registry(m->display);
	struct mp_manager_v1 *manager = wl_registry_bind(registry, name,
		&mp_manager_v1_interface, 1);
	assert_int_equal(wl_display_roundtrip(m->display), -1);
	assert_int_equal(wl_display_get_error(m->display), EPROTO);
	const struct wl_interface *iface = NULL;
	uint32_t id = 0;
	wl_display_get_protocol_error(m->display, &iface, &id);
	assert_non_null(iface);
	mp_manager_v1_destroy(manager);
	wl_registry_destroy(registry);
	mgr_free(m);
	// The compositor serves on: the admin client and the test protocol.
	assert_true(harness_wait(h, "idle"));
	assert_state_str(h, "sessions/1/state", "attached");
	struct mgr_result r;
	MGR_DO(admin, &r, mp_manager_v1_lock(admin->manager, "a"));
	expect_done(&r, "lock after the bad bind");
	assert_state_str(h, "stations/a/state", "locked");
	mgr_free(admin);
	free(socket);
}

/* ---- refusals ---- */

static void test_unknown_targets_fail_not_found(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	struct mgr *m = mgr_open(h);
	uint32_t NF = MP_MANAGER_V1_CODE_NOT_FOUND;
	EXPECT_REFUSED(h, m, mp_manager_v1_lock(m->manager, "nowhere"), NF,
		"lock of an unknown station");
	EXPECT_REFUSED(h, m, mp_manager_v1_block(m->manager, "nowhere", "x", 0),
		NF, "block of an unknown station");
	EXPECT_REFUSED(h, m, mp_manager_v1_end(m->manager, "99", 0), NF,
		"end of an unknown session id");
	EXPECT_REFUSED(h, m, mp_manager_v1_suspend(m->manager, "nosuchuser"),
		NF, "suspend of an unknown user");
	EXPECT_REFUSED(h, m, mp_manager_v1_logoff(m->manager, "@nowhere"), NF,
		"logoff at an unknown station");
	mgr_free(m);
}

static void test_requests_in_the_wrong_state_fail(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	struct mgr *m = mgr_open(h);
	uint32_t WS = MP_MANAGER_V1_CODE_WRONG_STATE;
	EXPECT_REFUSED(h, m, mp_manager_v1_lock(m->manager, "b"), WS,
		"lock of a station without a session");
	EXPECT_REFUSED(h, m, mp_manager_v1_unblock(m->manager, "b"), WS,
		"unblock of a station not blocked");
	mgr_free(m);
}

static void test_end_of_an_ending_session_fails(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	struct mgr *m = mgr_open(h);
	// Both sent at once: the second is handled right after the first.
	struct mgr_result first, second;
	struct mp_manager_result_v1 *p1 = listen_result(
		mp_manager_v1_end(m->manager, "1", 0), &first);
	struct mp_manager_result_v1 *p2 = listen_result(
		mp_manager_v1_end(m->manager, "1", 0), &second);
	assert_true(mgr_answer(m, p1, &first));
	assert_true(mgr_answer(m, p2, &second));
	expect_done(&first, "the first end");
	expect_failed(&second, MP_MANAGER_V1_CODE_WRONG_STATE, "the second end");
	mgr_free(m);
}

struct notice_want {
	const char *station, *kind, *text;
};

static bool pred_notice(struct mgr *m, const void *arg) {
	const struct notice_want *want = arg;
	struct mgr_station *s = mgr_station(m, want->station);
	for (size_t i = 0; s != NULL && i < s->n_notices; i++) {
		if (strcmp(s->notice_kinds[i], want->kind) == 0 &&
				strcmp(s->notice_texts[i], want->text) == 0) {
			return true;
		}
	}
	return false;
}

static void test_texts_out_of_range_fail_invalid(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	struct mgr *m = mgr_open(h);
	uint32_t INV = MP_MANAGER_V1_CODE_INVALID_ARGUMENT;
	char text[514];
	memset(text, 'x', 513);
	text[513] = '\0';
	EXPECT_REFUSED(h, m, mp_manager_v1_message(m->manager, "a", text, 0),
		INV, "a message of 513 bytes");
	EXPECT_REFUSED(h, m, mp_manager_v1_message(m->manager, "a", "", 0),
		INV, "an empty message");
	EXPECT_REFUSED(h, m, mp_manager_v1_message(m->manager, "a",
		"bad \xff\xfe utf-8", 0), INV, "a message of invalid UTF-8");
	EXPECT_REFUSED(h, m, mp_manager_v1_message(m->manager, "a",
		"a\tcontrol", 0), INV, "a message with a control character");
	EXPECT_REFUSED(h, m, mp_manager_v1_block(m->manager, "a",
		"a\x1b[31mred", 0), INV, "a block message with an escape");
	// Exactly 512 bytes is a message: station a shows it.
	text[512] = '\0';
	struct mgr_result r;
	MGR_DO(m, &r, mp_manager_v1_message(m->manager, "a", text, 0));
	expect_done(&r, "a message of 512 bytes");
	struct notice_want want = { "a", "message", text };
	assert_true(mgr_wait(m, pred_notice, &want, "the message's notice"));
	assert_state_str(h, "stations/a/state", "login");
	mgr_free(m);
}

static void test_numbers_out_of_range_fail_invalid(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	struct mgr *m = mgr_open(h);
	uint32_t INV = MP_MANAGER_V1_CODE_INVALID_ARGUMENT;
	EXPECT_REFUSED(h, m, mp_manager_v1_block(m->manager, "b", "", 604801),
		INV, "a block of 604801 s");
	EXPECT_REFUSED(h, m, mp_manager_v1_message(m->manager, "b", "hi",
		604801), INV, "a message of 604801 s");
	EXPECT_REFUSED(h, m, mp_manager_v1_end(m->manager, "1", 3601), INV,
		"an end warning of 3601 s");
	EXPECT_REFUSED(h, m, mp_manager_v1_identify(m->manager, 2), INV,
		"identify on=2");
	EXPECT_REFUSED(h, m, mp_manager_v1_maintenance(m->manager, 2, ""), INV,
		"maintenance on=2");
	mgr_free(m);
}

static void test_bad_station_names_fail_invalid(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	struct mgr *m = mgr_open(h);
	uint32_t INV = MP_MANAGER_V1_CODE_INVALID_ARGUMENT;
	EXPECT_REFUSED(h, m, mp_manager_v1_rename(m->manager, "a", ""), INV,
		"rename to ''");
	EXPECT_REFUSED(h, m, mp_manager_v1_rename(m->manager, "a", "bad name"),
		INV, "rename to 'bad name'");
	EXPECT_REFUSED(h, m, mp_manager_v1_rename(m->manager, "a", "b"), INV,
		"rename to another station's name");
	char long_name[34];
	memset(long_name, 'n', 33);
	long_name[33] = '\0';
	EXPECT_REFUSED(h, m, mp_manager_v1_rename(m->manager, "a", long_name),
		INV, "rename to 33 letters");
	mgr_free(m);
}

static bool has_format(struct mgr *m, uint32_t format) {
	for (size_t i = 0; i < m->n_shm_formats; i++) {
		if (m->shm_formats[i] == format) {
			return true;
		}
	}
	return false;
}

static void test_thumbnail_into_a_bad_buffer_fails(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	struct mgr *m = mgr_open(h);
	uint32_t INV = MP_MANAGER_V1_CODE_INVALID_ARGUMENT;
	// A format mpcomp's wl_shm takes, but not one of a thumbnail.
	uint32_t other = has_format(m, WL_SHM_FORMAT_RGB565) ?
		WL_SHM_FORMAT_RGB565 : WL_SHM_FORMAT_XBGR8888;
	assert_true(has_format(m, other));
	struct shm_buf b;
	shm_buf_make(m, &b, 64, 36, other == WL_SHM_FORMAT_RGB565 ? 128 : 256,
		other);
	EXPECT_REFUSED(h, m, mp_manager_v1_thumbnail(m->manager, "a",
		b.buffer), INV, "a thumbnail into a buffer of another format");
	shm_buf_free(&b);
	shm_buf_make(m, &b, 4097, 1, 4097 * 4, WL_SHM_FORMAT_XRGB8888);
	EXPECT_REFUSED(h, m, mp_manager_v1_thumbnail(m->manager, "a",
		b.buffer), INV, "a thumbnail of 4097x1");
	shm_buf_free(&b);
	mgr_free(m);
}

/* ---- clients that misbehave ---- */

#define FLOOD 1000

static void test_flooding_client_is_disconnected(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	struct mgr *calm = mgr_open(h);
	struct mgr *flood = mgr_open(h);
	static struct mgr_result results[FLOOD];
	static struct mp_manager_result_v1 *proxies[FLOOD];
	// Every request is in mpcomp's socket before it reads one: else it
	// could close the connection while the client still writes, which
	// then sees EPIPE, never the flood error behind it.
	assert_int_equal(kill(h->pid, SIGSTOP), 0);
	for (int i = 0; i < FLOOD; i++) {
		proxies[i] = listen_result(mp_manager_v1_unblock(flood->manager,
			"a"), &results[i]);
	}
	int flushed = wl_display_flush(flood->display);
	assert_int_equal(kill(h->pid, SIGCONT), 0);
	assert_true(flushed >= 0);
	// Read nothing but the end.
	int64_t deadline = now_ms() + MGR_TIMEOUT_MS;
	while (wl_display_get_error(flood->display) == 0 &&
			now_ms() < deadline) {
		mgr_dispatch(flood, (int)(deadline - now_ms()));
	}
	assert_int_equal(wl_display_get_error(flood->display), EPROTO);
	const struct wl_interface *iface = NULL;
	uint32_t id = 0;
	uint32_t code = wl_display_get_protocol_error(flood->display, &iface,
		&id);
	assert_non_null(iface);
	assert_string_equal(iface->name, mp_manager_v1_interface.name);
	assert_int_equal(code, MP_MANAGER_V1_ERROR_FLOOD);
	assert_int_equal(id, wl_proxy_get_id((struct wl_proxy *)flood->manager));
	// Some were answered before, all refused (a is not blocked).
	int answered = 0;
	for (int i = 0; i < FLOOD; i++) {
		if (results[i].answered) {
			answered++;
			assert_false(results[i].ok);
			assert_int_equal(results[i].code,
				MP_MANAGER_V1_CODE_WRONG_STATE);
		}
		result_clear(&results[i]);
		mp_manager_result_v1_destroy(proxies[i]);
	}
	assert_true(answered < FLOOD);
	mgr_free(flood);
	// The calm client, there before, is served on.
	struct mgr_result r;
	MGR_DO(calm, &r, mp_manager_v1_block(calm->manager, "a", "after", 0));
	expect_done(&r, "block by the calm client");
	MGR_DO(calm, &r, mp_manager_v1_unblock(calm->manager, "a"));
	expect_done(&r, "unblock by the calm client");
	assert_state_str(h, "stations/a/state", "login");
	mgr_free(calm);
}

#define CHANGES_MAX 20000

/* Whether the compositor closed the connection of fd. */
static bool closed_by_peer(int fd) {
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLRDHUP };
	if (poll(&pfd, 1, 0) <= 0) {
		return false;
	}
	return (pfd.revents & (POLLHUP | POLLRDHUP | POLLERR)) != 0;
}

static void test_client_that_never_reads_is_disconnected(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	char *path = harness_admin_socket(h);
	// It binds and reads nothing more.
	struct mgr *deaf = mgr_connect_to(path, true, NULL);
	free(path);
	assert_non_null(deaf);
	assert_non_null(deaf->manager);
	assert_true(wl_display_flush(deaf->display) >= 0);
	int fd = wl_display_get_fd(deaf->display);
	struct mgr *admin = mgr_open(h);
	// Changes of every station, each a big batch (a maintenance message
	// of 500 bytes on each greeter), then small ones (lock and unlock of
	// a's session) as fast as the test protocol goes.
	char text[501];
	int changes = 0;
	bool closed = false;
	for (; changes < 150 && !(closed = closed_by_peer(fd)); changes++) {
		memset(text, 'a' + changes % 26, 500);
		text[500] = '\0';
		struct mgr_result r;
		unsigned want = admin->dones + 1;
		MGR_DO(admin, &r, mp_manager_v1_maintenance(admin->manager, 1,
			text));
		expect_done(&r, "maintenance");
		if (!mgr_wait(admin, pred_dones, &want, "its batch")) {
			fail_msg("no batch after %d changes", changes);
		}
	}
	if (!closed) {
		struct mgr_result r;
		MGR_DO(admin, &r, mp_manager_v1_maintenance(admin->manager, 0, ""));
		expect_done(&r, "maintenance off");
		signed_in_at(h, "kb-a", "a");
		for (; changes < CHANGES_MAX && !(closed = closed_by_peer(fd));
				changes += 2) {
			assert_true(harness_action(h, "lock", "a"));
			assert_true(harness_action(h, "unlock", "a"));
			while (mgr_dispatch(admin, 0) > 0) {
			}
		}
	}
	if (!closed) {
		// Say how full its connection is: mpcomp stopped writing to it.
		int queued = 0;
		ioctl(fd, FIONREAD, &queued);
		mgr_free(deaf);
		mgr_free(admin);
		fail_msg("the client that never reads is still connected after "
			"%d changes, %d bytes unread in its socket", changes, queued);
	}
	// Its end is all it reads.
	char buf[4096];
	ssize_t n;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
	}
	assert_int_equal(n, 0);
	mgr_free(deaf);
	// The compositor serves on, the other client and the test protocol.
	struct mgr_result r;
	MGR_DO(admin, &r, mp_manager_v1_block(admin->manager, "b", "after", 0));
	expect_done(&r, "block after");
	assert_true(harness_wait(h, "idle"));
	assert_state_str(h, "stations/b/state", "blocked");
	mgr_free(admin);
	char *log_file = harness_path(h, "mpcomp.log");
	char *log = harness_read_file(log_file);
	free(log_file);
	assert_non_null(log);
	assert_null(strstr(log, "AddressSanitizer"));
	assert_null(strstr(log, "runtime error"));
	assert_null(strstr(log, "Segmentation"));
	free(log);
}

/* ---- thumbnails ---- */

static void test_thumbnail_of_a_locked_station_is_its_lock_screen(
		void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_action(h, "lock", "a"));
	assert_true(harness_wait(h, "idle"));
	struct mgr *m = mgr_open(h);
	struct mgr_station *a = mgr_station(m, "a");
	assert_int_equal(a->state, MP_MANAGER_V1_STATION_STATE_LOCKED);
	int w = a->width, hh = a->height;
	struct shm_buf b;
	shm_buf_make(m, &b, w, hh, w * 4, WL_SHM_FORMAT_XRGB8888);
	struct mgr_result r;
	MGR_DO(m, &r, mp_manager_v1_thumbnail(m->manager, "a", b.buffer));
	expect_done(&r, "thumbnail at its size");
	int sw = 0, sh = 0;
	uint32_t *shot = harness_screenshot(h, "station", "a", &sw, &sh);
	assert_non_null(shot);
	assert_int_equal(sw, w);
	assert_int_equal(sh, hh);
	size_t differ = 0, green = 0;
	for (size_t i = 0; i < (size_t)w * hh; i++) {
		if ((b.data[i] & 0xffffff) != (shot[i] & 0xffffff)) {
			if (differ == 0) {
				fprintf(stderr, "first difference at %zu,%zu: %06x, "
					"screenshot %06x\n", i % w, i / w,
					b.data[i] & 0xffffff, shot[i] & 0xffffff);
			}
			differ++;
		}
		green += (b.data[i] & 0xffffff) == GREEN;
	}
	free(shot);
	assert_int_equal(differ, 0);
	assert_int_equal(green, 0);
	shm_buf_free(&b);
	mgr_free(m);
}

static void test_scaled_thumbnail_shows_no_session_pixel(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	struct mgr *m = mgr_open(h);
	// Before the lock, it shows the session (a first check of the check).
	struct shm_buf b;
	shm_buf_make(m, &b, 160, 90, 160 * 4, WL_SHM_FORMAT_XRGB8888);
	struct mgr_result r;
	MGR_DO(m, &r, mp_manager_v1_thumbnail(m->manager, "a", b.buffer));
	expect_done(&r, "thumbnail of the session");
	assert_true(harness_count_color(b.data, 160, 0, 0, 160, 90, GREEN) >
		160 * 90 / 2);
	assert_true(harness_action(h, "lock", "a"));
	// Every pixel written: none of the magenta it had before.
	for (size_t i = 0; i < 160 * 90; i++) {
		b.data[i] = 0xff00ff;
	}
	MGR_DO(m, &r, mp_manager_v1_thumbnail(m->manager, "a", b.buffer));
	expect_done(&r, "thumbnail of the lock screen");
	assert_int_equal(harness_count_color(b.data, 160, 0, 0, 160, 90,
		0xff00ff), 0);
	assert_int_equal(harness_count_color(b.data, 160, 0, 0, 160, 90,
		GREEN), 0);
	shm_buf_free(&b);
	mgr_free(m);
}

static void test_argb_thumbnail_is_opaque(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	assert_true(harness_wait(h, "idle"));
	struct mgr *m = mgr_open(h);
	struct shm_buf b;
	shm_buf_make(m, &b, 64, 72, 64 * 4, WL_SHM_FORMAT_ARGB8888);
	memset(b.data, 0, b.size); // transparent black before
	struct mgr_result r;
	MGR_DO(m, &r, mp_manager_v1_thumbnail(m->manager, "a", b.buffer));
	expect_done(&r, "argb8888 thumbnail");
	size_t not_opaque = 0;
	for (size_t i = 0; i < 64 * 72; i++) {
		not_opaque += (b.data[i] >> 24) != 0xff;
	}
	assert_int_equal(not_opaque, 0);
	shm_buf_free(&b);
	mgr_free(m);
}

/* ---- many watchers ---- */

#define WATCHERS 10

static void test_every_watcher_gets_the_update(void **state) {
	struct mp_harness *h = start_three(state, NULL, NULL, NULL);
	signed_in_at(h, "kb-a", "a");
	assert_true(harness_wait(h, "idle"));
	struct mgr *w[WATCHERS];
	for (int i = 0; i < WATCHERS; i++) {
		w[i] = mgr_open(h);
	}
	assert_true(harness_action(h, "lock", "a"));
	struct station_want locked = { "a", MP_MANAGER_V1_STATION_STATE_LOCKED,
		1, MP_MANAGER_V1_SESSION_STATE_LOCKED };
	for (int i = 0; i < WATCHERS; i++) {
		assert_true(mgr_wait(w[i], pred_station, &locked,
			"station a locked"));
		assert_true(w[i]->dones >= 2);
		struct mgr_station *a = mgr_station(w[i], "a");
		assert_int_equal(a->sends, 2);
		assert_int_equal(a->session, 1);
		assert_string_equal(mgr_session(w[i], 1)->station, "a");
	}
	for (int i = 0; i < WATCHERS; i++) {
		mgr_free(w[i]);
	}
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_snapshot_matches_the_state, teardown),
		cmocka_unit_test_teardown(test_a_change_brings_an_update_and_done,
			teardown),
		cmocka_unit_test_teardown(
			test_session_socket_does_not_offer_the_manager, teardown),
		cmocka_unit_test_teardown(test_unknown_targets_fail_not_found,
			teardown),
		cmocka_unit_test_teardown(test_requests_in_the_wrong_state_fail,
			teardown),
		cmocka_unit_test_teardown(test_end_of_an_ending_session_fails,
			teardown),
		cmocka_unit_test_teardown(test_texts_out_of_range_fail_invalid,
			teardown),
		cmocka_unit_test_teardown(test_numbers_out_of_range_fail_invalid,
			teardown),
		cmocka_unit_test_teardown(test_bad_station_names_fail_invalid,
			teardown),
		cmocka_unit_test_teardown(test_thumbnail_into_a_bad_buffer_fails,
			teardown),
		cmocka_unit_test_teardown(test_flooding_client_is_disconnected,
			teardown),
		cmocka_unit_test_teardown(
			test_client_that_never_reads_is_disconnected, teardown),
		cmocka_unit_test_teardown(
			test_thumbnail_of_a_locked_station_is_its_lock_screen, teardown),
		cmocka_unit_test_teardown(
			test_scaled_thumbnail_shows_no_session_pixel, teardown),
		cmocka_unit_test_teardown(test_argb_thumbnail_is_opaque, teardown),
		cmocka_unit_test_teardown(test_every_watcher_gets_the_update,
			teardown),
	};
	return RUN_TESTS(tests);
}
