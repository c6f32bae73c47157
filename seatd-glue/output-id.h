#ifndef MP_OUTPUT_ID_H
#define MP_OUTPUT_ID_H

/*
 * Names of outputs in `outputs =` entries. Pure code (libc only).
 *
 * A connector name (DP-1) changes when a cable moves to another port; the
 * EDID name "edid:MAKE/MODEL/SERIAL" follows the monitor itself.
 */

#include <stdbool.h>

/* "edid:MAKE/MODEL/SERIAL" of an output, malloc'd (NULL: no memory). A
 * NULL field is taken as ""; a '/' inside a field becomes '_', so that the
 * name splits back into its three fields. */
char *output_edid_name(const char *make, const char *model,
	const char *serial);

/* Whether an `outputs =` entry names this output: its connector name
 * exactly ("DP-1"), or "edid:MAKE/MODEL/SERIAL" equal field by field to
 * the output's (case-sensitive, the output's fields escaped as by
 * output_edid_name); "edid:MAKE/MODEL" (no serial) matches any serial.
 * Any argument but entry may be NULL (taken as ""; a NULL connector
 * matches no connector name). */
bool output_matches(const char *entry, const char *connector,
	const char *make, const char *model, const char *serial);

/* Why an `outputs =` entry can never name an output ("edid:" with fewer
 * than two or more than three fields), or NULL when it can. */
const char *output_entry_problem(const char *entry);

#endif
