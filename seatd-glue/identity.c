#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "identity.h"

/* What identity_build and identity_parse found wrong, joined by "; ". */
struct warnings {
	char *text;
	bool no_memory;
};

static void warn(struct warnings *w, const char *fmt, ...) {
	va_list args;
	va_start(args, fmt);
	char *line = NULL;
	int n = vasprintf(&line, fmt, args);
	va_end(args);
	if (n < 0) {
		w->no_memory = true;
		return;
	}
	if (w->text == NULL) {
		w->text = line;
		return;
	}
	char *joined = NULL;
	if (asprintf(&joined, "%s; %s", w->text, line) < 0) {
		w->no_memory = true;
		free(line);
		return;
	}
	free(w->text);
	free(line);
	w->text = joined;
}

/* Moves the warnings to *out (which may be NULL: they are dropped). */
static void warnings_give(struct warnings *w, char **out) {
	if (out != NULL) {
		*out = w->text;
	} else {
		free(w->text);
	}
	w->text = NULL;
}

const char *identity_kind_name(enum mp_device_kind kind) {
	switch (kind) {
	case MP_DEVICE_KEYBOARD:
		return "keyboard";
	case MP_DEVICE_POINTER:
		return "pointer";
	case MP_DEVICE_TOUCH:
		return "touch";
	case MP_DEVICE_TABLET:
		return "tablet";
	case MP_DEVICE_UNKNOWN:
		break;
	}
	return "unknown";
}

void identity_finish(struct mp_identity *id) {
	free(id->name);
	free(id->id_path);
	free(id->id_seat);
	free(id->vendor);
	free(id->product);
	free(id->syspath);
	free(id->usb_device);
	for (size_t i = 0; i < id->n_hubs; i++) {
		free(id->hubs[i]);
	}
	free(id->group);
	memset(id, 0, sizeof(*id));
}

/* Returns the property key, or NULL when it is absent, empty or malformed
 * (too long, control characters: such a value would reach logs and the
 * admin's screen; warned about). */
static const char *take(mp_identity_get get, void *data, const char *key,
		struct warnings *w) {
	const char *value = get(data, key);
	if (value == NULL || value[0] == '\0') {
		return NULL;
	}
	size_t len = strnlen(value, MP_IDENTITY_MAX_VALUE + 1);
	if (len > MP_IDENTITY_MAX_VALUE) {
		warn(w, "%s is over %d bytes, left out", key, MP_IDENTITY_MAX_VALUE);
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];
		if (c < 0x20 || c == 0x7f) {
			warn(w, "%s has control characters, left out", key);
			return NULL;
		}
	}
	return value;
}

static bool is_set(mp_identity_get get, void *data, const char *key) {
	const char *value = get(data, key);
	return value != NULL && strcmp(value, "1") == 0;
}

static enum mp_device_kind kind_from(mp_identity_get get, void *data) {
	// The most telling first: a tablet or a touchscreen may also say it
	// is a mouse (libinput takes them as tablet and touch too).
	if (is_set(get, data, "ID_INPUT_KEYBOARD")) {
		return MP_DEVICE_KEYBOARD;
	}
	if (is_set(get, data, "ID_INPUT_TABLET")) {
		return MP_DEVICE_TABLET;
	}
	if (is_set(get, data, "ID_INPUT_TOUCHSCREEN")) {
		return MP_DEVICE_TOUCH;
	}
	if (is_set(get, data, "ID_INPUT_MOUSE") ||
			is_set(get, data, "ID_INPUT_TOUCHPAD") ||
			is_set(get, data, "ID_INPUT_POINTINGSTICK") ||
			is_set(get, data, "ID_INPUT_TRACKBALL")) {
		return MP_DEVICE_POINTER;
	}
	return MP_DEVICE_UNKNOWN;
}

/* Copies len bytes of value into *field (NULL value: leaves it NULL). */
static void set_field(char **field, const char *value, size_t len,
		struct warnings *w) {
	if (value == NULL) {
		return;
	}
	*field = strndup(value, len);
	if (*field == NULL) {
		w->no_memory = true;
	}
}

