#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "learned.h"
#include "util.h"

#define FILE_NAME "stations.ini"
#define STATION_SECTION "station "
#define PAIRINGS_SECTION "pairings"

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format(const char *fmt, ...) {
	va_list args;
	va_start(args, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, args) < 0) {
		s = NULL;
	}
	va_end(args);
	return s;
}

static void station_finish(struct mp_learned_station *ls) {
	free(ls->key);
	free(ls->name);
	free(ls->from);
	util_strv_free(ls->outputs, ls->n_outputs);
}

static void clear(struct mp_learned *learned) {
	for (size_t i = 0; i < learned->n_pairings; i++) {
		free(learned->pairings[i].group);
		free(learned->pairings[i].station);
	}
	free(learned->pairings);
	learned->pairings = NULL;
	learned->n_pairings = 0;
	for (size_t i = 0; i < learned->n_stations; i++) {
		station_finish(&learned->stations[i]);
	}
	free(learned->stations);
	learned->stations = NULL;
	learned->n_stations = 0;
}

void learned_destroy(struct mp_learned *learned) {
	if (learned == NULL) {
		return;
	}
	clear(learned);
	free(learned->path);
	free(learned->dir);
	free(learned);
}

/* A station's name as mpcomp accepts one (actions.c's rule). */
static bool valid_name(const char *s) {
	size_t len = strlen(s);
	return len > 0 && len <= 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == len;
}

/* A value mpcomp could have written: printable, not too long. */
static bool valid_value(const char *s) {
	size_t len = strlen(s);
	if (len == 0 || len > MP_CONFIG_MAX_LINE / 2) {
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			return false;
		}
	}
	return true;
}

const char *learned_pairing(const struct mp_learned *learned,
		const char *group) {
	if (group == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < learned->n_pairings; i++) {
		if (strcmp(learned->pairings[i].group, group) == 0) {
			return learned->pairings[i].station;
		}
	}
	return NULL;
}

static void remove_pairing(struct mp_learned *learned, size_t i) {
	free(learned->pairings[i].group);
	free(learned->pairings[i].station);
	memmove(&learned->pairings[i], &learned->pairings[i + 1],
		(learned->n_pairings - i - 1) * sizeof(*learned->pairings));
	learned->n_pairings--;
}

bool learned_set_pairing(struct mp_learned *learned, const char *group,
		const char *station) {
	for (size_t i = 0; i < learned->n_pairings; i++) {
		if (strcmp(learned->pairings[i].group, group) == 0) {
			remove_pairing(learned, i);
			break;
		}
	}
	if (station == NULL) {
		return true;
	}
	struct mp_learned_pairing *grown = realloc(learned->pairings,
		(learned->n_pairings + 1) * sizeof(*grown));
	if (grown == NULL) {
		return false;
	}
	learned->pairings = grown;
	struct mp_learned_pairing *p = &grown[learned->n_pairings];
	p->group = strdup(group);
	p->station = strdup(station);
	if (p->group == NULL || p->station == NULL) {
		free(p->group);
		free(p->station);
		return false;
	}
	learned->n_pairings++;
	return true;
}

size_t learned_forget_station(struct mp_learned *learned,
		const char *station) {
	size_t n = 0;
	for (size_t i = 0; i < learned->n_pairings;) {
		if (strcmp(learned->pairings[i].station, station) == 0) {
			remove_pairing(learned, i);
			n++;
		} else {
			i++;
		}
	}
	return n;
}

bool learned_move_pairings(struct mp_learned *learned, const char *from,
		const char *to) {
	for (size_t i = 0; i < learned->n_pairings; i++) {
		struct mp_learned_pairing *p = &learned->pairings[i];
		if (strcmp(p->station, from) == 0) {
			char *copy = strdup(to);
			if (copy == NULL) {
				return false;
			}
			free(p->station);
			p->station = copy;
		}
	}
	return true;
}

struct mp_learned_station *learned_station(struct mp_learned *learned,
		const char *key, bool create) {
	for (size_t i = 0; i < learned->n_stations; i++) {
		if (strcmp(learned->stations[i].key, key) == 0) {
			return &learned->stations[i];
		}
	}
	if (!create) {
		return NULL;
	}
	struct mp_learned_station *grown = realloc(learned->stations,
		(learned->n_stations + 1) * sizeof(*grown));
	if (grown == NULL) {
		return NULL;
	}
	learned->stations = grown;
	struct mp_learned_station *ls = &grown[learned->n_stations];
	*ls = (struct mp_learned_station){ .key = strdup(key) };
	if (ls->key == NULL) {
		return NULL;
	}
	learned->n_stations++;
	return ls;
}

