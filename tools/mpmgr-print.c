/* mpmgr: tables, JSON and the watch verb's lines. */

#include <json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "describe.h"
#include "mpmgr.h"

const char *mpmgr_station_state_name(uint32_t state) {
	switch (state) {
	case MP_MANAGER_V1_STATION_STATE_OFFLINE:
		return "offline";
	case MP_MANAGER_V1_STATION_STATE_LOGIN:
		return "login";
	case MP_MANAGER_V1_STATION_STATE_ACTIVE:
		return "active";
	case MP_MANAGER_V1_STATION_STATE_LOCKED:
		return "locked";
	case MP_MANAGER_V1_STATION_STATE_BLOCKED:
		return "blocked";
	}
	return "unknown";  // a newer mpcomp
}

const char *mpmgr_session_state_name(uint32_t state) {
	switch (state) {
	case MP_MANAGER_V1_SESSION_STATE_STARTING:
		return "starting";
	case MP_MANAGER_V1_SESSION_STATE_ATTACHED:
		return "attached";
	case MP_MANAGER_V1_SESSION_STATE_LOCKED:
		return "locked";
	case MP_MANAGER_V1_SESSION_STATE_PARKED:
		return "parked";
	case MP_MANAGER_V1_SESSION_STATE_LOGGING_OFF:
		return "logging-off";
	case MP_MANAGER_V1_SESSION_STATE_ENDING:
		return "ending";
	}
	return "unknown";
}

void mpmgr_format_idle(char buf[32], uint64_t s) {
	if (s < 60) {
		snprintf(buf, 32, "%us", (unsigned)s);
	} else if (s < 3600) {
		snprintf(buf, 32, "%um%02us", (unsigned)(s / 60), (unsigned)(s % 60));
	} else if (s < 86400) {
		snprintf(buf, 32, "%uh%02um", (unsigned)(s / 3600),
			(unsigned)(s % 3600 / 60));
	} else {
		snprintf(buf, 32, "%llud%02uh", (unsigned long long)(s / 86400),
			(unsigned)(s % 86400 / 3600));
	}
}

void mpmgr_format_left(char buf[32], uint64_t s) {
	mpmgr_format_idle(buf, s);
	size_t len = strlen(buf);
	// "4m00s" -> "4m": a round time reads as one
	if (len > 3 && strcmp(buf + len - 3, "00s") == 0 && s >= 60) {
		buf[len - 3] = '\0';
	} else if (len > 3 && (strcmp(buf + len - 3, "00m") == 0 ||
			strcmp(buf + len - 3, "00h") == 0)) {
		buf[len - 3] = '\0';
	}
}

void mpmgr_format_time(char buf[32], uint64_t epoch) {
	if (epoch == 0) {
		snprintf(buf, 32, "-");
		return;
	}
	time_t t = (time_t)epoch, now = time(NULL);
	struct tm tm, today;
	if (localtime_r(&t, &tm) == NULL || localtime_r(&now, &today) == NULL) {
		snprintf(buf, 32, "%llu", (unsigned long long)epoch);
	} else if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday) {
		strftime(buf, 32, "%H:%M", &tm);
	} else {
		strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
	}
}

/* A user for people: the name, or the uid when it has none. */
static void format_user(char buf[32], const char *user, uint32_t uid) {
	if (user[0] != '\0') {
		snprintf(buf, 32, "%.31s", user);
	} else {
		snprintf(buf, 32, "#%u", uid);
	}
}

/* Text for a terminal line: texts come from admins and users (messages,
 * names), so a newline or an escape sequence in one must not break the
 * table or drive the terminal. */
static char *sanitize(const char *s) {
	char *out = mpmgr_xstrdup(s);
	for (char *p = out; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\t' || c == '\n' || c == '\r') {
			*p = ' ';
		} else if (c < 0x20 || c == 0x7f) {
			*p = '?';
		}
	}
	return out;
}

