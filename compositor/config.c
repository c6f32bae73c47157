#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xkbcommon/xkbcommon.h>
#include "config.h"
#include "identity.h"
#include "output-id.h"

#define STATION_PREFIX "station"

struct parse_state {
	struct mp_config *config;
	const char *text;
	size_t pos;
	int line;        // line number of the line last handed to inih
	int cur_station; // index into config->stations, -1 outside one
	bool in_compositor;
	bool in_unknown;
	int compositor_line; // of the [compositor] header, 0 before it
	struct seen_key {
		char *name;
		int line;
	} *keys; // of the current section
	size_t n_keys;
};

static void add_error(struct mp_config *config, int line, const char *fmt, ...) {
	char msg[512];
	va_list args;
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);

	char *full = NULL;
	const char *path = config->path ? config->path : "<config>";
	int n = line > 0 ? asprintf(&full, "%s:%d: %s", path, line, msg)
		: asprintf(&full, "%s: %s", path, msg);
	if (n < 0) {
		return;
	}
	char **errors = realloc(config->errors,
		(config->n_errors + 1) * sizeof(*errors));
	if (errors == NULL) {
		free(full);
		return;
	}
	config->errors = errors;
	config->errors[config->n_errors++] = full;
}

static char *trim(char *s) {
	while (isspace((unsigned char)*s)) {
		s++;
	}
	char *end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1])) {
		*--end = '\0';
	}
	return s;
}

/* Splits a list separated by commas and/or spaces. */
static size_t split_list(const char *value, char ***out) {
	char *copy = strdup(value);
	size_t n = 0;
	char **items = NULL;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ", \t", &save); tok != NULL;
			tok = strtok_r(NULL, ", \t", &save)) {
		char **grown = realloc(items, (n + 1) * sizeof(*items));
		if (grown == NULL) {
			break;
		}
		items = grown;
		items[n++] = strdup(tok);
	}
	free(copy);
	*out = items;
	return n;
}

static void free_list(char **items, size_t n) {
	for (size_t i = 0; i < n; i++) {
		free(items[i]);
	}
	free(items);
}

static bool parse_color(const char *value, float out[4]) {
	const char *hex = value[0] == '#' ? value + 1 : value;
	size_t len = strlen(hex);
	if (len != 6 && len != 8) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)hex[i])) {
			return false;
		}
	}
	unsigned long v = strtoul(hex, NULL, 16);
	if (len == 6) {
		v = (v << 8) | 0xff;
	}
	out[0] = ((v >> 24) & 0xff) / 255.0f;
	out[1] = ((v >> 16) & 0xff) / 255.0f;
	out[2] = ((v >> 8) & 0xff) / 255.0f;
	out[3] = (v & 0xff) / 255.0f;
	return true;
}

/* Seconds as a plain decimal number (digits with at most one '.'), between
 * min and max, into milliseconds. Not strtod: it also takes nan, inf,
 * exponents, hex and signs, and nan passes any range check. */
/* A whole decimal number in [min, max], nothing else. */
static bool parse_count(const char *value, int min, int max, int *out) {
	long n = 0;
	if (value[0] == '\0') {
		return false;
	}
	for (const char *p = value; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > max) {
			return false;
		}
		n = n * 10 + (*p - '0');
	}
	if (n < min || n > max) {
		return false;
	}
	*out = (int)n;
	return true;
}

static bool parse_seconds(const char *value, int min, int max, int *ms) {
	double seconds = 0, scale = 1;
	size_t digits = 0;
	bool fraction = false;
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '.' && !fraction) {
			fraction = true;
		} else if (*p >= '0' && *p <= '9') {
			digits++;
			if (fraction) {
				scale /= 10;
				seconds += (*p - '0') * scale;
			} else {
				seconds = seconds * 10 + (*p - '0');
			}
		} else {
			return false;
		}
	}
	if (digits == 0 || seconds < min || seconds > max) {
		return false;
	}
	*ms = (int)(seconds * 1000 + 0.5);
	return true;
}

static bool valid_station_name(const char *name) {
	if (*name == '\0' || strlen(name) > 64) {
		return false;
	}
	for (const char *p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
				*p != '.') {
			return false;
		}
	}
	return true;
}

static void forget_keys(struct parse_state *st) {
	for (size_t i = 0; i < st->n_keys; i++) {
		free(st->keys[i].name);
	}
	free(st->keys);
	st->keys = NULL;
	st->n_keys = 0;
}

/* Called by our reader for every [section] header, with its real line and
 * the name between the brackets, trimmed; NULL when there is no ']' (a
 * syntax error, already reported). */
