#ifndef MP_DEVICE_ID_H
#define MP_DEVICE_ID_H

#include <wlr/types/wlr_input_device.h>

/* udev identity of a real (libinput) device. Strings are owned by the
 * caller and NULL when unknown. */
struct mp_device_udev_id {
	char *id_path;
	char *id_seat;
};

void device_id_from_wlr(struct wlr_input_device *device,
	struct mp_device_udev_id *out);
void device_id_finish(struct mp_device_udev_id *id);

#endif
