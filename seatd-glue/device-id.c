#include <libinput.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/backend/libinput.h>
#include "device-id.h"

static char *dup_prop(struct udev_device *udev, const char *key) {
	const char *value = udev_device_get_property_value(udev, key);
	return value ? strdup(value) : NULL;
}

void device_id_from_wlr(struct wlr_input_device *device,
		struct mp_device_udev_id *out) {
	out->id_path = NULL;
	out->id_seat = NULL;
	if (!wlr_input_device_is_libinput(device)) {
		return;
	}
	struct libinput_device *li = wlr_libinput_get_device_handle(device);
	struct udev_device *udev = libinput_device_get_udev_device(li);
	if (udev == NULL) {
		return;
	}
	out->id_path = dup_prop(udev, "ID_PATH");
	out->id_seat = dup_prop(udev, "ID_SEAT");
	udev_device_unref(udev);
}

void device_id_finish(struct mp_device_udev_id *id) {
	free(id->id_path);
	free(id->id_seat);
	id->id_path = NULL;
	id->id_seat = NULL;
}