static void begin_section(struct parse_state *st, const char *name) {
	struct mp_config *config = st->config;
	st->cur_station = -1;
	st->in_compositor = false;
	st->in_unknown = true; // until we know the section
	forget_keys(st);
	if (name == NULL) {
		return;
	}

	if (strcmp(name, "compositor") == 0) {
		if (st->compositor_line > 0) {
			add_error(config, st->line, "duplicate section [compositor] "
				"(first on line %d)", st->compositor_line);
			return;
		}
		st->compositor_line = st->line;
		st->in_compositor = true;
		st->in_unknown = false;
		return;
	}
	size_t prefix = strlen(STATION_PREFIX);
	if (strncmp(name, STATION_PREFIX, prefix) != 0 ||
			(name[prefix] != '\0' && !isspace((unsigned char)name[prefix]))) {
		add_error(config, st->line, "unknown section [%s] (expected "
			"[compositor] or [station NAME])", name);
		return;
	}
	const char *station = name + prefix;
	while (isspace((unsigned char)*station)) {
		station++;
	}
	if (!valid_station_name(station)) {
		add_error(config, st->line, "invalid station name '%s' (1 to 64 "
			"letters, digits, '-', '_' or '.')", station);
		return;
	}
	for (size_t i = 0; i < config->n_stations; i++) {
		if (strcmp(config->stations[i].name, station) == 0) {
			add_error(config, st->line, "duplicate station '%s' (first "
				"defined on line %d)", station, config->stations[i].line);
			return;
		}
	}
	struct mp_station_config *grown = realloc(config->stations,
		(config->n_stations + 1) * sizeof(*grown));
	if (grown == NULL) {
		return;
	}
	config->stations = grown;
	struct mp_station_config *sc = &config->stations[config->n_stations];
	memset(sc, 0, sizeof(*sc));
	sc->name = strdup(station);
	sc->line = st->line;
	sc->idle_lock_ms = -1;
	st->cur_station = (int)config->n_stations++;
	st->in_unknown = false;
}

/* Whether key is new in this section; reports a repeated one. */
static bool remember_key(struct parse_state *st, const char *key) {
	for (size_t i = 0; i < st->n_keys; i++) {
		if (strcmp(st->keys[i].name, key) != 0) {
			continue;
		}
		if (st->in_compositor) {
			add_error(st->config, st->line, "[compositor]: duplicate key "
				"'%s' (first on line %d)", key, st->keys[i].line);
		} else {
			add_error(st->config, st->line, "station '%s': duplicate key "
				"'%s' (first on line %d)",
				st->config->stations[st->cur_station].name, key,
				st->keys[i].line);
		}
		return false;
	}
	struct seen_key *grown = realloc(st->keys,
		(st->n_keys + 1) * sizeof(*grown));
	if (grown != NULL) {
		st->keys = grown;
		st->keys[st->n_keys].name = strdup(key);
		st->keys[st->n_keys].line = st->line;
		if (st->keys[st->n_keys].name != NULL) {
			st->n_keys++;
		}
	}
	return true;
}

/* Cuts the comment off a value: a '#' or ';' after a space or tab. The
 * value may begin with '#' (a colour). inih's own inline comments cannot
 * do this: with the prefixes ";#" it takes "= #29394d" for a comment. */
