#include <stdlib.h>
#include <string.h>
#include "output-id.h"

#define EDID_PREFIX "edid:"

static const char *or_empty(const char *s) {
	return s != NULL ? s : "";
}

/* Appends field to dst with '/' made '_'; returns the end. */
static char *put_field(char *dst, const char *field) {
	for (const char *p = field; *p != '\0'; p++) {
		*dst++ = *p == '/' ? '_' : *p;
	}
	return dst;
}

char *output_edid_name(const char *make, const char *model,
		const char *serial) {
	make = or_empty(make);
	model = or_empty(model);
	serial = or_empty(serial);
	size_t len = strlen(EDID_PREFIX) + strlen(make) + strlen(model) +
		strlen(serial) + 2;
	char *name = malloc(len + 1);
	if (name == NULL) {
		return NULL;
	}
	char *p = name;
	memcpy(p, EDID_PREFIX, strlen(EDID_PREFIX));
	p += strlen(EDID_PREFIX);
	p = put_field(p, make);
	*p++ = '/';
	p = put_field(p, model);
	*p++ = '/';
	p = put_field(p, serial);
	*p = '\0';
	return name;
}

/* Whether the len bytes of an entry's field equal the output's field,
 * escaped as by output_edid_name. */
static bool field_equals(const char *entry, size_t len, const char *field) {
	field = or_empty(field);
	if (strlen(field) != len) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		char c = field[i] == '/' ? '_' : field[i];
		if (entry[i] != c) {
			return false;
		}
	}
	return true;
}

bool output_matches(const char *entry, const char *connector,
		const char *make, const char *model, const char *serial) {
	if (entry == NULL || entry[0] == '\0') {
		return false;
	}
	if (strncmp(entry, EDID_PREFIX, strlen(EDID_PREFIX)) != 0) {
		return connector != NULL && strcmp(entry, connector) == 0;
	}
	const char *f_make = entry + strlen(EDID_PREFIX);
	const char *f_model = strchr(f_make, '/');
	if (f_model == NULL) {
		return false; // "edid:MAKE" alone names no monitor
	}
	f_model++;
	const char *f_serial = strchr(f_model, '/');
	size_t model_len = f_serial != NULL ?
		(size_t)(f_serial - f_model) : strlen(f_model);
	if (f_serial != NULL) {
		f_serial++;
		if (strchr(f_serial, '/') != NULL) {
			return false; // a fourth field: not an EDID name
		}
	}
	return field_equals(f_make, (size_t)(f_model - 1 - f_make), make) &&
		field_equals(f_model, model_len, model) &&
		(f_serial == NULL ||
			field_equals(f_serial, strlen(f_serial), serial));
}

const char *output_entry_problem(const char *entry) {
	if (strncmp(entry, EDID_PREFIX, strlen(EDID_PREFIX)) != 0) {
		return NULL; // any connector name
	}
	size_t slashes = 0;
	for (const char *p = entry; *p != '\0'; p++) {
		slashes += *p == '/';
	}
	return slashes == 1 || slashes == 2 ? NULL :
		"an EDID name is edid:MAKE/MODEL or edid:MAKE/MODEL/SERIAL";
}
