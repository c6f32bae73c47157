#include <wlr/types/wlr_scene.h>
#include "buffer.h"
#include "overlay/overlay.h"
#include "overlay/text.h"
#include "server.h"

bool overlay_init(struct mp_overlay *overlay,
		const struct mp_overlay_impl *impl, struct mp_server *server,
		const struct mp_place *place, struct wlr_scene_tree *parent,
		void (*report)(void *data, const struct mp_intent *intent),
		void *data) {
	overlay->impl = impl;
	overlay->server = server;
	overlay->place = place;
	overlay->report = report;
	overlay->report_data = data;
	wl_list_init(&overlay->link);
	overlay->tree = wlr_scene_tree_create(&parent->node);
	return overlay->tree != NULL;
}

void overlay_report(struct mp_overlay *overlay,
		const struct mp_intent *intent) {
	overlay->report(overlay->report_data, intent);
}

void overlay_destroy(struct mp_overlay *overlay) {
	if (overlay == NULL) {
		return;
	}
	wl_list_remove(&overlay->link);
	if (overlay->tree != NULL) {
		wlr_scene_node_destroy(&overlay->tree->node);
	}
	overlay->impl->destroy(overlay);
}

uint32_t overlay_background(const struct mp_server *server) {
	const float *bg = server->config->background;
	uint32_t argb = 0xff000000;
	for (int i = 0; i < 3; i++) {
		float c = bg[i] < 0.0f ? 0.0f : bg[i] > 1.0f ? 1.0f : bg[i];
		argb |= (uint32_t)(c * 255) << (16 - 8 * i);
	}
	return argb;
}

void overlay_fill(pixman_image_t *image, uint32_t argb, int x, int y, int w,
		int h) {
	// pixman's fill does not clip: it would write outside the image.
	int W = pixman_image_get_width(image), H = pixman_image_get_height(image);
	pixman_box32_t box = {
		.x1 = x < 0 ? 0 : x,
		.y1 = y < 0 ? 0 : y,
		.x2 = x + w > W ? W : x + w,
		.y2 = y + h > H ? H : y + h,
	};
	if (box.x1 >= box.x2 || box.y1 >= box.y2) {
		return;
	}
	pixman_color_t color = text_color(argb);
	pixman_image_fill_boxes(PIXMAN_OP_OVER, image, &color, 1, &box);
}

int overlay_draw_text(struct mp_text *text, pixman_image_t *image,
		const char *utf8, int size, uint32_t argb, int x, int y, int align,
		int max_width) {
	if (text == NULL || utf8 == NULL || utf8[0] == '\0') {
		return 0;
	}
	pixman_image_t *t = text_render(text, utf8, size, argb);
	if (t == NULL) {
		return 0;
	}
	int w = pixman_image_get_width(t), h = pixman_image_get_height(t);
	int src_x = 0;
	if (max_width > 0 && w > max_width) {
		src_x = w - max_width;
		w = max_width;
	}
	if (align == 1) {
		x -= w / 2;
	} else if (align == 2) {
		x -= w;
	}
	pixman_image_composite32(PIXMAN_OP_OVER, t, NULL, image, src_x, 0, 0, 0,
		x, y, w, h);
	pixman_image_unref(t);
	return w;
}

void overlay_show(struct mp_overlay *overlay, struct wlr_scene_node **node,
		pixman_image_t *image, struct wlr_box box, uint32_t fallback) {
	if (*node != NULL) {
		wlr_scene_node_destroy(*node);
		*node = NULL;
	}
	struct mp_image_buffer *buffer = NULL;
	if (image != NULL) {
		buffer = image_buffer_create(image);
		pixman_image_unref(image);
	}
	if (box.width <= 0 || box.height <= 0) {
		if (buffer != NULL) {
			wlr_buffer_drop(&buffer->base);
		}
		return;
	}
	if (buffer != NULL) {
		struct wlr_scene_buffer *scene_buffer = wlr_scene_buffer_create(
			&overlay->tree->node, &buffer->base);
		wlr_buffer_drop(&buffer->base); // the node holds its own lock
		if (scene_buffer != NULL) {
			*node = &scene_buffer->node;
		}
	}
	if (*node == NULL) {
		// The scene's colours are premultiplied.
		float a = (float)(fallback >> 24 & 0xff) / 255.0f;
		float color[4] = {
			(float)(fallback >> 16 & 0xff) / 255.0f * a,
			(float)(fallback >> 8 & 0xff) / 255.0f * a,
			(float)(fallback & 0xff) / 255.0f * a,
			a,
		};
		struct wlr_scene_rect *rect = wlr_scene_rect_create(
			&overlay->tree->node, box.width, box.height, color);
		if (rect == NULL) {
			return;
		}
		*node = &rect->node;
	}
	wlr_scene_node_set_position(*node, box.x, box.y);
}