static void strip_comment(char *value) {
	char *p = value;
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	if (*p == '#') {
		p++;
	}
	for (; *p != '\0'; p++) {
		if ((*p == '#' || *p == ';') && p > value &&
				(p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
	}
}

/* Checks a line (without its line ending) before inih parses it and edits
 * it in place: reports what inih would misread, cuts comments off values
 * and starts sections. */
static void check_line(struct parse_state *st, char *line) {
	char *start = line;
	while (isspace((unsigned char)*start)) {
		start++;
	}
	if (*start == '\0' || *start == '#' || *start == ';') {
		return; // blank or a comment, indented or not
	}
	if (start != line) {
		// With multi-line values off (see config_parse_string) inih
		// would read it as a line of its own; say so rather than guess.
		add_error(st->config, st->line, "indented line: remove the "
			"leading spaces (continuation lines are not supported)");
	}
	if (*start == '[') {
		char *end = strchr(start, ']');
		if (end == NULL) {
			add_error(st->config, st->line, "syntax error (a section header "
				"is [NAME])");
			begin_section(st, NULL);
		} else {
			// After the ']' only a comment, after a space or tab.
			char *rest = end + 1, *p = rest;
			while (*p == ' ' || *p == '\t') {
				p++;
			}
			if (*p != '\0' && !(p > rest && (*p == '#' || *p == ';'))) {
				add_error(st->config, st->line, "junk after ] of the "
					"section header: '%s'", trim(p));
			}
			*end = '\0';
			begin_section(st, trim(start + 1));
		}
		line[0] = '\0'; // the sections are ours: handler() ignores inih's
		return;
	}
	// inih splits at the first '=' or ':' (inline comments are off). It
	// would report only the first line without one; we report each.
	char *sep = start + strcspn(start, "=:");
	if (*sep == '\0') {
		add_error(st->config, st->line, "syntax error (expected [section], "
			"key = value or a comment)");
		line[0] = '\0';
		return;
	}
	strip_comment(sep + 1);
}

/* inih reader: hands out one line at a time so that we know line numbers
 * (the packaged inih is built without INI_HANDLER_LINENO). Lines end in
 * LF, CRLF or CR; inih itself only knows LF (and strips a CR before it). */
static char *reader(char *str, int num, void *data) {
	struct parse_state *st = data;
	if (st->text[st->pos] == '\0') {
		return NULL;
	}
	st->line++;
	const char *start = st->text + st->pos;
	size_t len = strcspn(start, "\r\n");
	st->pos += len;
	if (st->text[st->pos] == '\r' && st->text[st->pos + 1] == '\n') {
		st->pos += 2;
	} else if (st->text[st->pos] != '\0') {
		st->pos++;
	}
	// The line, '\n' and '\0' must fit in inih's buffer of num bytes;
	// config_parse_string sizes it for MP_CONFIG_MAX_LINE.
	size_t max = MP_CONFIG_MAX_LINE;
	if (num < 2) {
		return NULL;
	} else if ((size_t)num - 2 < max) {
		max = (size_t)num - 2;
	}
	if (len > max) {
		add_error(st->config, st->line, "line too long (%zu bytes, at "
			"most %zu)", len, max);
		len = 0;
	}
	memcpy(str, start, len);
	str[len] = '\0';
	check_line(st, str);
	len = strlen(str);
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

static bool set_string(char **field, const char *value) {
	free(*field);
	*field = strdup(value);
	return *field != NULL;
}

static void handle_station_key(struct parse_state *st,
		struct mp_station_config *sc, const char *key, const char *value) {
	struct mp_config *config = st->config;
	if (strcmp(key, "outputs") == 0) {
		free_list(sc->outputs, sc->n_outputs);
		sc->n_outputs = split_list(value, &sc->outputs);
		sc->outputs_line = st->line;
		if (sc->n_outputs == 0) {
			add_error(config, st->line, "station '%s': outputs is empty",
				sc->name);
		}
		for (size_t i = 0; i < sc->n_outputs; i++) {
			const char *why = output_entry_problem(sc->outputs[i]);
			if (why != NULL) {
				add_error(config, st->line, "station '%s': bad output '%s' "
					"(%s)", sc->name, sc->outputs[i], why);
			}
		}
	} else if (strcmp(key, "split") == 0) {
		sc->split_line = st->line;
		if (strcmp(value, "left") == 0) {
			sc->split = MP_SPLIT_LEFT;
		} else if (strcmp(value, "right") == 0) {
			sc->split = MP_SPLIT_RIGHT;
		} else if (strcmp(value, "none") == 0 || value[0] == '\0') {
			sc->split = MP_SPLIT_NONE;
		} else {
			add_error(config, st->line, "station '%s': bad split value "
				"'%s' (expected left, right or none)", sc->name, value);
		}
	} else if (strcmp(key, "devices") == 0) {
		free_list(sc->devices, sc->n_devices);
		sc->n_devices = split_list(value, &sc->devices);
		sc->devices_line = st->line;
		for (size_t i = 0; i < sc->n_devices; i++) {
			const char *why = identity_entry_problem(sc->devices[i]);
			if (why != NULL) {
				add_error(config, st->line, "station '%s': bad devices entry "
					"'%s' (%s)", sc->name, sc->devices[i], why);
			}
		}
	} else if (strcmp(key, "layout") == 0) {
		set_string(&sc->xkb_layout, value);
		sc->xkb_layout_line = st->line;
	} else if (strcmp(key, "variant") == 0) {
		set_string(&sc->xkb_variant, value);
		sc->xkb_variant_line = st->line;
	} else if (strcmp(key, "options") == 0) {
		set_string(&sc->xkb_options, value);
		sc->xkb_options_line = st->line;
	} else if (strcmp(key, "model") == 0) {
		set_string(&sc->xkb_model, value);
		sc->xkb_model_line = st->line;
	} else if (strcmp(key, "rules") == 0) {
		set_string(&sc->xkb_rules, value);
		sc->xkb_rules_line = st->line;
	} else if (strcmp(key, "command") == 0) {
		if (value[0] == '\0') {
			add_error(config, st->line, "station '%s': command is empty",
				sc->name);
		} else {
			set_string(&sc->command, value);
			sc->command_line = st->line;
		}
	} else if (strcmp(key, "session-command") == 0) {
		if (value[0] == '\0') {
			add_error(config, st->line, "station '%s': session-command is "
				"empty", sc->name);
		} else {
			set_string(&sc->session_command, value);
		}
	} else if (strcmp(key, "role") == 0) {
		sc->role_line = st->line;
		if (strcmp(value, "desktop") == 0) {
			sc->role = MP_ROLE_DESKTOP;
		} else if (strcmp(value, "kiosk") == 0) {
			sc->role = MP_ROLE_KIOSK;
		} else {
			add_error(config, st->line, "station '%s': bad role '%s' "
				"(expected desktop or kiosk)", sc->name, value);
		}
	} else if (strcmp(key, "idle-lock") == 0) {
		if (!parse_seconds(value, 0, MP_CONFIG_MAX_IDLE_LOCK,
				&sc->idle_lock_ms)) {
			add_error(config, st->line, "station '%s': bad idle-lock '%s' "
				"(seconds as a plain decimal number, 0 to %d; 0 is never)",
				sc->name, value, MP_CONFIG_MAX_IDLE_LOCK);
		}
	} else if (strcmp(key, "autologin") == 0) {
		if (value[0] == '\0') {
			add_error(config, st->line, "station '%s': autologin is empty",
				sc->name);
		} else {
			set_string(&sc->autologin, value);
		}
	} else {
		add_error(config, st->line, "station '%s': unknown key '%s'",
			sc->name, key);
	}
}

/* A group name as shadow-utils accepts it (a '$' ends a machine's). */
static bool valid_group_name(const char *name) {
	size_t len = strlen(name);
	if (len == 0 || len > 32 || name[0] == '-') {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
			(c == '$' && i == len - 1);
		if (!ok) {
			return false;
		}
	}
	return true;
}

static void handle_compositor_key(struct parse_state *st, const char *key,
		const char *value) {
	struct mp_config *config = st->config;
	if (strcmp(key, "background") == 0) {
		if (!parse_color(value, config->background)) {
			add_error(config, st->line, "bad colour '%s' (expected "
				"#RRGGBB or #RRGGBBAA)", value);
		}
	} else if (strcmp(key, "font") == 0) {
		if (value[0] == '\0') {
			add_error(config, st->line, "font is empty");
		} else {
			set_string(&config->font, value);
		}
	} else if (strcmp(key, "pam-service") == 0) {
		if (value[0] == '\0' || strchr(value, '/') != NULL) {
			add_error(config, st->line, "bad pam-service '%s' (a file name "
				"in /etc/pam.d)", value);
		} else {
			set_string(&config->pam_service, value);
		}
	} else if (strcmp(key, "allow-vt-switch") == 0) {
		if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0) {
			config->allow_vt_switch = true;
		} else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0) {
			config->allow_vt_switch = false;
		} else {
			add_error(config, st->line, "bad allow-vt-switch '%s' (yes or "
				"no)", value);
		}
	} else if (strcmp(key, "admin-group") == 0) {
		if (!valid_group_name(value)) {
			add_error(config, st->line, "bad admin-group '%s' (a group "
				"name: letters, digits, '.', '_' or '-', not starting with "
				"'-')", value);
		} else {
			set_string(&config->admin_group, value);
		}
	} else if (strcmp(key, "session-command") == 0) {
		if (value[0] == '\0') {
			add_error(config, st->line, "session-command is empty");
		} else {
			set_string(&config->session_command, value);
		}
	} else if (strcmp(key, "logoff-grace") == 0) {
		if (!parse_seconds(value, 0, 600, &config->logoff_grace_ms)) {
			add_error(config, st->line, "bad logoff-grace '%s' (seconds as "
				"a plain decimal number, 0 to 600)", value);
		}
	} else if (strcmp(key, "signin-timeout") == 0) {
		if (!parse_seconds(value, 1, 3600, &config->signin_timeout_ms)) {
			add_error(config, st->line, "bad signin-timeout '%s' (seconds "
				"as a plain decimal number, 1 to 3600)", value);
		}
	} else if (strcmp(key, "logoff-key") == 0) {
		if (!config_parse_keyspec(value, &config->logoff_mods,
				&config->logoff_sym)) {
			add_error(config, st->line, "bad logoff-key '%s' (modifiers "
				"shift, ctrl, alt, super and a key name joined by +, or "
				"empty for none)", value);
		} else {
			set_string(&config->logoff_key, value);
		}
	} else if (strcmp(key, "secure-key") == 0) {
		if (!config_parse_keyspec(value, &config->secure_mods,
				&config->secure_sym)) {
			add_error(config, st->line, "bad secure-key '%s' (modifiers "
				"shift, ctrl, alt, super and a key name joined by +, or "
				"empty for none)", value);
		} else {
			set_string(&config->secure_key, value);
		}
	} else if (strcmp(key, "idle-lock") == 0) {
		if (!parse_seconds(value, 0, MP_CONFIG_MAX_IDLE_LOCK,
				&config->idle_lock_ms)) {
			add_error(config, st->line, "bad idle-lock '%s' (seconds as a "
				"plain decimal number, 0 to %d; 0 is never)", value,
				MP_CONFIG_MAX_IDLE_LOCK);
		}
	} else if (strcmp(key, "reattach-window") == 0) {
		if (!parse_seconds(value, 0, MP_CONFIG_MAX_IDLE_LOCK,
				&config->reattach_window_ms)) {
			add_error(config, st->line, "bad reattach-window '%s' (seconds "
				"as a plain decimal number, 0 to %d)", value,
				MP_CONFIG_MAX_IDLE_LOCK);
		}
	} else if (strcmp(key, "disconnected-limit") == 0) {
		if (!parse_seconds(value, 0, MP_CONFIG_MAX_DISCONNECTED,
				&config->disconnected_limit_ms)) {
			add_error(config, st->line, "bad disconnected-limit '%s' "
				"(seconds as a plain decimal number, 0 to %d; 0 is never)",
				value, MP_CONFIG_MAX_DISCONNECTED);
		}
	} else if (strcmp(key, "max-sessions") == 0) {
		if (!parse_count(value, 0, MP_CONFIG_MAX_SESSIONS,
				&config->max_sessions)) {
			add_error(config, st->line, "bad max-sessions '%s' (a whole "
				"number, 0 to %d; 0 is no limit)", value,
				MP_CONFIG_MAX_SESSIONS);
		}
	} else {
		add_error(config, st->line, "[compositor]: unknown key '%s'", key);
	}
}

static int handler(void *data, const char *section, const char *key,
		const char *value) {
	struct parse_state *st = data;
	if (st->in_unknown) {
		return 1; // the section header was already reported
	}
	if ((st->in_compositor || st->cur_station >= 0) &&
			!remember_key(st, key)) {
		return 1;
	}
	if (st->in_compositor) {
		handle_compositor_key(st, key, value);
	} else if (st->cur_station >= 0) {
		handle_station_key(st, &st->config->stations[st->cur_station],
			key, value);
	} else {
		add_error(st->config, st->line, "key '%s' outside of any section",
			key);
	}
	return 1;
}

/* The first error xkbcommon reports while compiling a keymap. */
struct keymap_log {
	char reason[256];
};

static void handle_xkb_log(struct xkb_context *context,
		enum xkb_log_level level, const char *format, va_list args) {
	struct keymap_log *log = xkb_context_get_user_data(context);
	if (log == NULL || level > XKB_LOG_LEVEL_ERROR || log->reason[0] != '\0') {
		return;
	}
	vsnprintf(log->reason, sizeof(log->reason), format, args);
	size_t len = strlen(log->reason);
	while (len > 0 && isspace((unsigned char)log->reason[len - 1])) {
		log->reason[--len] = '\0';
	}
}

/* Compiles a keymap with xkbcommon's messages kept off stderr: its first
 * error goes to log (may be NULL). A keymap can compile despite an error:
 * an unknown option is reported and ignored. */
static struct xkb_keymap *compile_keymap(const struct xkb_rule_names *names,
		struct keymap_log *log) {
	struct xkb_context *context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (context == NULL) {
		return NULL;
	}
	xkb_context_set_log_fn(context, handle_xkb_log);
	xkb_context_set_log_level(context, XKB_LOG_LEVEL_ERROR);
	xkb_context_set_user_data(context, log);
	struct xkb_keymap *keymap = xkb_keymap_new_from_names(context, names,
		XKB_KEYMAP_COMPILE_NO_FLAGS);
	// The keymap keeps the context, and log is the caller's.
	xkb_context_set_user_data(context, NULL);
	xkb_context_unref(context);
	return keymap;
}

struct xkb_keymap *config_station_keymap(const struct mp_station_config *sc) {
	struct xkb_rule_names names = { 0 };
	if (sc != NULL) {
		names.rules = sc->xkb_rules;
		names.model = sc->xkb_model;
		names.layout = sc->xkb_layout;
		names.variant = sc->xkb_variant;
		names.options = sc->xkb_options;
	}
	return compile_keymap(&names, NULL);
}

static bool is_set(const char *value) {
	return value != NULL && value[0] != '\0';
}

/* Whether xkeyboard-config lists model in RULES.lst next to the rules
 * file; true when there is no such file. xkbcommon itself takes any model
 * name: the rules map an unknown one like pc105. path gets the file. */
static bool model_listed(const char *rules, const char *model, char *path,
		size_t size) {
	if (!is_set(rules)) {
		rules = secure_getenv("XKB_DEFAULT_RULES");
	}
	if (!is_set(rules)) {
		rules = "evdev";
	}
	struct xkb_context *context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (context == NULL) {
		return true;
	}
	FILE *f = NULL;
	for (unsigned i = 0; f == NULL &&
			i < xkb_context_num_include_paths(context); i++) {
		snprintf(path, size, "%s/rules/%s.lst",
			xkb_context_include_path_get(context, i), rules);
		f = fopen(path, "r");
	}
	xkb_context_unref(context);
	if (f == NULL) {
		return true;
	}
	// "! model" starts the list, one "  NAME  Description" per line.
	bool in_models = false, found = false;
	char *line = NULL;
	size_t cap = 0;
	while (!found && getline(&line, &cap, f) > 0) {
		char name[128];
		if (line[0] == '!') {
			in_models = sscanf(line, "! %127s", name) == 1 &&
				strcmp(name, "model") == 0;
		} else if (in_models && sscanf(line, "%127s", name) == 1) {
			found = strcmp(name, model) == 0;
		}
	}
	free(line);
	fclose(f);
	return found;
}

/* Compiles a station's keymap as the compositor will, and reports the key
 * xkbcommon rejects or ignores on its own line, with xkbcommon's reason. */
static void validate_keymap(struct mp_config *config,
		const struct mp_station_config *sc) {
	struct xkb_rule_names names = { 0 };
	const struct {
		const char *key, *value;
		int line;
		const char **name;
	} keys[] = {
		// In this order, so that each is compiled with those it needs.
		{ "rules", sc->xkb_rules, sc->xkb_rules_line, &names.rules },
		{ "model", sc->xkb_model, sc->xkb_model_line, &names.model },
		{ "layout", sc->xkb_layout, sc->xkb_layout_line, &names.layout },
		{ "variant", sc->xkb_variant, sc->xkb_variant_line,
			&names.variant },
		{ "options", sc->xkb_options, sc->xkb_options_line,
			&names.options },
	};
	bool any = false;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		any = any || is_set(keys[i].value);
	}
	if (!any) {
		return; // the default keymap is not the configuration's
	}
	if (is_set(sc->xkb_variant) && !is_set(sc->xkb_layout)) {
		add_error(config, sc->xkb_variant_line, "station '%s': variant "
			"needs a layout (xkb ignores a variant without one)", sc->name);
		return;
	}
	char path[512];
	if (is_set(sc->xkb_model) &&
			!model_listed(sc->xkb_rules, sc->xkb_model, path, sizeof(path))) {
		add_error(config, sc->xkb_model_line, "station '%s': bad model '%s' "
			"(not in %s)", sc->name, sc->xkb_model, path);
		return;
	}
	// Add the keys one at a time: the first that breaks the keymap (or
	// makes xkbcommon report an error) is the one to blame.
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!is_set(keys[i].value)) {
			continue;
		}
		*keys[i].name = keys[i].value;
		struct keymap_log log = { 0 };
		struct xkb_keymap *keymap = compile_keymap(&names, &log);
		xkb_keymap_unref(keymap);
		if (keymap == NULL || log.reason[0] != '\0') {
			add_error(config, keys[i].line, "station '%s': bad %s '%s' "
				"(xkbcommon: %s)", sc->name, keys[i].key, keys[i].value,
				log.reason[0] ? log.reason : "cannot compile the keymap");
			return;
		}
	}
}