static void set_string(char **field, const char *value, struct warnings *w) {
	if (value != NULL) {
		set_field(field, value, strlen(value), w);
	}
}

/* "prefix" + len bytes of value, in a new string. */
static char *join(const char *prefix, const char *value, size_t len,
		struct warnings *w) {
	char *s = NULL;
	if (asprintf(&s, "%s%.*s", prefix, (int)len, value) < 0) {
		w->no_memory = true;
		return NULL;
	}
	return s;
}

/* NAME as udev has it: "Logitech USB Keyboard", quotes included. Sets
 * *len and returns the name without them; NULL (warned) for a quote
 * without its pair. */
static const char *unquote_name(const char *raw, size_t *len,
		struct warnings *w) {
	size_t n = strlen(raw);
	bool opens = n > 0 && raw[0] == '"';
	bool closes = n > 1 && raw[n - 1] == '"';
	if (opens != closes) {
		warn(w, "NAME has bad quoting, left out");
		return NULL;
	}
	if (opens) {
		*len = n - 2;
		return raw + 1;
	}
	*len = n;
	return raw;
}

static bool all_digits(const char *s, size_t len) {
	if (len == 0) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
	}
	return true;
}

/* Whether the DEVPATH component c (len bytes) is a USB device: bus-port
 * (1-4) below the root hub usbN, else parent.port (1-4.2) below parent. */
static bool is_usb_child(const char *c, size_t len, const char *bus,
		size_t bus_len, const char *parent, size_t parent_len) {
	if (parent == NULL) {
		return len > bus_len + 1 && memcmp(c, bus, bus_len) == 0 &&
			c[bus_len] == '-' &&
			all_digits(c + bus_len + 1, len - bus_len - 1);
	}
	return len > parent_len + 1 && memcmp(c, parent, parent_len) == 0 &&
		c[parent_len] == '.' &&
		all_digits(c + parent_len + 1, len - parent_len - 1);
}

/* The USB devices of a (well-formed) DEVPATH: the root hub usbN, then the
 * chain of devices below it, each a child of the one before it. Fills
 * usb_device and hubs; a DEVPATH that is not on USB leaves them NULL. */
static void usb_chain(struct mp_identity *id, const char *devpath,
		struct warnings *w) {
	// End offsets (in devpath) of the USB devices, root side first. A
	// DEVPATH of at most MP_IDENTITY_MAX_VALUE bytes has fewer.
	size_t ends[MP_IDENTITY_MAX_VALUE / 2];
	size_t n = 0;
	const char *bus = NULL, *parent = NULL;
	size_t bus_len = 0, parent_len = 0;
	const char *c = devpath + 1; // after the leading '/'
	while (*c != '\0' && n < sizeof(ends) / sizeof(ends[0])) {
		size_t len = strcspn(c, "/");
		if (bus == NULL) {
			if (len > 3 && strncmp(c, "usb", 3) == 0 &&
					all_digits(c + 3, len - 3)) {
				bus = c + 3;
				bus_len = len - 3;
			}
		} else if (is_usb_child(c, len, bus, bus_len, parent, parent_len)) {
			ends[n++] = (size_t)(c - devpath) + len;
			parent = c;
			parent_len = len;
		} else {
			break; // an interface (1-1.4:1.0) or anything else: done
		}
		c += len;
		if (*c == '/') {
			c++;
		}
	}
	if (n == 0) {
		return;
	}
	id->usb_device = join("/sys", devpath, ends[n - 1], w);
	size_t hubs = n - 1;
	if (hubs > MP_IDENTITY_MAX_HUBS) {
		warn(w, "DEVPATH has %zu USB hubs, only the nearest %d are kept",
			hubs, MP_IDENTITY_MAX_HUBS);
		hubs = MP_IDENTITY_MAX_HUBS;
	}
	for (size_t i = 0; i < hubs; i++) {
		id->hubs[i] = join("/sys", devpath, ends[n - 2 - i], w);
		if (id->hubs[i] == NULL) {
			break;
		}
		id->n_hubs++;
	}
}