/* Characters shown (UTF-8 continuation bytes take no column). */
static size_t text_width(const char *s) {
	size_t n = 0;
	for (; *s != '\0'; s++) {
		n += ((unsigned char)*s & 0xc0) != 0x80;
	}
	return n;
}

/* Tables: columns as wide as their widest cell, two spaces between. */

struct table {
	size_t cols, rows, cap;
	char **cells;  // rows * cols, sanitized copies
};

static void table_row(struct table *t, const char *const *cells) {
	if (t->rows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		char **p = reallocarray(t->cells, t->cap * t->cols, sizeof(*p));
		if (p == NULL) {
			fputs("mpmgr: out of memory\n", stderr);
			exit(1);
		}
		t->cells = p;
	}
	for (size_t c = 0; c < t->cols; c++) {
		t->cells[t->rows * t->cols + c] = sanitize(cells[c]);
	}
	t->rows++;
}

static void table_print_free(struct table *t) {
	size_t *width = mpmgr_xalloc(t->cols * sizeof(*width));
	for (size_t i = 0; i < t->rows * t->cols; i++) {
		size_t w = text_width(t->cells[i]);
		if (w > width[i % t->cols]) {
			width[i % t->cols] = w;
		}
	}
	for (size_t r = 0; r < t->rows; r++) {
		for (size_t c = 0; c < t->cols; c++) {
			const char *cell = t->cells[r * t->cols + c];
			fputs(cell, stdout);
			if (c + 1 < t->cols) {  // no trailing blanks
				printf("%*s", (int)(width[c] - text_width(cell) + 2), "");
			}
		}
		putchar('\n');
	}
	for (size_t i = 0; i < t->rows * t->cols; i++) {
		free(t->cells[i]);
	}
	free(t->cells);
	free(width);
}