static bool outputs_overlap(const struct mp_station_config *a,
		const struct mp_station_config *b) {
	// Two halves of one output only overlap when they are the same half;
	// a whole output overlaps with anything on it.
	return a->split == MP_SPLIT_NONE || b->split == MP_SPLIT_NONE ||
		a->split == b->split;
}

static void validate(struct mp_config *config) {
	for (size_t i = 0; i < config->n_stations; i++) {
		struct mp_station_config *sc = &config->stations[i];
		if (sc->n_outputs == 0 && sc->outputs_line == 0) {
			add_error(config, sc->line, "station '%s' has no outputs = line",
				sc->name);
		}
		if (sc->split != MP_SPLIT_NONE && sc->n_outputs > 1) {
			add_error(config, sc->split_line, "station '%s': split needs "
				"exactly one output, it has %zu", sc->name, sc->n_outputs);
		}
		for (size_t o = 0; o < sc->n_outputs; o++) {
			for (size_t p = 0; p < o; p++) {
				if (strcmp(sc->outputs[o], sc->outputs[p]) == 0) {
					add_error(config, sc->outputs_line, "station '%s': "
						"output %s listed twice", sc->name, sc->outputs[o]);
				}
			}
			for (size_t j = 0; j < i; j++) {
				struct mp_station_config *other = &config->stations[j];
				for (size_t q = 0; q < other->n_outputs; q++) {
					if (strcmp(sc->outputs[o], other->outputs[q]) != 0) {
						continue;
					}
					if (!outputs_overlap(sc, other)) {
						continue;
					}
					if (sc->split != MP_SPLIT_NONE &&
							sc->split == other->split) {
						add_error(config, sc->split_line, "station '%s': "
							"%s half of %s overlaps station '%s' (line %d)",
							sc->name, config_split_name(sc->split),
							sc->outputs[o], other->name, other->split_line);
					} else {
						add_error(config, sc->outputs_line, "station '%s': "
							"output %s already claimed by station '%s' "
							"(line %d)", sc->name, sc->outputs[o],
							other->name, other->outputs_line);
					}
				}
			}
		}
		if (sc->role == MP_ROLE_KIOSK && (sc->autologin == NULL ||
				sc->command == NULL)) {
			add_error(config, sc->role_line, "station '%s': role = kiosk "
				"needs autologin = USER and command = CMD", sc->name);
		}
		if (sc->role == MP_ROLE_DESKTOP && sc->command != NULL) {
			add_error(config, sc->command_line, "station '%s': command is "
				"for role = kiosk; a desktop station runs session-command",
				sc->name);
		}
		validate_keymap(config, sc);
		for (size_t d = 0; d < sc->n_devices; d++) {
			for (size_t j = 0; j < i; j++) {
				struct mp_station_config *other = &config->stations[j];
				for (size_t q = 0; q < other->n_devices; q++) {
					if (strcmp(sc->devices[d], other->devices[q]) == 0) {
						add_error(config, sc->devices_line, "station '%s': "
							"device %s already claimed by station '%s' "
							"(line %d)", sc->name, sc->devices[d],
							other->name, other->devices_line);
					}
				}
			}
		}
	}
}

