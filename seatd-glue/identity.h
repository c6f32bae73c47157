#ifndef MP_IDENTITY_H
#define MP_IDENTITY_H

/*
 * The identity of an input device, built from its udev properties alone.
 * Pure code: no libudev, no wlroots, so that it is unit-tested with
 * recorded properties (tests/data/udev/) instead of hardware.
 *
 * Where a device sits on the USB tree comes from its DEVPATH: the path
 * components of the form N-P(.P)* after the root hub usbN are USB devices,
 * the last one the device itself, the earlier ones the hubs it hangs from.
 * Its "group" is the key under which stations learn devices (pairing): the
 * nearest hub, so that a keyboard and a mouse plugged into one hub (or a
 * monitor's built-in hub) go to the same station, and a device plugged
 * into that hub later follows them.
 */

#include <stdbool.h>
#include <stddef.h>

enum mp_device_kind {
	MP_DEVICE_UNKNOWN = 0,
	MP_DEVICE_KEYBOARD,
	MP_DEVICE_POINTER,
	MP_DEVICE_TOUCH,
	MP_DEVICE_TABLET,
};

/* The most hubs kept, nearest first; USB allows at most five hubs in a
 * chain (seven tiers), so a real device never loses one. */
#define MP_IDENTITY_MAX_HUBS 8
/* The longest property value taken; longer ones are left out. */
#define MP_IDENTITY_MAX_VALUE 1024
/* Limits of identity_parse: the longest line, the most properties. */
#define MP_IDENTITY_MAX_LINE 4096
#define MP_IDENTITY_MAX_PROPERTIES 256

/* Every string is owned by the identity and NULL when unknown. */
struct mp_identity {
	char *name;    // NAME (udev quotes stripped), else ID_MODEL
	char *id_path; // ID_PATH, e.g. pci-0000:00:14.0-usb-0:1.2:1.0
	char *id_seat; // ID_SEAT, e.g. seat-front
	char *vendor;  // ID_VENDOR_ID, e.g. 046d
	char *product; // ID_MODEL_ID, e.g. c31c
	// From ID_INPUT_KEYBOARD, then ID_INPUT_TABLET, ID_INPUT_TOUCHSCREEN,
	// ID_INPUT_MOUSE/_TOUCHPAD/_POINTINGSTICK/_TRACKBALL (the first set
	// to 1 wins).
	enum mp_device_kind kind;
	char *syspath; // "/sys" + DEVPATH
	// "/sys" + the DEVPATH prefix that is the device's own USB device,
	// e.g. /sys/devices/pci0000:00/0000:00:04.0/usb1/1-1/1-1.1; NULL when
	// it is not on USB.
	char *usb_device;
	// sysfs paths (/sys/devices/...) of the USB hubs it hangs from,
	// nearest first; root hubs (usbN) are not listed.
	char *hubs[MP_IDENTITY_MAX_HUBS];
	size_t n_hubs;
	// Hub group key: hubs[0]; else usb_device; else, with no DEVPATH but
	// an ID_PATH whose USB part has a hub (usb-0:1.2:1.0: port 2 of the
	// hub at port 1), "path:" + ID_PATH up to that hub's port (e.g.
	// "path:pci-0000:00:04.0-usb-0:1"); else "path:" + ID_PATH; else NULL.
	char *group;
};

/* Returns the udev property key of data, or NULL when it has none. */
typedef const char *(*mp_identity_get)(void *data, const char *key);

/* Fills out from the properties that get gives (DEVPATH, NAME, ID_MODEL,
 * ID_PATH, ID_SEAT, ID_VENDOR_ID, ID_MODEL_ID, ID_INPUT_*). Malformed
 * values (control characters, over MP_IDENTITY_MAX_VALUE bytes, a DEVPATH
 * not starting with /devices/ or containing "..", "//" or a trailing '/',
 * a NAME with bad quoting) are left out (the field NULL) and described in
 * *warning (malloc'd; NULL when all is well; warning may be NULL). Returns
 * false only when memory runs out (out is then empty, as after
 * identity_finish). Call identity_finish on out afterwards either way. */
bool identity_build(struct mp_identity *out, mp_identity_get get, void *data,
	char **warning);

/* Parses recorded udev properties, then identity_build: lines "KEY=VALUE"
 * (udevadm info --query=property) or "E: KEY=VALUE" (udevadm info,
 * udevadm info --export-db; "P: /devices/..." gives DEVPATH when no E:
 * line does, other "X: " lines are ignored). Only the first record of an
 * --export-db dump is read (records end at an empty line). Lines ending in
 * CRLF are fine.
 * Returns false, with *error (malloc'd) saying why, for text that is not
 * such a file at all: no property line (a P: line is none), a line over
 * MP_IDENTITY_MAX_LINE bytes, a NUL byte (identity_parse_buffer only),
 * more than MP_IDENTITY_MAX_PROPERTIES properties, or no memory.
 * Returns true otherwise, with *error NULL or describing what was left out
 * (lines that are no property, malformed values): a warning, not a
 * failure. */
bool identity_parse(struct mp_identity *out, const char *text, char **error);
/* The same for size bytes that may hold NUL bytes (a file's contents). */
bool identity_parse_buffer(struct mp_identity *out, const char *data,
	size_t size, char **error);

/* Frees every field and leaves id empty (safe to call twice). */
void identity_finish(struct mp_identity *id);

/* "keyboard", "pointer", "touch", "tablet" or "unknown". */
const char *identity_kind_name(enum mp_device_kind kind);

/* Whether prefix matches an ID_PATH at a path component boundary: path
 * starts with prefix and the rest of it is empty or starts with ':', '.'
 * or '-'. So "...-usb-0:1" matches usb-0:1:1.0 and usb-0:1.4:1.0 (port 4
 * of the hub at port 1), never usb-0:10:1.0. */
bool match_id_path_prefix(const char *prefix, const char *path);

/* Whether a station's `devices =` entry claims this device. Returns the
 * entry's specificity (its length, for a sysfs path the length of its
 * /sys/... form) or 0 when it does not claim it. An entry is one of:
 * - "path:...": equal to the device's group;
 * - a sysfs path, "/sys/devices/..." or "/devices/..." (a trailing '/' is
 *   ignored): equal to one of its hubs or its usb_device, or a prefix of
 *   its syspath at a '/' boundary;
 * - anything else: an ID_PATH prefix (match_id_path_prefix). */
size_t identity_claimed_by(const struct mp_identity *id, const char *entry);

/* Why a `devices =` entry can never claim a device (a "path:" with no
 * path; a sysfs path not under /sys/devices or /devices, or with ".." or
 * "//"), or NULL when it can. */
const char *identity_entry_problem(const char *entry);

#endif