/* A growing string for joined lists. */
struct buf {
	char *s;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t want = (b->len + (size_t)n + 1) * 2;
		char *p = realloc(b->s, want);
		if (p == NULL) {
			fputs("mpmgr: out of memory\n", stderr);
			exit(1);
		}
		b->s = p;
		b->cap = want;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void notice_text(struct buf *b, const struct mpmgr_notice *n) {
	buf_add(b, "%s", n->kind);
	if (n->text[0] != '\0') {
		buf_add(b, ": %s", n->text);
	}
	if (n->seconds != 0) {
		char left[32];
		mpmgr_format_left(left, n->seconds);
		buf_add(b, " (%s left)", left);
	}
}

void mpmgr_print_stations(struct mpmgr *mgr, bool json) {
	struct mpmgr_station *st;
	if (json) {
		wl_list_for_each(st, &mgr->stations, link) {
			mpmgr_print_json(mpmgr_station_json(&st->cur));
		}
		return;
	}
	static const char *const header[] = { "NAME", "KEY", "STATE", "USER",
		"SESSION", "IDLE", "SINCE", "OUTPUTS", "KBD", "PTR", "OUT",
		"NOTICE" };
	struct table t = { .cols = 12 };
	table_row(&t, header);
	wl_list_for_each(st, &mgr->stations, link) {
		const struct mpmgr_station_data *d = &st->cur;
		const struct mpmgr_session *s = d->session ?
			mpmgr_find_session(mgr, d->session) : NULL;
		char user[32] = "-", id[16] = "-", idle[32] = "-", since[32] = "-";
		char kbd[16] = "-", ptr[16] = "-", out[16] = "-";
		if (d->session != 0) {
			snprintf(id, sizeof(id), "%u", d->session);
		}
		if (s != NULL) {
			format_user(user, s->cur.user, s->cur.uid);
			mpmgr_format_idle(idle, s->cur.idle);
			mpmgr_format_time(since, s->cur.started);
		}
		struct buf outputs = {0}, notices = {0};
		for (size_t i = 0; i < d->outputs.n; i++) {
			buf_add(&outputs, "%s%s", i ? "," : "", d->outputs.v[i]);
		}
		for (size_t i = 0; i < d->notices_n; i++) {
			buf_add(&notices, "%s", i ? "; " : "");
			notice_text(&notices, &d->notices[i]);
		}
		if (d->has_hardware) {
			snprintf(kbd, sizeof(kbd), "%u", d->keyboards);
			snprintf(ptr, sizeof(ptr), "%u", d->pointers);
			snprintf(out, sizeof(out), "%u", d->n_outputs);
		}
		const char *row[] = { d->name, d->key[0] ? d->key : "-",
			mpmgr_station_state_name(d->state), user, id, idle, since,
			outputs.s ? outputs.s : "-", kbd, ptr, out,
			notices.s ? notices.s : "-" };
		table_row(&t, row);
		free(outputs.s);
		free(notices.s);
	}
	table_print_free(&t);
}

void mpmgr_print_sessions(struct mpmgr *mgr, bool json) {
	size_t n;
	struct mpmgr_session **v = mpmgr_sorted_sessions(mgr, &n);
	if (json) {
		for (size_t i = 0; i < n; i++) {
			mpmgr_print_json(mpmgr_session_json(&v[i]->cur));
		}
		free(v);
		return;
	}
	static const char *const header[] = { "ID", "USER", "STATE", "STATION",
		"IDLE", "SINCE", "PARKED" };
	struct table t = { .cols = 7 };
	table_row(&t, header);
	for (size_t i = 0; i < n; i++) {
		const struct mpmgr_session_data *d = &v[i]->cur;
		char id[16], user[32], idle[32], since[32];
		snprintf(id, sizeof(id), "%u", d->id);
		format_user(user, d->user, d->uid);
		mpmgr_format_idle(idle, d->idle);
		mpmgr_format_time(since, d->parked ? d->parked_since : d->started);
		const char *row[] = { id, user, mpmgr_session_state_name(d->state),
			d->station[0] ? d->station : "-", idle, since,
			d->parked ? (d->parked_reason[0] ? d->parked_reason : "yes") :
			"-" };
		table_row(&t, row);
	}
	table_print_free(&t);
	free(v);
}

void mpmgr_print_devices(struct mpmgr *mgr, bool json) {
	size_t n;
	struct mpmgr_device **v = mpmgr_sorted_devices(mgr, &n);
	if (json) {
		for (size_t i = 0; i < n; i++) {
			mpmgr_print_json(mpmgr_device_json(&v[i]->cur));
		}
		free(v);
		return;
	}
	static const char *const header[] = { "NAME", "KIND", "STATION", "RULE",
		"GROUP" };
	struct table t = { .cols = 5 };
	table_row(&t, header);
	for (size_t i = 0; i < n; i++) {
		const struct mpmgr_device_data *d = &v[i]->cur;
		const char *row[] = { d->name, d->kind,
			d->station[0] ? d->station : "-", d->rule[0] ? d->rule : "-",
			d->group[0] ? d->group : "-" };
		table_row(&t, row);
	}
	table_print_free(&t);
	free(v);
}

/* JSON */

static struct json_object *json_str(const char *s) {
	return json_object_new_string(s);
}

static struct json_object *json_uint(uint64_t n) {
	return json_object_new_int64((int64_t)n);
}

/* A string, or null for "". */
static struct json_object *json_str_or_null(const char *s) {
	return s[0] != '\0' ? json_str(s) : NULL;
}

static struct json_object *json_strv(const struct mpmgr_strv *strv) {
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < strv->n; i++) {
		json_object_array_add(a, json_str(strv->v[i]));
	}
	return a;
}