void learned_remove_station(struct mp_learned *learned, const char *key) {
	for (size_t i = 0; i < learned->n_stations; i++) {
		if (strcmp(learned->stations[i].key, key) == 0) {
			station_finish(&learned->stations[i]);
			memmove(&learned->stations[i], &learned->stations[i + 1],
				(learned->n_stations - i - 1) * sizeof(*learned->stations));
			learned->n_stations--;
			return;
		}
	}
}

bool learned_station_set_outputs(struct mp_learned_station *ls,
		char *const *outputs, size_t n, enum mp_split split) {
	char **copy = util_strv_copy(outputs, n);
	if (copy == NULL) {
		return false;
	}
	util_strv_free(ls->outputs, ls->n_outputs);
	ls->outputs = copy;
	ls->n_outputs = n;
	ls->split = split;
	ls->has_outputs = true;
	return true;
}

/* ---- reading ---- */

struct parse {
	struct mp_learned *learned;
	struct mp_learned_station *station; // the current [station] section
	bool in_pairings;
	char *section; // the current section's name, NULL before one
	char *error;   // the first problem
};

static int fail(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parse *p, const char *fmt, ...) {
	if (p->error == NULL) {
		va_list args;
		va_start(args, fmt);
		if (vasprintf(&p->error, fmt, args) < 0) {
			p->error = NULL;
		}
		va_end(args);
	}
	return 0;
}

static bool parse_outputs(struct mp_learned_station *ls, const char *value) {
	char *copy = strdup(value);
	if (copy == NULL) {
		return false;
	}
	char **items = NULL;
	size_t n = 0;
	bool ok = true;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ", \t", &save); tok != NULL;
			tok = strtok_r(NULL, ", \t", &save)) {
		char **grown = realloc(items, (n + 1) * sizeof(*items));
		if (grown == NULL || (grown[n] = strdup(tok)) == NULL) {
			items = grown ? grown : items;
			ok = false;
			break;
		}
		items = grown;
		n++;
	}
	free(copy);
	if (ok) {
		ok = learned_station_set_outputs(ls, items, n, ls->split);
	}
	util_strv_free(items, n);
	return ok;
}

static bool start_section(struct parse *p, const char *section) {
	p->station = NULL;
	p->in_pairings = strcmp(section, PAIRINGS_SECTION) == 0;
	if (p->in_pairings) {
		return true;
	}
	size_t prefix = strlen(STATION_SECTION);
	if (strncmp(section, STATION_SECTION, prefix) != 0 ||
			!valid_name(section + prefix)) {
		return fail(p, "unknown section [%s]", section);
	}
	if (learned_station(p->learned, section + prefix, false) != NULL) {
		return fail(p, "[%s] twice", section);
	}
	p->station = learned_station(p->learned, section + prefix, true);
	return p->station != NULL || fail(p, "out of memory");
}

static int handle_entry(void *data, const char *section, const char *key,
		const char *value) {
	struct parse *p = data;
	// inih as packaged does not report sections: a key of a section
	// other than the last one's starts it.
	if (p->section == NULL || strcmp(p->section, section) != 0) {
		free(p->section);
		p->section = strdup(section);
		if (p->section == NULL) {
			return fail(p, "out of memory");
		}
		if (!start_section(p, section)) {
			return 0;
		}
	}
	if (!valid_value(value)) {
		return fail(p, "[%s] %s: not a value mpcomp writes", section, key);
	}
	if (p->in_pairings) {
		if (!valid_name(key)) {
			return fail(p, "[%s] %s: not a station name", section, key);
		}
		if (learned_pairing(p->learned, value) != NULL) {
			return fail(p, "hub group %s paired twice", value);
		}
		return learned_set_pairing(p->learned, value, key) ? 1 :
			fail(p, "out of memory");
	}
	struct mp_learned_station *ls = p->station;
	if (ls == NULL) {
		return fail(p, "%s outside a section", key);
	}
	if (strcmp(key, "name") == 0 && ls->name == NULL && valid_name(value)) {
		ls->name = strdup(value);
		return ls->name != NULL ? 1 : fail(p, "out of memory");
	}
	if (strcmp(key, "from") == 0 && ls->from == NULL && valid_name(value)) {
		ls->from = strdup(value);
		return ls->from != NULL ? 1 : fail(p, "out of memory");
	}
	if (strcmp(key, "removed") == 0 && strcmp(value, "yes") == 0) {
		ls->removed = true;
		return 1;
	}
	if (strcmp(key, "outputs") == 0 && !ls->has_outputs) {
		return parse_outputs(ls, value) ? 1 : fail(p, "out of memory");
	}
	if (strcmp(key, "split") == 0) {
		if (strcmp(value, "left") == 0) {
			ls->split = MP_SPLIT_LEFT;
		} else if (strcmp(value, "right") == 0) {
			ls->split = MP_SPLIT_RIGHT;
		} else if (strcmp(value, "none") == 0) {
			ls->split = MP_SPLIT_NONE;
		} else {
			return fail(p, "[%s] split = %s: not left, right or none",
				section, value);
		}
		return 1;
	}
	return fail(p, "[%s] %s = %s: not a key mpcomp writes (or twice)",
		section, key, value);
}

