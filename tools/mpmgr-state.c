/* mpmgr: the connection and the picture of the compositor kept from
 * mp_manager_v1's events. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "mpmgr.h"

void *mpmgr_xalloc(size_t size) {
	void *p = calloc(1, size ? size : 1);
	if (p == NULL) {
		fputs("mpmgr: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

char *mpmgr_xstrdup(const char *s) {
	char *copy = strdup(s != NULL ? s : "");
	if (copy == NULL) {
		fputs("mpmgr: out of memory\n", stderr);
		exit(1);
	}
	return copy;
}

/* Makes room for one more of n items of size in *v (capacity *cap). */
static void grow(void **v, size_t n, size_t *cap, size_t size) {
	if (n < *cap) {
		return;
	}
	size_t want = *cap ? *cap * 2 : 4;
	void *p = reallocarray(*v, want, size);
	if (p == NULL) {
		fputs("mpmgr: out of memory\n", stderr);
		exit(1);
	}
	*v = p;
	*cap = want;
}

void mpmgr_strv_push(struct mpmgr_strv *strv, const char *s) {
	grow((void **)&strv->v, strv->n, &strv->cap, sizeof(*strv->v));
	strv->v[strv->n++] = mpmgr_xstrdup(s);
}

static void strv_free(struct mpmgr_strv *strv) {
	for (size_t i = 0; i < strv->n; i++) {
		free(strv->v[i]);
	}
	free(strv->v);
	*strv = (struct mpmgr_strv){0};
}

static void strv_copy(struct mpmgr_strv *to, const struct mpmgr_strv *from) {
	*to = (struct mpmgr_strv){0};
	for (size_t i = 0; i < from->n; i++) {
		mpmgr_strv_push(to, from->v[i]);
	}
}

bool mpmgr_strv_equal(const struct mpmgr_strv *a,
		const struct mpmgr_strv *b) {
	if (a->n != b->n) {
		return false;
	}
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->v[i], b->v[i]) != 0) {
			return false;
		}
	}
	return true;
}