struct json_object *mpmgr_station_json(const struct mpmgr_station_data *d) {
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_str(d->name));
	json_object_object_add(o, "key", json_str(d->key));
	json_object_object_add(o, "role", json_str(d->role));
	json_object_object_add(o, "state",
		json_str(mpmgr_station_state_name(d->state)));
	json_object_object_add(o, "session",
		d->session ? json_uint(d->session) : NULL);
	// The compositor's own builder: the same fields as mptest state.
	json_object_object_add(o, "area",
		describe_box(d->x, d->y, d->width, d->height));
	json_object_object_add(o, "outputs", json_strv(&d->outputs));
	json_object_object_add(o, "devices", json_strv(&d->devices));
	struct json_object *notices = json_object_new_array();
	for (size_t i = 0; i < d->notices_n; i++) {
		struct json_object *n = json_object_new_object();
		json_object_object_add(n, "kind", json_str(d->notices[i].kind));
		json_object_object_add(n, "text", json_str(d->notices[i].text));
		json_object_object_add(n, "seconds",
			json_uint(d->notices[i].seconds));
		json_object_array_add(notices, n);
	}
	json_object_object_add(o, "notices", notices);
	struct json_object *hardware = NULL;
	if (d->has_hardware) {
		hardware = json_object_new_object();
		json_object_object_add(hardware, "keyboards", json_uint(d->keyboards));
		json_object_object_add(hardware, "pointers", json_uint(d->pointers));
		json_object_object_add(hardware, "outputs", json_uint(d->n_outputs));
	}
	json_object_object_add(o, "hardware", hardware);
	return o;
}

struct json_object *mpmgr_device_json(const struct mpmgr_device_data *d) {
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_str(d->name));
	json_object_object_add(o, "kind", json_str(d->kind));
	json_object_object_add(o, "id_path", json_str_or_null(d->id_path));
	json_object_object_add(o, "group", json_str_or_null(d->group));
	json_object_object_add(o, "station", json_str_or_null(d->station));
	json_object_object_add(o, "rule", json_str_or_null(d->rule));
	return o;
}

struct json_object *mpmgr_session_json(const struct mpmgr_session_data *d) {
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_uint(d->id));
	json_object_object_add(o, "user", json_str(d->user));
	json_object_object_add(o, "uid", json_uint(d->uid));
	json_object_object_add(o, "state",
		json_str(mpmgr_session_state_name(d->state)));
	json_object_object_add(o, "station",
		d->station[0] ? json_str(d->station) : NULL);
	json_object_object_add(o, "kiosk", json_object_new_boolean(d->kiosk));
	json_object_object_add(o, "started", json_uint(d->started));
	json_object_object_add(o, "idle", json_uint(d->idle));
	struct json_object *parked = NULL;
	if (d->parked) {
		parked = json_object_new_object();
		json_object_object_add(parked, "reason", json_str(d->parked_reason));
		json_object_object_add(parked, "since", json_uint(d->parked_since));
		json_object_object_add(parked, "home",
			d->parked_home[0] ? json_str(d->parked_home) : NULL);
	}
	json_object_object_add(o, "parked", parked);
	json_object_object_add(o, "ending_in",
		d->ending ? json_uint(d->ending_in) : NULL);
	return o;
}

