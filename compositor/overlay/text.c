#include <fcft/fcft.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/log.h>
#include "buffer.h"
#include "overlay/text.h"
#include "util.h"

#define MAX_SIZES 8

struct mp_text {
	char *font_name;
	struct {
		int pixel_size;
		struct fcft_font *font;
	} fonts[MAX_SIZES];
	size_t n_fonts;
};

struct mp_text *text_create(const char *font_name) {
	struct mp_text *text = calloc(1, sizeof(*text));
	if (text == NULL) {
		return NULL;
	}
	if (!fcft_init(FCFT_LOG_COLORIZE_NEVER, false, FCFT_LOG_CLASS_ERROR)) {
		free(text);
		return NULL;
	}
	text->font_name = strdup(font_name);
	if (text->font_name == NULL) {
		fcft_fini();
		free(text);
		return NULL;
	}
	return text;
}

void text_destroy(struct mp_text *text) {
	if (text == NULL) {
		return;
	}
	for (size_t i = 0; i < text->n_fonts; i++) {
		fcft_destroy(text->fonts[i].font);
	}
	free(text->font_name);
	free(text);
	fcft_fini();
}

static struct fcft_font *get_font(struct mp_text *text, int pixel_size) {
	for (size_t i = 0; i < text->n_fonts; i++) {
		if (text->fonts[i].pixel_size == pixel_size) {
			return text->fonts[i].font;
		}
	}
	char attrs[64];
	snprintf(attrs, sizeof(attrs), "pixelsize=%d", pixel_size);
	const char *names[] = { text->font_name };
	struct fcft_font *font = fcft_from_name(1, names, attrs);
	if (font == NULL) {
		wlr_log(WLR_ERROR, "cannot load font '%s'", text->font_name);
		return NULL;
	}
	if (text->n_fonts == MAX_SIZES) {
		// Keep the cache bounded: drop the oldest size.
		fcft_destroy(text->fonts[0].font);
		memmove(&text->fonts[0], &text->fonts[1],
			(MAX_SIZES - 1) * sizeof(text->fonts[0]));
		text->n_fonts--;
	}
	text->fonts[text->n_fonts].pixel_size = pixel_size;
	text->fonts[text->n_fonts].font = font;
	text->n_fonts++;
	return font;
}

/* Lays out utf8 glyph by glyph; draws onto image (with fill) when it is
 * not NULL. Returns the width. */
static int layout(struct fcft_font *font, const char *utf8,
		pixman_image_t *image, pixman_image_t *fill) {
	int x = 0;
	uint32_t prev = 0;
	for (const char *s = utf8; *s;) {
		uint32_t cp;
		util_utf8_next(&s, &cp);
		const struct fcft_glyph *glyph =
			fcft_rasterize_char_utf32(font, cp, FCFT_SUBPIXEL_NONE);
		if (glyph == NULL) {
			continue;
		}
		long kern = 0;
		if (prev != 0) {
			fcft_kerning(font, prev, cp, &kern, NULL);
		}
		x += (int)kern;
		if (image != NULL) {
			// Colour glyphs (emoji) are drawn as they are.
			bool color = pixman_image_get_format(glyph->pix) ==
				PIXMAN_a8r8g8b8;
			pixman_image_composite32(PIXMAN_OP_OVER,
				color ? glyph->pix : fill, color ? NULL : glyph->pix,
				image, 0, 0, 0, 0, x + glyph->x, font->ascent - glyph->y,
				glyph->width, glyph->height);
		}
		x += glyph->advance.x;
		prev = cp;
	}
	return x;
}

pixman_color_t text_color(uint32_t argb) {
	uint32_t a = argb >> 24 & 0xff;
	return (pixman_color_t){
		.alpha = (uint16_t)(a * 0x101),
		.red = (uint16_t)((argb >> 16 & 0xff) * a * 0x101 / 0xff),
		.green = (uint16_t)((argb >> 8 & 0xff) * a * 0x101 / 0xff),
		.blue = (uint16_t)((argb & 0xff) * a * 0x101 / 0xff),
	};
}

pixman_image_t *text_render(struct mp_text *text, const char *utf8,
		int pixel_size, uint32_t argb) {
	if (pixel_size < 1) {
		return NULL; // too small to be seen (a tiny station)
	}
	struct fcft_font *font = get_font(text, pixel_size);
	if (font == NULL) {
		return NULL;
	}

	int width = layout(font, utf8, NULL, NULL);
	int height = font->ascent + font->descent;
	if (width <= 0 || height <= 0) {
		return NULL;
	}

	pixman_image_t *image = pixman_image_create_bits(PIXMAN_a8r8g8b8,
		width, height, NULL, width * 4);
	if (image == NULL) {
		return NULL;
	}
	pixman_color_t color = text_color(argb);
	pixman_image_t *fill = pixman_image_create_solid_fill(&color);

	layout(font, utf8, image, fill);
	pixman_image_unref(fill);
	return image;
}

struct wlr_scene_node *text_node_create(struct mp_text *text,
		struct wlr_scene_node *parent, const char *utf8, int pixel_size,
		uint32_t argb) {
	if (text == NULL) {
		return NULL;
	}
	pixman_image_t *image = text_render(text, utf8, pixel_size, argb);
	if (image == NULL) {
		return NULL;
	}
	struct mp_image_buffer *buffer = image_buffer_create(image);
	pixman_image_unref(image);
	if (buffer == NULL) {
		return NULL;
	}
	struct wlr_scene_buffer *node =
		wlr_scene_buffer_create(parent, &buffer->base);
	wlr_buffer_drop(&buffer->base); // the scene node holds its own lock
	return node ? &node->node : NULL;
}