static bool devpath_ok(const char *devpath, struct warnings *w) {
	if (strncmp(devpath, "/devices/", strlen("/devices/")) != 0) {
		warn(w, "DEVPATH does not start with /devices/, left out");
		return false;
	}
	if (strstr(devpath, "..") != NULL || strstr(devpath, "//") != NULL ||
			devpath[strlen(devpath) - 1] == '/') {
		warn(w, "DEVPATH is no plain sysfs path (.., // or a trailing /), "
			"left out");
		return false;
	}
	return true;
}

/* The group of a device known by its ID_PATH alone (no DEVPATH: a test
 * device). Its USB part, usb-0:CHAIN[:CONFIG.INTERFACE], names the port
 * chain from the root hub; with a hub in it (1.2: port 2 of the hub at
 * port 1) the group is the ID_PATH up to that hub's port, so that every
 * device on the hub shares it; else the whole ID_PATH. */
static char *group_from_id_path(const char *id_path, struct warnings *w) {
	const char *usb = NULL;
	for (const char *p = strstr(id_path, "usb-"); p != NULL;
			p = strstr(p + 1, "usb-")) {
		if (p == id_path || p[-1] == '-') {
			usb = p;
			break;
		}
	}
	if (usb != NULL) {
		const char *chain = strchr(usb, ':');
		const char *hub_end = NULL;
		const char *p = chain != NULL ? chain + 1 : NULL;
		// digits ('.' digits)*, ending at ':' or the end
		while (p != NULL) {
			size_t digits = strspn(p, "0123456789");
			if (digits == 0) {
				p = NULL;
				break;
			}
			p += digits;
			if (*p != '.') {
				break;
			}
			hub_end = p;
			p++;
		}
		if (p != NULL && (*p == ':' || *p == '\0') && hub_end != NULL) {
			return join("path:", id_path, (size_t)(hub_end - id_path), w);
		}
	}
	return join("path:", id_path, strlen(id_path), w);
}

bool identity_build(struct mp_identity *out, mp_identity_get get, void *data,
		char **warning) {
	memset(out, 0, sizeof(*out));
	if (warning != NULL) {
		*warning = NULL;
	}
	struct warnings w = {0};

	const char *raw = take(get, data, "NAME", &w);
	size_t name_len = 0;
	const char *name = raw != NULL ? unquote_name(raw, &name_len, &w) : NULL;
	if (name != NULL && name_len > 0) {
		set_field(&out->name, name, name_len, &w);
	} else {
		set_string(&out->name, take(get, data, "ID_MODEL", &w), &w);
	}
	set_string(&out->id_path, take(get, data, "ID_PATH", &w), &w);
	set_string(&out->id_seat, take(get, data, "ID_SEAT", &w), &w);
	set_string(&out->vendor, take(get, data, "ID_VENDOR_ID", &w), &w);
	set_string(&out->product, take(get, data, "ID_MODEL_ID", &w), &w);
	out->kind = kind_from(get, data);

	const char *devpath = take(get, data, "DEVPATH", &w);
	if (devpath != NULL && devpath_ok(devpath, &w)) {
		out->syspath = join("/sys", devpath, strlen(devpath), &w);
		usb_chain(out, devpath, &w);
	}

	if (out->n_hubs > 0) {
		set_string(&out->group, out->hubs[0], &w);
	} else if (out->usb_device != NULL) {
		set_string(&out->group, out->usb_device, &w);
	} else if (out->id_path != NULL && out->syspath == NULL) {
		out->group = group_from_id_path(out->id_path, &w);
	} else if (out->id_path != NULL) {
		out->group = join("path:", out->id_path, strlen(out->id_path), &w);
	}

	if (w.no_memory) {
		identity_finish(out);
		free(w.text);
		return false;
	}
	warnings_give(&w, warning);
	return true;
}