static struct mp_config *config_alloc(const char *path) {
	struct mp_config *config = calloc(1, sizeof(*config));
	if (config == NULL) {
		return NULL;
	}
	config->path = path ? strdup(path) : NULL;
	config->background[0] = 0.16f;
	config->background[1] = 0.22f;
	config->background[2] = 0.30f;
	config->background[3] = 1.0f;
	config->font = strdup("DejaVu Sans");
	config->pam_service = strdup("mpcomp");
	config->logoff_grace_ms = 5000;
	config->signin_timeout_ms = 60000;
	config->logoff_key = strdup("ctrl+alt+shift+q");
	config_parse_keyspec(config->logoff_key, &config->logoff_mods,
		&config->logoff_sym);
	config->secure_key = strdup("ctrl+alt+Delete");
	config_parse_keyspec(config->secure_key, &config->secure_mods,
		&config->secure_sym);
	config->reattach_window_ms = 120 * 1000;
	return config;
}

struct mp_config *config_create_default(void) {
	return config_alloc(NULL);
}

void config_ini_setup(void) {
	ini_max_line = MP_CONFIG_MAX_LINE + 3;
	// An indented line would continue the previous value; check_line
	// reports it instead.
	ini_allow_multiline = false;
	// Comments after values are cut off by check_line.
	ini_allow_inline_comments = false;
	static char comment_prefixes[] = "#;";
	ini_start_comment_prefixes = comment_prefixes;
	ini_use_stack = true;
	ini_stop_on_first_error = false;
	ini_allow_no_value = false;
}

