#ifndef MP_BUFFER_H
#define MP_BUFFER_H

#include <pixman.h>
#include <wlr/types/wlr_buffer.h>

/* A wlr_buffer over a pixman ARGB image, for compositor-drawn pixels. */
struct mp_image_buffer {
	struct wlr_buffer base;
	pixman_image_t *image;
};

/* Takes a reference to image. Drop with wlr_buffer_drop. */
struct mp_image_buffer *image_buffer_create(pixman_image_t *image);

#endif