int64_t mpmgr_now_ms(void) {
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Data: a station's and a session's values, freed, copied, compared. */

static void station_data_init(struct mpmgr_station_data *d) {
	*d = (struct mpmgr_station_data){0};
	d->name = mpmgr_xstrdup("");
	d->key = mpmgr_xstrdup("");
	d->role = mpmgr_xstrdup("");
}

static void station_data_free(struct mpmgr_station_data *d) {
	free(d->name);
	free(d->key);
	free(d->role);
	strv_free(&d->outputs);
	strv_free(&d->devices);
	for (size_t i = 0; i < d->notices_n; i++) {
		free(d->notices[i].kind);
		free(d->notices[i].text);
	}
	free(d->notices);
	*d = (struct mpmgr_station_data){0};
}

static void station_add_notice(struct mpmgr_station_data *d, const char *kind,
		const char *text, uint32_t seconds) {
	grow((void **)&d->notices, d->notices_n, &d->notices_cap,
		sizeof(*d->notices));
	d->notices[d->notices_n++] = (struct mpmgr_notice){
		.kind = mpmgr_xstrdup(kind),
		.text = mpmgr_xstrdup(text),
		.seconds = seconds,
	};
}

static void station_data_copy(struct mpmgr_station_data *to,
		const struct mpmgr_station_data *from) {
	*to = *from;
	to->name = mpmgr_xstrdup(from->name);
	to->key = mpmgr_xstrdup(from->key);
	to->role = mpmgr_xstrdup(from->role);
	strv_copy(&to->outputs, &from->outputs);
	strv_copy(&to->devices, &from->devices);
	to->notices = NULL;
	to->notices_n = to->notices_cap = 0;
	for (size_t i = 0; i < from->notices_n; i++) {
		station_add_notice(to, from->notices[i].kind, from->notices[i].text,
			from->notices[i].seconds);
	}
}

/* Whether a counter sent at b's time still says what a's said at a's time,
 * having run on by step per second (1: idle, -1: time left) in between:
 * mpcomp sends an object again only when something changed, with its
 * counters as of then, so a counter that merely ran on is no change. Two
 * seconds of slack for rounding on both sides. */
static bool counter_equal(uint32_t a, int64_t a_ms, uint32_t b, int64_t b_ms,
		int step) {
	int64_t expected = (int64_t)a + step * ((b_ms - a_ms) / 1000);
	if (expected < 0) {
		expected = 0;
	}
	int64_t diff = (int64_t)b - expected;
	return diff >= -2 && diff <= 2;
}

bool mpmgr_left_equal(uint32_t a, int64_t a_ms, uint32_t b, int64_t b_ms) {
	// 0 is no limit, not a counter that ran out
	if (a == 0 || b == 0) {
		return a == b;
	}
	return counter_equal(a, a_ms, b, b_ms, -1);
}

bool mpmgr_station_data_equal(const struct mpmgr_station_data *a,
		const struct mpmgr_station_data *b) {
	if (strcmp(a->name, b->name) != 0 || strcmp(a->key, b->key) != 0 ||
			strcmp(a->role, b->role) != 0 || a->state != b->state ||
			a->session != b->session || a->x != b->x || a->y != b->y ||
			a->width != b->width || a->height != b->height ||
			!mpmgr_strv_equal(&a->outputs, &b->outputs) ||
			!mpmgr_strv_equal(&a->devices, &b->devices) ||
			a->has_hardware != b->has_hardware ||
			a->keyboards != b->keyboards || a->pointers != b->pointers ||
			a->n_outputs != b->n_outputs ||
			a->notices_n != b->notices_n) {
		return false;
	}
	for (size_t i = 0; i < a->notices_n; i++) {
		const struct mpmgr_notice *na = &a->notices[i], *nb = &b->notices[i];
		if (strcmp(na->kind, nb->kind) != 0 ||
				strcmp(na->text, nb->text) != 0 ||
				!mpmgr_left_equal(na->seconds, a->stamp_ms, nb->seconds,
					b->stamp_ms)) {
			return false;
		}
	}
	return true;
}

static void session_data_init(struct mpmgr_session_data *d) {
	*d = (struct mpmgr_session_data){0};
	d->user = mpmgr_xstrdup("");
	d->station = mpmgr_xstrdup("");
	d->parked_reason = mpmgr_xstrdup("");
	d->parked_home = mpmgr_xstrdup("");
}

static void session_data_free(struct mpmgr_session_data *d) {
	free(d->user);
	free(d->station);
	free(d->parked_reason);
	free(d->parked_home);
	*d = (struct mpmgr_session_data){0};
}

static void session_data_copy(struct mpmgr_session_data *to,
		const struct mpmgr_session_data *from) {
	*to = *from;
	to->user = mpmgr_xstrdup(from->user);
	to->station = mpmgr_xstrdup(from->station);
	to->parked_reason = mpmgr_xstrdup(from->parked_reason);
	to->parked_home = mpmgr_xstrdup(from->parked_home);
}

bool mpmgr_session_data_equal(const struct mpmgr_session_data *a,
		const struct mpmgr_session_data *b) {
	if (a->id != b->id || a->uid != b->uid || a->started != b->started ||
			strcmp(a->user, b->user) != 0 || a->kiosk != b->kiosk ||
			a->state != b->state || strcmp(a->station, b->station) != 0 ||
			a->parked != b->parked || a->ending != b->ending) {
		return false;
	}
	if (a->parked && (strcmp(a->parked_reason, b->parked_reason) != 0 ||
			strcmp(a->parked_home, b->parked_home) != 0 ||
			a->parked_since != b->parked_since)) {
		return false;
	}
	if (a->ending && !mpmgr_left_equal(a->ending_in, a->stamp_ms, b->ending_in,
			b->stamp_ms)) {
		return false;
	}
	return counter_equal(a->idle, a->stamp_ms, b->idle, b->stamp_ms, 1);
}

/* Stations */

/* The station is being sent again: keep what it was at the last done. */
static void station_touch(struct mpmgr_station *st) {
	if (!st->dirty) {
		station_data_free(&st->prev);
		station_data_copy(&st->prev, &st->cur);
		st->dirty = true;
	}
}

static void station_destroy(struct mpmgr_station *st) {
	wl_list_remove(&st->link);
	mp_manager_station_v1_destroy(st->proxy);
	station_data_free(&st->cur);
	station_data_free(&st->prev);
	free(st);
}

static void station_name(void *data, struct mp_manager_station_v1 *proxy,
		const char *name, const char *key, const char *role) {
	struct mpmgr_station *st = data;
	station_touch(st);
	// name starts the station afresh: its lists are sent in full after it
	station_data_free(&st->cur);
	station_data_init(&st->cur);
	free(st->cur.name);
	free(st->cur.key);
	free(st->cur.role);
	st->cur.name = mpmgr_xstrdup(name);
	st->cur.key = mpmgr_xstrdup(key);
	st->cur.role = mpmgr_xstrdup(role);
}

static void station_state(void *data, struct mp_manager_station_v1 *proxy,
		uint32_t state, uint32_t session) {
	struct mpmgr_station *st = data;
	station_touch(st);
	st->cur.state = state;
	st->cur.session = session;
}

static void station_area(void *data, struct mp_manager_station_v1 *proxy,
		int32_t x, int32_t y, int32_t width, int32_t height) {
	struct mpmgr_station *st = data;
	station_touch(st);
	st->cur.x = x;
	st->cur.y = y;
	st->cur.width = width;
	st->cur.height = height;
}

static void station_output(void *data, struct mp_manager_station_v1 *proxy,
		const char *name) {
	struct mpmgr_station *st = data;
	station_touch(st);
	mpmgr_strv_push(&st->cur.outputs, name);
}

static void station_device(void *data, struct mp_manager_station_v1 *proxy,
		const char *name) {
	struct mpmgr_station *st = data;
	station_touch(st);
	mpmgr_strv_push(&st->cur.devices, name);
}

static void station_notice(void *data, struct mp_manager_station_v1 *proxy,
		const char *kind, const char *text, uint32_t seconds) {
	struct mpmgr_station *st = data;
	station_touch(st);
	station_add_notice(&st->cur, kind, text, seconds);
}

static void station_removed(void *data, struct mp_manager_station_v1 *proxy) {
	struct mpmgr_station *st = data;
	st->removed = true;
}

static void station_hardware(void *data, struct mp_manager_station_v1 *proxy,
		uint32_t keyboards, uint32_t pointers, uint32_t outputs) {
	struct mpmgr_station *st = data;
	station_touch(st);
	st->cur.has_hardware = true;
	st->cur.keyboards = keyboards;
	st->cur.pointers = pointers;
	st->cur.n_outputs = outputs;
}

static const struct mp_manager_station_v1_listener station_listener = {
	.name = station_name,
	.state = station_state,
	.area = station_area,
	.output = station_output,
	.device = station_device,
	.notice = station_notice,
	.removed = station_removed,
	.hardware = station_hardware,
};

/* Sessions */

static void session_touch(struct mpmgr_session *s) {
	if (!s->dirty) {
		session_data_free(&s->prev);
		session_data_copy(&s->prev, &s->cur);
		s->dirty = true;
	}
}

static void session_destroy(struct mpmgr_session *s) {
	wl_list_remove(&s->link);
	mp_manager_session_v1_destroy(s->proxy);
	session_data_free(&s->cur);
	session_data_free(&s->prev);
	free(s);
}

static void session_info(void *data, struct mp_manager_session_v1 *proxy,
		uint32_t id, const char *user, uint32_t uid, uint32_t started,
		uint32_t kiosk) {
	struct mpmgr_session *s = data;
	session_touch(s);
	// info starts the session afresh: parked and ending come only if so
	session_data_free(&s->cur);
	session_data_init(&s->cur);
	free(s->cur.user);
	s->cur.user = mpmgr_xstrdup(user);
	s->cur.id = id;
	s->cur.uid = uid;
	s->cur.started = started;
	s->cur.kiosk = kiosk != 0;
}

static void session_state(void *data, struct mp_manager_session_v1 *proxy,
		uint32_t state, const char *station, uint32_t idle) {
	struct mpmgr_session *s = data;
	session_touch(s);
	s->cur.state = state;
	free(s->cur.station);
	s->cur.station = mpmgr_xstrdup(station);
	s->cur.idle = idle;
}

static void session_parked(void *data, struct mp_manager_session_v1 *proxy,
		const char *reason, uint32_t since, const char *home) {
	struct mpmgr_session *s = data;
	session_touch(s);
	s->cur.parked = true;
	free(s->cur.parked_reason);
	free(s->cur.parked_home);
	s->cur.parked_reason = mpmgr_xstrdup(reason);
	s->cur.parked_home = mpmgr_xstrdup(home);
	s->cur.parked_since = since;
}

static void session_ending(void *data, struct mp_manager_session_v1 *proxy,
		uint32_t seconds) {
	struct mpmgr_session *s = data;
	session_touch(s);
	s->cur.ending = true;
	s->cur.ending_in = seconds;
}

static void session_removed(void *data, struct mp_manager_session_v1 *proxy) {
	struct mpmgr_session *s = data;
	s->removed = true;
}

static const struct mp_manager_session_v1_listener session_listener = {
	.info = session_info,
	.state = session_state,
	.parked = session_parked,
	.ending = session_ending,
	.removed = session_removed,
};

/* Devices */

static void device_data_init(struct mpmgr_device_data *d) {
	d->name = mpmgr_xstrdup("");
	d->kind = mpmgr_xstrdup("");
	d->id_path = mpmgr_xstrdup("");
	d->group = mpmgr_xstrdup("");
	d->station = mpmgr_xstrdup("");
	d->rule = mpmgr_xstrdup("");
}

static void device_data_free(struct mpmgr_device_data *d) {
	free(d->name);
	free(d->kind);
	free(d->id_path);
	free(d->group);
	free(d->station);
	free(d->rule);
	*d = (struct mpmgr_device_data){0};
}

static void device_data_copy(struct mpmgr_device_data *to,
		const struct mpmgr_device_data *from) {
	to->name = mpmgr_xstrdup(from->name);
	to->kind = mpmgr_xstrdup(from->kind);
	to->id_path = mpmgr_xstrdup(from->id_path);
	to->group = mpmgr_xstrdup(from->group);
	to->station = mpmgr_xstrdup(from->station);
	to->rule = mpmgr_xstrdup(from->rule);
}

bool mpmgr_device_data_equal(const struct mpmgr_device_data *a,
		const struct mpmgr_device_data *b) {
	return strcmp(a->name, b->name) == 0 && strcmp(a->kind, b->kind) == 0 &&
		strcmp(a->id_path, b->id_path) == 0 &&
		strcmp(a->group, b->group) == 0 &&
		strcmp(a->station, b->station) == 0 &&
		strcmp(a->rule, b->rule) == 0;
}

static void device_destroy(struct mpmgr_device *dev) {
	wl_list_remove(&dev->link);
	mp_manager_device_v1_destroy(dev->proxy);
	device_data_free(&dev->cur);
	device_data_free(&dev->prev);
	free(dev);
}

static void device_info(void *data, struct mp_manager_device_v1 *proxy,
		const char *name, const char *kind, const char *id_path,
		const char *group, const char *station, const char *rule) {
	struct mpmgr_device *dev = data;
	if (!dev->dirty) {
		device_data_free(&dev->prev);
		device_data_copy(&dev->prev, &dev->cur);
		dev->dirty = true;
	}
	device_data_free(&dev->cur);
	dev->cur.name = mpmgr_xstrdup(name);
	dev->cur.kind = mpmgr_xstrdup(kind);
	dev->cur.id_path = mpmgr_xstrdup(id_path);
	dev->cur.group = mpmgr_xstrdup(group);
	dev->cur.station = mpmgr_xstrdup(station);
	dev->cur.rule = mpmgr_xstrdup(rule);
}

static void device_removed(void *data, struct mp_manager_device_v1 *proxy) {
	struct mpmgr_device *dev = data;
	dev->removed = true;
}

static const struct mp_manager_device_v1_listener device_listener = {
	.info = device_info,
	.removed = device_removed,
};

/* The manager */

static void manager_identity(void *data, struct mp_manager_v1 *manager,
		uint32_t uid, const char *user, uint32_t admin) {
	struct mpmgr *mgr = data;
	mgr->uid = uid;
	free(mgr->user);
	mgr->user = mpmgr_xstrdup(user);
	mgr->admin = admin != 0;
}

static void manager_maintenance(void *data, struct mp_manager_v1 *manager,
		uint32_t on, const char *message) {
	struct mpmgr *mgr = data;
	if (!mgr->maintenance_dirty) {
		free(mgr->maintenance_prev.message);
		mgr->maintenance_prev = mgr->maintenance;
		mgr->maintenance_prev.message =
			mpmgr_xstrdup(mgr->maintenance.message);
		mgr->maintenance_dirty = true;
	}
	mgr->maintenance.on = on != 0;
	free(mgr->maintenance.message);
	mgr->maintenance.message = mpmgr_xstrdup(message);
}

static void manager_pairing(void *data, struct mp_manager_v1 *manager,
		uint32_t on) {
	struct mpmgr *mgr = data;
	if (!mgr->pairing_dirty) {
		mgr->pairing_prev = mgr->pairing;
		mgr->pairing_dirty = true;
	}
	mgr->pairing = on != 0;
}

static void manager_device(void *data, struct mp_manager_v1 *manager,
		struct mp_manager_device_v1 *proxy) {
	struct mpmgr *mgr = data;
	struct mpmgr_device *dev = mpmgr_xalloc(sizeof(*dev));
	dev->mgr = mgr;
	dev->proxy = proxy;
	dev->dirty = true;
	device_data_init(&dev->cur);
	device_data_init(&dev->prev);
	mp_manager_device_v1_add_listener(proxy, &device_listener, dev);
	wl_list_insert(mgr->devices.prev, &dev->link);
}

static void manager_station(void *data, struct mp_manager_v1 *manager,
		struct mp_manager_station_v1 *proxy) {
	struct mpmgr *mgr = data;
	struct mpmgr_station *st = mpmgr_xalloc(sizeof(*st));
	st->mgr = mgr;
	st->proxy = proxy;
	st->dirty = true;  // new: no prev to compare with
	station_data_init(&st->cur);
	station_data_init(&st->prev);
	mp_manager_station_v1_add_listener(proxy, &station_listener, st);
	wl_list_insert(mgr->stations.prev, &st->link);
}

static void manager_session(void *data, struct mp_manager_v1 *manager,
		struct mp_manager_session_v1 *proxy) {
	struct mpmgr *mgr = data;
	struct mpmgr_session *s = mpmgr_xalloc(sizeof(*s));
	s->mgr = mgr;
	s->proxy = proxy;
	s->dirty = true;
	session_data_init(&s->cur);
	session_data_init(&s->prev);
	mp_manager_session_v1_add_listener(proxy, &session_listener, s);
	wl_list_insert(mgr->sessions.prev, &s->link);
}

static void manager_done(void *data, struct mp_manager_v1 *manager) {
	struct mpmgr *mgr = data;
	int64_t now = mpmgr_now_ms();
	struct mpmgr_station *st, *st_tmp;
	wl_list_for_each(st, &mgr->stations, link) {
		if (st->dirty) {
			st->cur.stamp_ms = now;
		}
	}
	struct mpmgr_session *s, *s_tmp;
	wl_list_for_each(s, &mgr->sessions, link) {
		if (s->dirty) {
			s->cur.stamp_ms = now;
		}
	}
	struct mpmgr_device *dev, *dev_tmp;
	mgr->batches++;
	if (mgr->on_batch != NULL) {
		mgr->on_batch(mgr, mgr->batch_data);
	}
	// The batch is seen: what was sent is the picture now.
	wl_list_for_each_safe(st, st_tmp, &mgr->stations, link) {
		if (st->removed) {
			station_destroy(st);
		} else if (st->dirty) {
			station_data_free(&st->prev);
			st->dirty = false;
			st->known = true;
		}
	}
	wl_list_for_each_safe(s, s_tmp, &mgr->sessions, link) {
		if (s->removed) {
			session_destroy(s);
		} else if (s->dirty) {
			session_data_free(&s->prev);
			s->dirty = false;
			s->known = true;
		}
	}
	wl_list_for_each_safe(dev, dev_tmp, &mgr->devices, link) {
		if (dev->removed) {
			device_destroy(dev);
		} else if (dev->dirty) {
			device_data_free(&dev->prev);
			device_data_init(&dev->prev);
			dev->dirty = false;
			dev->known = true;
		}
	}
	mgr->maintenance_dirty = false;
	mgr->pairing_dirty = false;
}

static const struct mp_manager_v1_listener manager_listener = {
	.identity = manager_identity,
	.maintenance = manager_maintenance,
	.station = manager_station,
	.session = manager_session,
	.done = manager_done,
	.pairing = manager_pairing,
	.device = manager_device,
};

/* Connection */

static void registry_global(void *data, struct wl_registry *registry,
		uint32_t name, const char *interface, uint32_t version) {
	struct mpmgr *mgr = data;
	if (strcmp(interface, mp_manager_v1_interface.name) == 0 &&
			mgr->manager == NULL) {
		mgr->version = version < MPMGR_PROTOCOL_VERSION ? version :
			MPMGR_PROTOCOL_VERSION;
		mgr->manager = wl_registry_bind(registry, name,
			&mp_manager_v1_interface, mgr->version);
		mp_manager_v1_add_listener(mgr->manager, &manager_listener, mgr);
	} else if (strcmp(interface, wl_shm_interface.name) == 0 &&
			mgr->shm == NULL) {
		mgr->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	}
}

static void registry_global_remove(void *data, struct wl_registry *registry,
		uint32_t name) {
}

static const struct wl_registry_listener registry_listener = {
	.global = registry_global,
	.global_remove = registry_global_remove,
};

/* Connects a socket of our own: the path may be anywhere (relative too),
 * where wl_display_connect takes a name under XDG_RUNTIME_DIR. Returns the
 * fd, or -1 with errno set. */
static int connect_socket(const char *path) {
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int mpmgr_lost(struct mpmgr *mgr) {
	const struct wl_interface *iface = NULL;
	uint32_t id = 0;
	int code = 0;
	if (mgr->display != NULL &&
			wl_display_get_error(mgr->display) == EPROTO) {
		code = (int)wl_display_get_protocol_error(mgr->display, &iface, &id);
	}
	if (iface != NULL) {
		// mpcomp refused something we sent (a flood, a bug of ours)
		fprintf(stderr, "mpmgr: %s: mpcomp closed the connection "
			"(protocol error %d on %s)\n", mgr->verb, code, iface->name);
	} else {
		fprintf(stderr, "mpmgr: %s: mpcomp went away\n", mgr->verb);
	}
	return 1;
}

int mpmgr_open(struct mpmgr *mgr) {
	wl_list_init(&mgr->stations);
	wl_list_init(&mgr->sessions);
	wl_list_init(&mgr->devices);
	mgr->user = mpmgr_xstrdup("");
	mgr->maintenance.message = mpmgr_xstrdup("");
	mgr->maintenance_prev.message = mpmgr_xstrdup("");
	int fd = connect_socket(mgr->socket_path);
	if (fd < 0) {
		fprintf(stderr, "mpmgr: cannot connect to mpcomp at %s: %s\n",
			mgr->socket_path, strerror(errno));
		return 1;
	}
	// Takes fd, and closes it when it fails.
	mgr->display = wl_display_connect_to_fd(fd);
	if (mgr->display == NULL) {
		fprintf(stderr, "mpmgr: cannot connect to mpcomp at %s: %s\n",
			mgr->socket_path, strerror(errno));
		return 1;
	}
	mgr->registry = wl_display_get_registry(mgr->display);
	wl_registry_add_listener(mgr->registry, &registry_listener, mgr);
	if (wl_display_roundtrip(mgr->display) < 0) {
		return mpmgr_lost(mgr);
	}
	if (mgr->manager == NULL) {
		fprintf(stderr, "mpmgr: %s offers no mp_manager_v1 (not an mpcomp "
			"admin socket)\n", mgr->socket_path);
		return 1;
	}
	while (mgr->batches == 0) {
		if (wl_display_dispatch(mgr->display) < 0) {
			return mpmgr_lost(mgr);
		}
	}
	return 0;
}

void mpmgr_close(struct mpmgr *mgr) {
	if (mgr->stations.next != NULL) {
		struct mpmgr_station *st, *st_tmp;
		wl_list_for_each_safe(st, st_tmp, &mgr->stations, link) {
			station_destroy(st);
		}
		struct mpmgr_session *s, *s_tmp;
		wl_list_for_each_safe(s, s_tmp, &mgr->sessions, link) {
			session_destroy(s);
		}
		struct mpmgr_device *dev, *dev_tmp;
		wl_list_for_each_safe(dev, dev_tmp, &mgr->devices, link) {
			device_destroy(dev);
		}
	}
	if (mgr->manager != NULL) {
		mp_manager_v1_destroy(mgr->manager);
	}
	if (mgr->shm != NULL) {
		wl_shm_destroy(mgr->shm);
	}
	if (mgr->registry != NULL) {
		wl_registry_destroy(mgr->registry);
	}
	if (mgr->display != NULL) {
		// The destroy requests reach mpcomp before we hang up.
		wl_display_flush(mgr->display);
		wl_display_disconnect(mgr->display);
	}
	free(mgr->user);
	free(mgr->maintenance.message);
	free(mgr->maintenance_prev.message);
	mgr->manager = NULL;
	mgr->shm = NULL;
	mgr->registry = NULL;
	mgr->display = NULL;
	mgr->user = mgr->maintenance.message = NULL;
	mgr->maintenance_prev.message = NULL;
}

struct mpmgr_session *mpmgr_find_session(struct mpmgr *mgr, uint32_t id) {
	struct mpmgr_session *s;
	wl_list_for_each(s, &mgr->sessions, link) {
		if (!s->removed && s->cur.id == id) {
			return s;
		}
	}
	return NULL;
}

struct mpmgr_station *mpmgr_find_station(struct mpmgr *mgr,
		const char *name) {
	struct mpmgr_station *st;
	wl_list_for_each(st, &mgr->stations, link) {
		if (!st->removed && strcmp(st->cur.name, name) == 0) {
			return st;
		}
	}
	return NULL;
}

static int session_cmp(const void *a, const void *b) {
	const struct mpmgr_session *sa = *(struct mpmgr_session *const *)a;
	const struct mpmgr_session *sb = *(struct mpmgr_session *const *)b;
	return (sa->cur.id > sb->cur.id) - (sa->cur.id < sb->cur.id);
}

struct mpmgr_session **mpmgr_sorted_sessions(struct mpmgr *mgr, size_t *n) {
	size_t count = (size_t)wl_list_length(&mgr->sessions);
	struct mpmgr_session **v = mpmgr_xalloc(count * sizeof(*v));
	*n = 0;
	struct mpmgr_session *s;
	wl_list_for_each(s, &mgr->sessions, link) {
		if (!s->removed) {
			v[(*n)++] = s;
		}
	}
	qsort(v, *n, sizeof(*v), session_cmp);
	return v;
}

static int device_cmp(const void *a, const void *b) {
	const struct mpmgr_device *da = *(struct mpmgr_device *const *)a;
	const struct mpmgr_device *db = *(struct mpmgr_device *const *)b;
	return strcmp(da->cur.name, db->cur.name);
}

struct mpmgr_device **mpmgr_sorted_devices(struct mpmgr *mgr, size_t *n) {
	size_t count = (size_t)wl_list_length(&mgr->devices);
	struct mpmgr_device **v = mpmgr_xalloc(count * sizeof(*v));
	*n = 0;
	struct mpmgr_device *dev;
	wl_list_for_each(dev, &mgr->devices, link) {
		if (!dev->removed) {
			v[(*n)++] = dev;
		}
	}
	qsort(v, *n, sizeof(*v), device_cmp);
	return v;
}

int mpmgr_need_version(struct mpmgr *mgr, uint32_t version) {
	if (mgr->version >= version) {
		return 0;
	}
	fprintf(stderr, "mpmgr: %s: this mpcomp is too old for it (it speaks "
		"mp_manager_v1 version %u, %s needs version %u)\n", mgr->verb,
		mgr->version, mgr->verb, version);
	return 1;
}

/* ---- answers ---- */

struct answer {
	bool answered, ok;
	uint32_t code;
	char *text;
};

static void result_done(void *data, struct mp_manager_result_v1 *result,
		const char *info) {
	struct answer *a = data;
	a->answered = a->ok = true;
	a->text = mpmgr_xstrdup(info);
}

static void result_failed(void *data, struct mp_manager_result_v1 *result,
		uint32_t code, const char *reason) {
	struct answer *a = data;
	a->answered = true;
	a->code = code;
	a->text = mpmgr_xstrdup(reason);
}

static const struct mp_manager_result_v1_listener result_listener = {
	.done = result_done,
	.failed = result_failed,
};

/* What a failure code says, for a reason that is empty. */
static const char *code_text(uint32_t code) {
	switch (code) {
	case MP_MANAGER_V1_CODE_DENIED:
		return "not allowed";
	case MP_MANAGER_V1_CODE_NOT_FOUND:
		return "not found";
	case MP_MANAGER_V1_CODE_INVALID_ARGUMENT:
		return "invalid argument";
	case MP_MANAGER_V1_CODE_WRONG_STATE:
		return "not possible in this state";
	case MP_MANAGER_V1_CODE_FAILED:
		return "failed";
	}
	return "refused";
}

int mpmgr_await(struct mpmgr *mgr, struct mp_manager_result_v1 *result,
		char **info) {
	struct answer a = {0};
	mp_manager_result_v1_add_listener(result, &result_listener, &a);
	// Events of stations and sessions keep coming meanwhile: the picture
	// stays up to date for whatever runs after.
	while (!a.answered) {
		if (wl_display_dispatch(mgr->display) < 0) {
			mp_manager_result_v1_destroy(result);
			return mpmgr_lost(mgr);
		}
	}
	mp_manager_result_v1_destroy(result);
	if (!a.ok) {
		fprintf(stderr, "mpmgr: %s: %s\n", mgr->verb,
			a.text[0] != '\0' ? a.text : code_text(a.code));
		free(a.text);
		return 1;
	}
	if (info != NULL) {
		*info = a.text;
	} else {
		free(a.text);
	}
	return 0;
}
