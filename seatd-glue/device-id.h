#ifndef MP_DEVICE_ID_H
#define MP_DEVICE_ID_H

/*
 * The libudev adapter of identity.h: the identity of a wlroots input
 * device. All the rules are in identity.c; this only reads properties.
 */

#include <stdbool.h>
#include <wlr/types/wlr_input_device.h>
#include "identity.h"

/* Fills out (identity_finish it afterwards, whatever the result). A
 * libinput device gets its identity from its udev properties (NAME from
 * its parent input device when the event node has none; else
 * device->name); any other device (headless, virtual) only a name
 * (device->name) and a kind. When udev tells no kind, the wlroots device
 * type gives it. Malformed properties are left out and described in
 * *warning (malloc'd, NULL if none; warning may be NULL). Returns false
 * only when memory runs out. */
bool device_identity_from_wlr(struct wlr_input_device *device,
	struct mp_identity *out, char **warning);

#endif
