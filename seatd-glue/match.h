#ifndef MP_MATCH_H
#define MP_MATCH_H

#include <stdbool.h>
#include "config.h"

/* What we know of an input device's identity. Any field may be NULL. */
struct mp_device_identity {
	const char *name;
	const char *id_path; // udev ID_PATH, e.g. pci-0000:00:14.0-usb-0:1.2:1.0
	const char *id_seat; // udev ID_SEAT
};

enum mp_match_rule {
	MP_MATCH_NONE = 0,
	MP_MATCH_CONFIG,   // a devices = prefix of a station
	MP_MATCH_ID_SEAT,  // udev ID_SEAT equal to a station name
	MP_MATCH_DEFAULT,  // no station lists devices: the first one gets all
};

/* Returns the index of the station (in config order) the device belongs to,
 * or -1 when it stays unassigned; *rule says which rule decided. */
int match_device(const struct mp_config *config,
	const struct mp_device_identity *id, enum mp_match_rule *rule);

/* Whether prefix matches path at a path component boundary: the rest of
 * path starts with nothing, ':', '.', or '-'. */
bool match_id_path_prefix(const char *prefix, const char *path);

const char *match_rule_name(enum mp_match_rule rule);

#endif
