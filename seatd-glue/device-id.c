#include <libinput.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/backend/libinput.h>
#include "device-id.h"

static enum mp_device_kind kind_of_type(enum wlr_input_device_type type) {
	switch (type) {
	case WLR_INPUT_DEVICE_KEYBOARD:
		return MP_DEVICE_KEYBOARD;
	case WLR_INPUT_DEVICE_POINTER:
		return MP_DEVICE_POINTER;
	case WLR_INPUT_DEVICE_TOUCH:
		return MP_DEVICE_TOUCH;
	case WLR_INPUT_DEVICE_TABLET_TOOL:
	case WLR_INPUT_DEVICE_TABLET_PAD:
		return MP_DEVICE_TABLET;
	case WLR_INPUT_DEVICE_SWITCH:
		break;
	}
	return MP_DEVICE_UNKNOWN;
}

/* libinput opens the event node (input/eventN); NAME is a property of
 * its parent, the input device (input/inputN). */
static const char *udev_get(void *data, const char *key) {
	struct udev_device *udev = data;
	const char *value = udev_device_get_property_value(udev, key);
	if (value == NULL && strcmp(key, "NAME") == 0) {
		struct udev_device *parent =
			udev_device_get_parent_with_subsystem_devtype(udev, "input",
				NULL);
		if (parent != NULL) { // owned by udev, not unreferenced here
			value = udev_device_get_property_value(parent, key);
		}
	}
	return value;
}

bool device_identity_from_wlr(struct wlr_input_device *device,
		struct mp_identity *out, char **warning) {
	memset(out, 0, sizeof(*out));
	if (warning != NULL) {
		*warning = NULL;
	}
	if (wlr_input_device_is_libinput(device)) {
		struct libinput_device *li = wlr_libinput_get_device_handle(device);
		struct udev_device *udev = libinput_device_get_udev_device(li);
		if (udev != NULL) {
			bool ok = identity_build(out, udev_get, udev, warning);
			udev_device_unref(udev);
			if (!ok) {
				return false;
			}
		}
	}
	if (out->name == NULL && device->name != NULL) {
		out->name = strdup(device->name);
		if (out->name == NULL) {
			identity_finish(out);
			if (warning != NULL) {
				free(*warning);
				*warning = NULL;
			}
			return false;
		}
	}
	if (out->kind == MP_DEVICE_UNKNOWN) {
		out->kind = kind_of_type(device->type);
	}
	return true;
}