struct mp_config *config_parse_string(const char *path, const char *text) {
	struct mp_config *config = config_alloc(path);
	if (config == NULL) {
		return NULL;
	}
	// A UTF-8 byte order mark (Windows editors write one) is no text.
	if (strncmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
	}
	struct parse_state st = {
		.config = config,
		.text = text,
		.cur_station = -1,
	};
	// The packaged inih has its compile-time options as globals; set
	// every one we rely on. Its line buffer is ini_max_line bytes on the
	// stack, sized at run time (the reader gets num = ini_max_line); inih
	// asks for room for a line, '\r', '\n' and '\0'.
	config_ini_setup();
	int err = ini_parse_stream(reader, &st, handler, &st);
	forget_keys(&st);
	if (err > 0) {
		// check_line reports every line inih cannot parse, and hands it
		// none; should it miss one, inih returns the first.
		add_error(config, err, "syntax error (expected [section], "
			"key = value or a comment)");
	} else if (err < 0) {
		add_error(config, 0, "cannot parse (out of memory)");
	}
	validate(config);
	return config;
}

/* A configuration that could not be read: one error, why. */
static struct mp_config *unreadable(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct mp_config *unreadable(const char *path, const char *fmt, ...) {
	struct mp_config *config = config_alloc(path);
	if (config != NULL) {
		char why[256];
		va_list args;
		va_start(args, fmt);
		vsnprintf(why, sizeof(why), fmt, args);
		va_end(args);
		add_error(config, 0, "%s", why);
	}
	return config;
}

/* Reads a regular file of at most MP_CONFIG_MAX_SIZE bytes into *text;
 * NULL, or the reason it cannot. */
static const char *read_file(int fd, char **text) {
	struct stat st;
	if (fstat(fd, &st) < 0) {
		return strerror(errno);
	}
	if (S_ISDIR(st.st_mode)) {
		return "is a directory";
	}
	if (!S_ISREG(st.st_mode)) {
		return "not a regular file";
	}
	// One byte more than allowed: a file that grew is seen too.
	char *buf = malloc(MP_CONFIG_MAX_SIZE + 2);
	if (buf == NULL) {
		return "out of memory";
	}
	size_t len = 0;
	while (len <= MP_CONFIG_MAX_SIZE) {
		ssize_t n = read(fd, buf + len, MP_CONFIG_MAX_SIZE + 1 - len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			free(buf);
			return strerror(errno);
		}
		if (n == 0) {
			break;
		}
		len += (size_t)n;
	}
	if (len > MP_CONFIG_MAX_SIZE) {
		free(buf);
		return "too large (at most 1 MiB)";
	}
	if (memchr(buf, '\0', len) != NULL) {
		free(buf);
		return "not a text file (contains a NUL byte)";
	}
	buf[len] = '\0';
	*text = buf;
	return NULL;
}

const char *config_read_file(const char *path, char **text, int *err) {
	*text = NULL;
	*err = 0;
	// Non-blocking: opening a FIFO nobody writes to would wait for ever
	// (read_file refuses it right after).
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		return strerror(errno);
	}
	const char *why = read_file(fd, text);
	close(fd);
	return why;
}

