#include <drm_fourcc.h>
#include <stdlib.h>
#include "buffer.h"

static const struct wlr_buffer_impl image_buffer_impl;

static struct mp_image_buffer *image_buffer_from_base(struct wlr_buffer *base) {
	struct mp_image_buffer *buffer = wl_container_of(base, buffer, base);
	return buffer;
}

static void image_buffer_destroy(struct wlr_buffer *base) {
	struct mp_image_buffer *buffer = image_buffer_from_base(base);
	pixman_image_unref(buffer->image);
	free(buffer);
}

static bool image_buffer_begin_data_ptr_access(struct wlr_buffer *base,
		uint32_t flags, void **data, uint32_t *format, size_t *stride) {
	struct mp_image_buffer *buffer = image_buffer_from_base(base);
	if (flags & WLR_BUFFER_DATA_PTR_ACCESS_WRITE) {
		return false;
	}
	*data = pixman_image_get_data(buffer->image);
	// An opaque image is said to be: its texture then covers what is
	// under it (nothing there is drawn) and is copied, not blended.
	*format = pixman_image_get_format(buffer->image) == PIXMAN_x8r8g8b8 ?
		DRM_FORMAT_XRGB8888 : DRM_FORMAT_ARGB8888;
	*stride = pixman_image_get_stride(buffer->image);
	return true;
}

static void image_buffer_end_data_ptr_access(struct wlr_buffer *base) {
	// nothing to do: the pixels stay where they are
}

static const struct wlr_buffer_impl image_buffer_impl = {
	.destroy = image_buffer_destroy,
	.begin_data_ptr_access = image_buffer_begin_data_ptr_access,
	.end_data_ptr_access = image_buffer_end_data_ptr_access,
};

struct mp_image_buffer *image_buffer_create(pixman_image_t *image) {
	struct mp_image_buffer *buffer = calloc(1, sizeof(*buffer));
	if (buffer == NULL) {
		return NULL;
	}
	wlr_buffer_init(&buffer->base, &image_buffer_impl,
		pixman_image_get_width(image), pixman_image_get_height(image));
	buffer->image = pixman_image_ref(image);
	return buffer;
}
