#ifndef MP_TEXT_H
#define MP_TEXT_H

#include <pixman.h>
#include <stdint.h>

struct wlr_scene_node;

/* Compositor-drawn text through fcft. One per server. */
struct mp_text;

/* 0xAARRGGBB as pixman's premultiplied 16-bit colour. */
pixman_color_t text_color(uint32_t argb);

struct mp_text *text_create(const char *font_name);
void text_destroy(struct mp_text *text);

/* Renders UTF-8 text at a pixel size into a new ARGB image just big enough
 * for it, in the given colour (0xAARRGGBB). NULL on failure. */
pixman_image_t *text_render(struct mp_text *text, const char *utf8,
	int pixel_size, uint32_t argb);

/* A scene node showing text, or NULL. */
struct wlr_scene_node *text_node_create(struct mp_text *text,
	struct wlr_scene_node *parent, const char *utf8, int pixel_size,
	uint32_t argb);

#endif
