#ifndef MP_MATCH_H
#define MP_MATCH_H

/*
 * Which station an input device belongs to. Pure code (libc and
 * identity.c only): the rules are unit-tested without hardware.
 */

#include <stdbool.h>
#include <stddef.h>
#include "identity.h"

/* A station as matching sees it: its name and its `devices =` entries. */
struct mp_match_station {
	const char *name;
	const char *const *devices;
	size_t n_devices;
};

/* A learned pairing (stations.ini): a hub group and its station's name. */
struct mp_match_pairing {
	const char *group;
	const char *station;
};

enum mp_match_rule {
	MP_MATCH_NONE = 0,
	MP_MATCH_CONFIG,  // a `devices =` entry of the station claims it
	MP_MATCH_PAIRING, // a learned pairing of its group
	MP_MATCH_ID_SEAT, // udev ID_SEAT "seat-NAME" of a station NAME
	MP_MATCH_DEFAULT, // the only station, and no station lists devices
};

/* Returns the index (into stations) of the station the device belongs to,
 * or -1 when it stays unassigned; *rule (may be NULL) says which rule
 * decided. The rules, the first that decides wins:
 * 1. config: the `devices =` entries that claim it (identity_claimed_by);
 *    the most specific wins, on a tie the first station's;
 * 2. pairing: the first pairing whose group is the device's group and
 *    whose station is in stations (one naming another station is
 *    skipped);
 * 3. ID_SEAT: "seat-NAME" where NAME is a station's name (any other value,
 *    seat0 included, is ignored);
 * 4. default: exactly one station, and no station has a devices entry. */
int match_identity(const struct mp_match_station *stations, size_t n_stations,
	const struct mp_match_pairing *pairings, size_t n_pairings,
	const struct mp_identity *id, enum mp_match_rule *rule);

/* "config", "pairing", "ID_SEAT", "default" or "none". */
const char *match_rule_name(enum mp_match_rule rule);

#endif