void mpmgr_print_json(struct json_object *obj) {
	puts(json_object_to_json_string_ext(obj,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

/* Watch */

/* Starts a watch line with the local time; the rest is printf's. */
static void line(const char *fmt, ...) {
	char stamp[16] = "";
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) != NULL) {
		strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return;
	}
	char *text = mpmgr_xalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	char *clean = sanitize(text);
	printf("%s %s\n", stamp, clean);
	free(clean);
	free(text);
}

/* "session 3 (alice)" */
static void session_label(char buf[64], const struct mpmgr_session_data *d) {
	char user[32];
	format_user(user, d->user, d->uid);
	snprintf(buf, 64, "session %u (%s)", d->id, user);
}

/* A station's state for a line: "active (session 3, alice)". */
static void station_state_text(struct buf *b, struct mpmgr *mgr,
		const struct mpmgr_station_data *d) {
	buf_add(b, "%s", mpmgr_station_state_name(d->state));
	if (d->session != 0) {
		const struct mpmgr_session *s = mpmgr_find_session(mgr, d->session);
		if (s != NULL) {
			char user[32];
			format_user(user, s->cur.user, s->cur.uid);
			buf_add(b, " (session %u, %s)", d->session, user);
		} else {
			buf_add(b, " (session %u)", d->session);
		}
	}
}

/* A session's state for a line: "attached at left", "parked (why)";
 * with_station false leaves the station out. */
static void session_state_text(struct buf *b,
		const struct mpmgr_session_data *d, bool with_station) {
	buf_add(b, "%s", mpmgr_session_state_name(d->state));
	if (with_station && d->station[0] != '\0') {
		buf_add(b, " at %s", d->station);
	}
	if (d->parked && d->parked_reason[0] != '\0') {
		buf_add(b, " (%s)", d->parked_reason);
	}
}

static bool strv_has(const struct mpmgr_strv *strv, const char *s) {
	for (size_t i = 0; i < strv->n; i++) {
		if (strcmp(strv->v[i], s) == 0) {
			return true;
		}
	}
	return false;
}

static const struct mpmgr_notice *find_notice(
		const struct mpmgr_station_data *d, const char *kind) {
	for (size_t i = 0; i < d->notices_n; i++) {
		if (strcmp(d->notices[i].kind, kind) == 0) {
			return &d->notices[i];
		}
	}
	return NULL;
}

static void print_station_initial(struct mpmgr *mgr,
		const struct mpmgr_station_data *d, const char *how) {
	struct buf b = {0};
	station_state_text(&b, mgr, d);
	line("station %s: %s%s", d->name, how, b.s);
	free(b.s);
	for (size_t i = 0; i < d->notices_n; i++) {
		struct buf n = {0};
		notice_text(&n, &d->notices[i]);
		line("station %s: notice %s", d->name, n.s);
		free(n.s);
	}
}

/* "1 keyboard, 0 pointers, 2 outputs" */
static void hardware_text(struct buf *b, const struct mpmgr_station_data *d) {
	buf_add(b, "%u keyboard%s, %u pointer%s, %u output%s", d->keyboards,
		d->keyboards == 1 ? "" : "s", d->pointers,
		d->pointers == 1 ? "" : "s", d->n_outputs,
		d->n_outputs == 1 ? "" : "s");
}

/* One line per change a person cares about; counters running on are
 * none. */
static void print_station_changes(struct mpmgr *mgr,
		const struct mpmgr_station_data *a,
		const struct mpmgr_station_data *b) {
	const char *name = b->name;
	if (strcmp(a->name, b->name) != 0) {
		line("station %s: renamed to %s", a->name, b->name);
	}
	if (a->state != b->state || a->session != b->session) {
		struct buf t = {0};
		station_state_text(&t, mgr, b);
		line("station %s: %s -> %s", name, mpmgr_station_state_name(a->state),
			t.s);
		free(t.s);
	}
	if (strcmp(a->key, b->key) != 0) {
		line("station %s: key %s", name, b->key[0] ? b->key : "none");
	}
	if (strcmp(a->role, b->role) != 0) {
		line("station %s: role %s", name, b->role);
	}
	for (size_t i = 0; i < b->outputs.n; i++) {
		if (!strv_has(&a->outputs, b->outputs.v[i])) {
			line("station %s: output %s added", name, b->outputs.v[i]);
		}
	}
	for (size_t i = 0; i < a->outputs.n; i++) {
		if (!strv_has(&b->outputs, a->outputs.v[i])) {
			line("station %s: output %s removed", name, a->outputs.v[i]);
		}
	}
	// An output added or removed says why the area changed already.
	if ((a->x != b->x || a->y != b->y || a->width != b->width ||
			a->height != b->height) &&
			mpmgr_strv_equal(&a->outputs, &b->outputs)) {
		line("station %s: area %dx%d+%d+%d", name, b->width, b->height,
			b->x, b->y);
	}
	for (size_t i = 0; i < b->devices.n; i++) {
		if (!strv_has(&a->devices, b->devices.v[i])) {
			line("station %s: device %s added", name, b->devices.v[i]);
		}
	}
	for (size_t i = 0; i < a->devices.n; i++) {
		if (!strv_has(&b->devices, a->devices.v[i])) {
			line("station %s: device %s removed", name, a->devices.v[i]);
		}
	}
	for (size_t i = 0; i < b->notices_n; i++) {
		const struct mpmgr_notice *nb = &b->notices[i];
		const struct mpmgr_notice *na = find_notice(a, nb->kind);
		// the same notice, its time running out, is no news
		if (na != NULL && strcmp(na->text, nb->text) == 0 &&
				mpmgr_left_equal(na->seconds, a->stamp_ms, nb->seconds,
					b->stamp_ms)) {
			continue;
		}
		struct buf t = {0};
		notice_text(&t, nb);
		line("station %s: notice %s", name, t.s);
		free(t.s);
	}
	for (size_t i = 0; i < a->notices_n; i++) {
		if (find_notice(b, a->notices[i].kind) == NULL) {
			line("station %s: notice %s ended", name, a->notices[i].kind);
		}
	}
	if (b->has_hardware && (!a->has_hardware ||
			a->keyboards != b->keyboards || a->pointers != b->pointers ||
			a->n_outputs != b->n_outputs)) {
		struct buf t = {0};
		hardware_text(&t, b);
		line("station %s: hardware %s", name, t.s);
		free(t.s);
	}
}

/* Where a device is: "keyboard at left (config)", "pointer, unassigned". */
static void device_text(struct buf *b, const struct mpmgr_device_data *d) {
	buf_add(b, "%s", d->kind);
	if (d->station[0] != '\0') {
		buf_add(b, " at %s", d->station);
	} else {
		buf_add(b, ", unassigned");
	}
	if (d->rule[0] != '\0') {
		buf_add(b, " (%s)", d->rule);
	}
}

static void print_device_initial(const struct mpmgr_device_data *d,
		const char *how) {
	struct buf b = {0};
	device_text(&b, d);
	line("device %s: %s%s", d->name, how, b.s);
	free(b.s);
}

/* A device moved: "left -> right (assigned)", "left -> unassigned". */
static void print_device_changes(const struct mpmgr_device_data *a,
		const struct mpmgr_device_data *b) {
	if (strcmp(a->station, b->station) != 0 ||
			strcmp(a->rule, b->rule) != 0) {
		struct buf t = {0};
		buf_add(&t, "%s", b->station[0] ? b->station : "unassigned");
		if (b->rule[0] != '\0') {
			buf_add(&t, " (%s)", b->rule);
		}
		line("device %s: %s -> %s", b->name,
			a->station[0] ? a->station : "unassigned", t.s);
		free(t.s);
	}
	if (strcmp(a->group, b->group) != 0) {
		line("device %s: group %s", b->name, b->group[0] ? b->group : "none");
	}
	if (strcmp(a->id_path, b->id_path) != 0) {
		line("device %s: ID_PATH %s", b->name,
			b->id_path[0] ? b->id_path : "none");
	}
}

static void print_session_changes(const struct mpmgr_session_data *a,
		const struct mpmgr_session_data *b) {
	char label[64];
	session_label(label, b);
	bool moved = strcmp(a->station, b->station) != 0 && b->station[0];
	if (a->state != b->state || moved) {
		// the old station only when it says where the session came from
		struct buf from = {0}, to = {0};
		buf_add(&from, "%s", mpmgr_session_state_name(a->state));
		if (moved && a->station[0] != '\0') {
			buf_add(&from, " at %s", a->station);
		}
		session_state_text(&to, b, moved);
		line("%s: %s -> %s", label, from.s, to.s);
		free(from.s);
		free(to.s);
	} else if (b->parked && strcmp(a->parked_reason, b->parked_reason) != 0) {
		line("%s: parked (%s)", label, b->parked_reason);
	}
	if (b->ending && (!a->ending || !mpmgr_left_equal(a->ending_in,
			a->stamp_ms, b->ending_in, b->stamp_ms))) {
		char left[32];
		mpmgr_format_left(left, b->ending_in);
		line("%s: ends in %s", label, left);
	}
}

static void print_session_initial(const struct mpmgr_session_data *d) {
	char label[64];
	session_label(label, d);
	struct buf b = {0};
	session_state_text(&b, d, true);
	line("%s: %s", label, b.s);
	free(b.s);
	if (d->ending) {
		char left[32];
		mpmgr_format_left(left, d->ending_in);
		line("%s: ends in %s", label, left);
	}
}

static void print_maintenance(const struct mpmgr_maintenance *m) {
	if (!m->on) {
		line("maintenance off");
	} else if (m->message[0] != '\0') {
		line("maintenance on: %s", m->message);
	} else {
		line("maintenance on");
	}
}

static void print_pairing(bool on) {
	line("pairing %s", on ? "on" : "off");
}

static struct json_object *maintenance_json(struct json_object *o,
		const struct mpmgr_maintenance *m) {
	json_object_object_add(o, "on", json_object_new_boolean(m->on));
	json_object_object_add(o, "message", json_str(m->message));
	return o;
}

static void watch_snapshot(struct mpmgr *mgr, bool json) {
	size_t n, n_devices;
	struct mpmgr_session **v = mpmgr_sorted_sessions(mgr, &n);
	struct mpmgr_device **d = mpmgr_sorted_devices(mgr, &n_devices);
	struct mpmgr_station *st;
	if (json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "event", json_str("snapshot"));
		struct json_object *stations = json_object_new_array();
		wl_list_for_each(st, &mgr->stations, link) {
			if (!st->removed) {
				json_object_array_add(stations, mpmgr_station_json(&st->cur));
			}
		}
		json_object_object_add(o, "stations", stations);
		struct json_object *sessions = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			json_object_array_add(sessions, mpmgr_session_json(&v[i]->cur));
		}
		json_object_object_add(o, "sessions", sessions);
		struct json_object *devices = json_object_new_array();
		for (size_t i = 0; i < n_devices; i++) {
			json_object_array_add(devices, mpmgr_device_json(&d[i]->cur));
		}
		json_object_object_add(o, "devices", devices);
		json_object_object_add(o, "maintenance",
			maintenance_json(json_object_new_object(), &mgr->maintenance));
		json_object_object_add(o, "pairing",
			json_object_new_boolean(mgr->pairing));
		struct json_object *identity = json_object_new_object();
		json_object_object_add(identity, "uid", json_uint(mgr->uid));
		json_object_object_add(identity, "user", json_str(mgr->user));
		json_object_object_add(identity, "admin",
			json_object_new_boolean(mgr->admin));
		json_object_object_add(o, "identity", identity);
		mpmgr_print_json(o);
	} else {
		if (mgr->maintenance.on) {
			print_maintenance(&mgr->maintenance);
		}
		if (mgr->pairing) {
			print_pairing(true);
		}
		wl_list_for_each(st, &mgr->stations, link) {
			if (!st->removed) {
				print_station_initial(mgr, &st->cur, "");
			}
		}
		for (size_t i = 0; i < n; i++) {
			print_session_initial(&v[i]->cur);
		}
		for (size_t i = 0; i < n_devices; i++) {
			print_device_initial(&d[i]->cur, "");
		}
	}
	free(v);
	free(d);
}

