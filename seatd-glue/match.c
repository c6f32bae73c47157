#include <stdlib.h>
#include <string.h>
#include "match.h"

static bool station_known(const struct mp_match_station *stations,
		size_t n_stations, const char *name, int *index) {
	if (name == NULL) {
		return false;
	}
	for (size_t i = 0; i < n_stations; i++) {
		if (stations[i].name != NULL && strcmp(stations[i].name, name) == 0) {
			*index = (int)i;
			return true;
		}
	}
	return false;
}

int match_identity(const struct mp_match_station *stations, size_t n_stations,
		const struct mp_match_pairing *pairings, size_t n_pairings,
		const struct mp_identity *id, enum mp_match_rule *rule) {
	enum mp_match_rule unused;
	if (rule == NULL) {
		rule = &unused;
	}
	*rule = MP_MATCH_NONE;

	// 1. Explicit configuration; the most specific entry wins.
	int best = -1;
	size_t best_len = 0;
	bool any_devices = false;
	for (size_t i = 0; i < n_stations; i++) {
		for (size_t d = 0; d < stations[i].n_devices; d++) {
			any_devices = true;
			size_t len = identity_claimed_by(id, stations[i].devices[d]);
			if (len > best_len) {
				best = (int)i;
				best_len = len;
			}
		}
	}
	if (best >= 0) {
		*rule = MP_MATCH_CONFIG;
		return best;
	}

	// 2. A pairing learned for its hub group.
	if (id->group != NULL) {
		for (size_t p = 0; p < n_pairings; p++) {
			int index;
			if (pairings[p].group != NULL &&
					strcmp(pairings[p].group, id->group) == 0 &&
					station_known(stations, n_stations, pairings[p].station,
						&index)) {
				*rule = MP_MATCH_PAIRING;
				return index;
			}
		}
	}

	// 3. udev ID_SEAT "seat-NAME"; seat0 and other seats are not ours.
	const char *prefix = "seat-";
	if (id->id_seat != NULL &&
			strncmp(id->id_seat, prefix, strlen(prefix)) == 0) {
		int index;
		if (station_known(stations, n_stations, id->id_seat + strlen(prefix),
				&index)) {
			*rule = MP_MATCH_ID_SEAT;
			return index;
		}
	}

	// 4. One station and nobody says where devices go: it takes them all.
	if (n_stations == 1 && !any_devices) {
		*rule = MP_MATCH_DEFAULT;
		return 0;
	}
	return -1;
}

const char *match_rule_name(enum mp_match_rule rule) {
	switch (rule) {
	case MP_MATCH_CONFIG:
		return "config";
	case MP_MATCH_PAIRING:
		return "pairing";
	case MP_MATCH_ID_SEAT:
		return "ID_SEAT";
	case MP_MATCH_DEFAULT:
		return "default";
	case MP_MATCH_NONE:
		break;
	}
	return "none";
}