struct mp_config *config_load(const char *path) {
	char *text = NULL;
	int err;
	const char *why = config_read_file(path, &text, &err);
	if (why != NULL && err != 0) {
		return unreadable(path, "cannot open: %s", why);
	}
	if (why != NULL) {
		return unreadable(path, "%s", why);
	}
	struct mp_config *config = config_parse_string(path, text);
	free(text);
	return config;
}

void config_destroy(struct mp_config *config) {
	if (config == NULL) {
		return;
	}
	for (size_t i = 0; i < config->n_stations; i++) {
		struct mp_station_config *sc = &config->stations[i];
		free(sc->name);
		free_list(sc->outputs, sc->n_outputs);
		free_list(sc->devices, sc->n_devices);
		free(sc->xkb_rules);
		free(sc->xkb_model);
		free(sc->xkb_layout);
		free(sc->xkb_variant);
		free(sc->xkb_options);
		free(sc->command);
		free(sc->session_command);
		free(sc->autologin);
	}
	free(config->stations);
	free_list(config->errors, config->n_errors);
	free(config->font);
	free(config->pam_service);
	free(config->admin_group);
	free(config->session_command);
	free(config->logoff_key);
	free(config->secure_key);
	free(config->path);
	free(config);
}

bool config_parse_keyspec(const char *spec, uint32_t *mods, uint32_t *sym) {
	// The same bits as WLR_MODIFIER_SHIFT, _CTRL, _ALT and _LOGO.
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = {
		{ "shift", 1 }, { "ctrl", 4 }, { "control", 4 }, { "alt", 8 },
		{ "super", 64 }, { "logo", 64 },
	};
	*mods = 0;
	*sym = 0;
	if (spec[0] == '\0') {
		return true;
	}
	char *copy = strdup(spec);
	char *key = copy, *plus;
	bool ok = true;
	while (ok && (plus = strchr(key, '+')) != NULL && plus[1] != '\0') {
		*plus = '\0';
		ok = false;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (strcasecmp(key, names[i].name) == 0) {
				*mods |= names[i].bit;
				ok = true;
			}
		}
		key = plus + 1;
	}
	if (ok) {
		*sym = xkb_keysym_from_name(key, XKB_KEYSYM_CASE_INSENSITIVE);
		ok = *sym != XKB_KEY_NoSymbol;
	}
	free(copy);
	return ok;
}

const char *config_split_name(enum mp_split split) {
	switch (split) {
	case MP_SPLIT_LEFT:
		return "left";
	case MP_SPLIT_RIGHT:
		return "right";
	case MP_SPLIT_NONE:
		break;
	}
	return "none";
}

int config_find_station_for_output(const struct mp_config *config,
		const char *output_name, enum mp_split split) {
	for (size_t i = 0; i < config->n_stations; i++) {
		const struct mp_station_config *sc = &config->stations[i];
		if (sc->split != split) {
			continue;
		}
		for (size_t o = 0; o < sc->n_outputs; o++) {
			if (strcmp(sc->outputs[o], output_name) == 0) {
				return (int)i;
			}
		}
	}
	return -1;
}