void mpmgr_watch_batch(struct mpmgr *mgr, void *data) {
	bool json = *(bool *)data;
	if (mgr->batches == 1) {
		watch_snapshot(mgr, json);
		fflush(stdout);
		return;
	}
	const struct mpmgr_maintenance *ma = &mgr->maintenance_prev,
		*mb = &mgr->maintenance;
	if (mgr->maintenance_dirty && (ma->on != mb->on ||
			strcmp(ma->message, mb->message) != 0)) {
		if (json) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "event", json_str("maintenance"));
			mpmgr_print_json(maintenance_json(o, mb));
		} else {
			print_maintenance(mb);
		}
	}
	if (mgr->pairing_dirty && mgr->pairing_prev != mgr->pairing) {
		if (json) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "event", json_str("pairing"));
			json_object_object_add(o, "on",
				json_object_new_boolean(mgr->pairing));
			mpmgr_print_json(o);
		} else {
			print_pairing(mgr->pairing);
		}
	}
	struct mpmgr_station *st;
	wl_list_for_each(st, &mgr->stations, link) {
		const struct mpmgr_station_data *was = &st->prev, *is = &st->cur;
		if (st->removed) {
			if (!st->known) {
				continue;  // came and went within one batch
			}
			const char *name = st->dirty ? was->name : is->name;
			if (json) {
				struct json_object *o = json_object_new_object();
				json_object_object_add(o, "event", json_str("station-removed"));
				json_object_object_add(o, "name", json_str(name));
				mpmgr_print_json(o);
			} else {
				line("station %s: removed", name);
			}
		} else if (st->dirty && (!st->known ||
				!mpmgr_station_data_equal(was, is))) {
			if (json) {
				struct json_object *o = json_object_new_object();
				json_object_object_add(o, "event", json_str("station"));
				json_object_object_add(o, "station", mpmgr_station_json(is));
				if (st->known && strcmp(was->name, is->name) != 0) {
					json_object_object_add(o, "renamed_from",
						json_str(was->name));
				}
				mpmgr_print_json(o);
			} else if (!st->known) {
				print_station_initial(mgr, is, "added, ");
			} else {
				print_station_changes(mgr, was, is);
			}
		}
	}
	struct mpmgr_session *s;
	wl_list_for_each(s, &mgr->sessions, link) {
		const struct mpmgr_session_data *was = &s->prev, *is = &s->cur;
		if (s->removed) {
			if (!s->known) {
				continue;
			}
			const struct mpmgr_session_data *last = s->dirty ? was : is;
			if (json) {
				struct json_object *o = json_object_new_object();
				json_object_object_add(o, "event", json_str("session-removed"));
				json_object_object_add(o, "id", json_uint(last->id));
				mpmgr_print_json(o);
			} else {
				char label[64];
				session_label(label, last);
				line("%s: gone", label);
			}
		} else if (s->dirty && (!s->known ||
				!mpmgr_session_data_equal(was, is))) {
			if (json) {
				struct json_object *o = json_object_new_object();
				json_object_object_add(o, "event", json_str("session"));
				json_object_object_add(o, "session", mpmgr_session_json(is));
				mpmgr_print_json(o);
			} else if (!s->known) {
				char label[64];
				session_label(label, is);
				if (is->station[0] != '\0') {
					line("%s: started at %s", label, is->station);
				} else {
					line("%s: started", label);
				}
			} else {
				print_session_changes(was, is);
			}
		}
	}
	struct mpmgr_device *dev;
	wl_list_for_each(dev, &mgr->devices, link) {
		const struct mpmgr_device_data *was = &dev->prev, *is = &dev->cur;
		if (dev->removed) {
			if (!dev->known) {
				continue;
			}
			const char *name = dev->dirty ? was->name : is->name;
			if (json) {
				struct json_object *o = json_object_new_object();
				json_object_object_add(o, "event", json_str("device-removed"));
				json_object_object_add(o, "name", json_str(name));
				mpmgr_print_json(o);
			} else {
				line("device %s: removed", name);
			}
		} else if (dev->dirty && (!dev->known ||
				!mpmgr_device_data_equal(was, is))) {
			if (json) {
				struct json_object *o = json_object_new_object();
				json_object_object_add(o, "event", json_str("device"));
				json_object_object_add(o, "device", mpmgr_device_json(is));
				mpmgr_print_json(o);
			} else if (!dev->known) {
				print_device_initial(is, "added, ");
			} else {
				print_device_changes(was, is);
			}
		}
	}
	fflush(stdout);
}