static struct mp_learned *create(const char *dir) {
	struct mp_learned *learned = calloc(1, sizeof(*learned));
	if (learned == NULL) {
		return NULL;
	}
	learned->dir = strdup(dir);
	learned->path = format("%s/" FILE_NAME, dir);
	if (learned->dir == NULL || learned->path == NULL) {
		learned_destroy(learned);
		return NULL;
	}
	return learned;
}

struct mp_learned *learned_parse(const char *dir, const char *text,
		char **error) {
	*error = NULL;
	struct mp_learned *learned = create(dir);
	if (learned == NULL) {
		return NULL;
	}
	struct parse p = { .learned = learned };
	config_ini_setup();
	int line = ini_parse_string(text, handle_entry, &p);
	free(p.section);
	if (line != 0 || p.error != NULL) {
		if (p.error != NULL) {
			*error = format("%s: %s", learned->path, p.error);
		} else if (line > 0) {
			*error = format("%s: line %d: not what mpcomp writes",
				learned->path, line);
		} else {
			*error = format("%s: cannot parse it", learned->path);
		}
		free(p.error);
		clear(learned);
	}
	return learned;
}

struct mp_learned *learned_load(const char *dir, char **error) {
	*error = NULL;
	struct mp_learned *learned = create(dir);
	if (learned == NULL) {
		return NULL;
	}
	char *text = NULL;
	int err;
	const char *why = config_read_file(learned->path, &text, &err);
	if (why != NULL) {
		if (err != ENOENT) {
			*error = format("%s: cannot read it: %s", learned->path, why);
		}
		return learned;
	}
	learned_destroy(learned);
	learned = learned_parse(dir, text, error);
	free(text);
	return learned;
}

/* ---- writing ---- */

static bool write_text(FILE *f, const struct mp_learned *learned) {
	fprintf(f, "# Learned by mpcomp: pairings of hub groups with stations "
		"and the\n# layout changes made with mpmgr (see mpcomp.ini(5)). "
		"mpcomp writes\n# this file whole; delete it, with mpcomp "
		"stopped, to forget them.\n");
	if (learned->n_pairings > 0) {
		fprintf(f, "\n[" PAIRINGS_SECTION "]\n");
		for (size_t i = 0; i < learned->n_pairings; i++) {
			fprintf(f, "%s = %s\n", learned->pairings[i].station,
				learned->pairings[i].group);
		}
	}
	for (size_t i = 0; i < learned->n_stations; i++) {
		const struct mp_learned_station *ls = &learned->stations[i];
		fprintf(f, "\n[" STATION_SECTION "%s]\n", ls->key);
		if (ls->name != NULL) {
			fprintf(f, "name = %s\n", ls->name);
		}
		if (ls->from != NULL) {
			fprintf(f, "from = %s\n", ls->from);
		}
		if (ls->removed) {
			fprintf(f, "removed = yes\n");
		}
		if (ls->has_outputs && ls->n_outputs > 0) {
			fprintf(f, "outputs = ");
			for (size_t o = 0; o < ls->n_outputs; o++) {
				fprintf(f, "%s%s", o > 0 ? ", " : "", ls->outputs[o]);
			}
			fprintf(f, "\nsplit = %s\n", ls->split == MP_SPLIT_LEFT ? "left" :
				ls->split == MP_SPLIT_RIGHT ? "right" : "none");
		}
	}
	return fflush(f) == 0 && !ferror(f);
}

bool learned_save(const struct mp_learned *learned, char **error) {
	*error = NULL;
	if (mkdir(learned->dir, 0755) < 0 && errno != EEXIST) {
		*error = format("cannot make %s: %s", learned->dir, strerror(errno));
		return false;
	}
	char *tmp = format("%s/.%s.XXXXXX", learned->dir, FILE_NAME);
	if (tmp == NULL) {
		*error = format("out of memory");
		return false;
	}
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		*error = format("cannot write in %s: %s", learned->dir,
			strerror(errno));
		free(tmp);
		return false;
	}
	FILE *f = fdopen(fd, "w");
	bool ok = f != NULL && fchmod(fd, 0644) == 0 && write_text(f, learned) &&
		fsync(fd) == 0;
	int saved = errno;
	if (f != NULL) {
		ok = fclose(f) == 0 && ok;
	} else {
		close(fd);
	}
	if (ok && rename(tmp, learned->path) < 0) {
		saved = errno;
		ok = false;
	}
	if (!ok) {
		*error = format("cannot write %s: %s", learned->path,
			strerror(saved));
		unlink(tmp);
		free(tmp);
		return false;
	}
	free(tmp);
	// The rename itself reaches the disk with the directory.
	int dfd = open(learned->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return true;
}