bool match_id_path_prefix(const char *prefix, const char *path) {
	if (prefix == NULL || path == NULL || prefix[0] == '\0') {
		return false;
	}
	size_t len = strlen(prefix);
	if (strncmp(prefix, path, len) != 0) {
		return false;
	}
	char next = path[len];
	return next == '\0' || next == ':' || next == '.' || next == '-';
}

/* Whether the sysfs path s (starting "/sys/devices/") is rel, a path
 * starting "/devices/" of rel_len bytes. */
static bool sysfs_equal(const char *s, const char *rel, size_t rel_len) {
	return s != NULL && strlen(s) == rel_len + 4 &&
		memcmp(s + 4, rel, rel_len) == 0;
}

size_t identity_claimed_by(const struct mp_identity *id, const char *entry) {
	if (id == NULL || entry == NULL || entry[0] == '\0') {
		return 0;
	}
	if (strncmp(entry, "path:", strlen("path:")) == 0) {
		return id->group != NULL && strcmp(id->group, entry) == 0 ?
			strlen(entry) : 0;
	}

	// A sysfs path, with or without /sys; compared in its /devices/ form.
	const char *rel = NULL;
	if (strncmp(entry, "/sys/devices/", strlen("/sys/devices/")) == 0) {
		rel = entry + 4;
	} else if (strncmp(entry, "/devices/", strlen("/devices/")) == 0) {
		rel = entry;
	}
	if (rel != NULL) {
		size_t rel_len = strlen(rel);
		while (rel_len > 1 && rel[rel_len - 1] == '/') {
			rel_len--;
		}
		if (strstr(rel, "..") != NULL || strstr(rel, "//") != NULL) {
			return 0;
		}
		size_t specificity = rel_len + 4;
		for (size_t i = 0; i < id->n_hubs; i++) {
			if (sysfs_equal(id->hubs[i], rel, rel_len)) {
				return specificity;
			}
		}
		if (sysfs_equal(id->usb_device, rel, rel_len)) {
			return specificity;
		}
		const char *sys = id->syspath;
		if (sys != NULL && strncmp(sys + 4, rel, rel_len) == 0 &&
				(sys[4 + rel_len] == '\0' || sys[4 + rel_len] == '/')) {
			return specificity;
		}
		return 0;
	}

	return match_id_path_prefix(entry, id->id_path) ? strlen(entry) : 0;
}

const char *identity_entry_problem(const char *entry) {
	if (strcmp(entry, "path:") == 0) {
		return "path: names no path";
	}
	if (entry[0] != '/') {
		return NULL; // an ID_PATH prefix
	}
	if (strncmp(entry, "/sys/devices/", strlen("/sys/devices/")) != 0 &&
			strncmp(entry, "/devices/", strlen("/devices/")) != 0) {
		return "a hub's sysfs path starts with /sys/devices/ or /devices/";
	}
	if (strstr(entry, "..") != NULL || strstr(entry, "//") != NULL) {
		return "a sysfs path with '..' or '//' names no hub";
	}
	return NULL;
}

/* Parsed properties of identity_parse, pointing into a copy of the text. */
struct property {
	const char *key, *value;
};

struct parsed {
	struct property props[MP_IDENTITY_MAX_PROPERTIES];
	size_t n_props;
	const char *p_line; // the devpath of a "P: " line, NULL if none
};

static const char *parsed_get(void *data, const char *key) {
	struct parsed *parsed = data;
	// The last one wins, as in a udev rule setting a property twice.
	for (size_t i = parsed->n_props; i > 0; i--) {
		if (strcmp(parsed->props[i - 1].key, key) == 0) {
			return parsed->props[i - 1].value;
		}
	}
	if (strcmp(key, "DEVPATH") == 0) {
		return parsed->p_line;
	}
	return NULL;
}

static bool is_key(const char *key, size_t len) {
	if (len == 0) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		char c = key[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				(c >= '0' && c <= '9') || c == '_' || c == '.')) {
			return false;
		}
	}
	return true;
}

