#include <string.h>
#include "match.h"

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

int match_device(const struct mp_config *config,
		const struct mp_device_identity *id, enum mp_match_rule *rule) {
	*rule = MP_MATCH_NONE;
	if (config->n_stations == 0) {
		return -1;
	}

	// 1. Explicit configuration; the longest (most specific) prefix wins.
	int best = -1;
	size_t best_len = 0;
	bool any_devices = false;
	for (size_t i = 0; i < config->n_stations; i++) {
		const struct mp_station_config *sc = &config->stations[i];
		for (size_t d = 0; d < sc->n_devices; d++) {
			any_devices = true;
			size_t len = strlen(sc->devices[d]);
			if (len > best_len &&
					match_id_path_prefix(sc->devices[d], id->id_path)) {
				best = (int)i;
				best_len = len;
			}
		}
	}
	if (best >= 0) {
		*rule = MP_MATCH_CONFIG;
		return best;
	}

	// 2. (learned pairings from stations.ini come here)

	// 3. udev ID_SEAT naming a station.
	if (id->id_seat != NULL) {
		for (size_t i = 0; i < config->n_stations; i++) {
			if (strcmp(config->stations[i].name, id->id_seat) == 0) {
				*rule = MP_MATCH_ID_SEAT;
				return (int)i;
			}
		}
	}

	// 4. Nobody says where devices go: the first station takes them all.
	if (!any_devices) {
		*rule = MP_MATCH_DEFAULT;
		return 0;
	}
	return -1;
}

const char *match_rule_name(enum mp_match_rule rule) {
	switch (rule) {
	case MP_MATCH_CONFIG:
		return "config";
	case MP_MATCH_ID_SEAT:
		return "ID_SEAT";
	case MP_MATCH_DEFAULT:
		return "default";
	case MP_MATCH_NONE:
		break;
	}
	return "none";
}