/* Fails with a message: *error is set (when error is not NULL). */
static bool parse_fail(char **error, const char *fmt, ...) {
	if (error == NULL) {
		return false;
	}
	va_list args;
	va_start(args, fmt);
	if (vasprintf(error, fmt, args) < 0) {
		*error = NULL;
	}
	va_end(args);
	return false;
}

/* Reads the lines of buf (NUL-terminated, changed in place) into parsed. */
static bool parse_lines(struct parsed *parsed, char *buf, struct warnings *w,
		char **error) {
	bool record = false; // in a record: a property or P: line was seen
	int number = 0;
	for (char *line = buf; line != NULL && *line != '\0';) {
		number++;
		char *next = strchr(line, '\n');
		if (next != NULL) {
			*next++ = '\0';
		}
		size_t len = strlen(line);
		if (len > 0 && line[len - 1] == '\r') {
			line[--len] = '\0';
		}
		if (len > MP_IDENTITY_MAX_LINE) {
			return parse_fail(error, "line %d is over %d bytes", number,
				MP_IDENTITY_MAX_LINE);
		}
		char *cur = line;
		line = next;
		if (strspn(cur, " \t") == len) {
			if (record) {
				break; // the end of the first --export-db record
			}
			continue;
		}

		// udevadm info: "X: ..." lines, of which E: and P: are read.
		if (cur[0] >= 'A' && cur[0] <= 'Z' && cur[1] == ':' &&
				(cur[2] == ' ' || cur[2] == '\0')) {
			char tag = cur[0];
			cur += cur[2] == ' ' ? 3 : 2;
			if (tag == 'P') {
				parsed->p_line = cur;
				record = true;
				continue;
			} else if (tag != 'E') {
				continue;
			}
		}
		char *eq = strchr(cur, '=');
		if (eq == NULL || !is_key(cur, (size_t)(eq - cur))) {
			warn(w, "line %d is no property, ignored", number);
			continue;
		}
		if (parsed->n_props == MP_IDENTITY_MAX_PROPERTIES) {
			return parse_fail(error, "more than %d properties",
				MP_IDENTITY_MAX_PROPERTIES);
		}
		*eq = '\0';
		parsed->props[parsed->n_props++] = (struct property){
			.key = cur,
			.value = eq + 1,
		};
		record = true;
	}
	// A P: line alone (udevadm info of a device udev has no record of)
	// tells nothing else: no properties file.
	if (parsed->n_props == 0) {
		return parse_fail(error, "no udev property in it");
	}
	return true;
}

bool identity_parse_buffer(struct mp_identity *out, const char *data,
		size_t size, char **error) {
	memset(out, 0, sizeof(*out));
	if (error != NULL) {
		*error = NULL;
	}
	const char *nul = memchr(data, '\0', size);
	if (nul != NULL) {
		return parse_fail(error, "a NUL byte at offset %zu: not text",
			(size_t)(nul - data));
	}
	char *buf = malloc(size + 1);
	struct parsed *parsed = calloc(1, sizeof(*parsed));
	if (buf == NULL || parsed == NULL) {
		free(buf);
		free(parsed);
		return parse_fail(error, "out of memory");
	}
	memcpy(buf, data, size);
	buf[size] = '\0';

	struct warnings w = {0};
	bool ok = parse_lines(parsed, buf, &w, error);
	if (ok) {
		char *built = NULL;
		if (!identity_build(out, parsed_get, parsed, &built)) {
			ok = parse_fail(error, "out of memory");
		} else if (built != NULL) {
			warn(&w, "%s", built);
			free(built);
		}
	}
	if (ok && w.no_memory) {
		identity_finish(out);
		ok = parse_fail(error, "out of memory");
	}
	if (ok) {
		warnings_give(&w, error);
	}
	free(w.text);
	free(parsed);
	free(buf);
	return ok;
}

bool identity_parse(struct mp_identity *out, const char *text, char **error) {
	return identity_parse_buffer(out, text, strlen(text), error);
}
