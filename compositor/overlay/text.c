#include <fcft/fcft.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/log.h>
#include "buffer.h"
#include "overlay/text.h"

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

/* Decodes one UTF-8 sequence; invalid bytes become U+FFFD. */
static uint32_t next_codepoint(const char **s) {
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t cp;
	int len;
	if (p[0] < 0x80) {
		cp = p[0];
		len = 1;
	} else if ((p[0] & 0xe0) == 0xc0) {
		cp = p[0] & 0x1f;
		len = 2;
	} else if ((p[0] & 0xf0) == 0xe0) {
		cp = p[0] & 0x0f;
		len = 3;
	} else if ((p[0] & 0xf8) == 0xf0) {
		cp = p[0] & 0x07;
		len = 4;
	} else {
		*s += 1;
		return 0xfffd;
	}
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s += i;
			return 0xfffd;
		}
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*s += len;
	return cp;
}

pixman_image_t *text_render(struct mp_text *text, const char *utf8,
		int pixel_size, uint32_t argb) {
	struct fcft_font *font = get_font(text, pixel_size);
	if (font == NULL) {
		return NULL;
	}

	// First pass: measure.
	int width = 0;
	uint32_t prev = 0;
	for (const char *s = utf8; *s;) {
		uint32_t cp = next_codepoint(&s);
		const struct fcft_glyph *glyph =
			fcft_rasterize_char_utf32(font, cp, FCFT_SUBPIXEL_NONE);
		if (glyph == NULL) {
			continue;
		}
		long kern = 0;
		if (prev != 0) {
			fcft_kerning(font, prev, cp, &kern, NULL);
		}
		width += glyph->advance.x + (int)kern;
		prev = cp;
	}
	int height = font->ascent + font->descent;
	if (width <= 0 || height <= 0) {
		return NULL;
	}

	pixman_image_t *image = pixman_image_create_bits(PIXMAN_a8r8g8b8,
		width, height, NULL, width * 4);
	if (image == NULL) {
		return NULL;
	}
	// pixman wants 16-bit premultiplied channels
	uint32_t a = argb >> 24 & 0xff;
	pixman_color_t color = {
		.alpha = (uint16_t)(a * 0x101),
		.red = (uint16_t)((argb >> 16 & 0xff) * a * 0x101 / 0xff),
		.green = (uint16_t)((argb >> 8 & 0xff) * a * 0x101 / 0xff),
		.blue = (uint16_t)((argb & 0xff) * a * 0x101 / 0xff),
	};
	pixman_image_t *fill = pixman_image_create_solid_fill(&color);

	int x = 0;
	prev = 0;
	for (const char *s = utf8; *s;) {
		uint32_t cp = next_codepoint(&s);
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
		if (pixman_image_get_format(glyph->pix) == PIXMAN_a8r8g8b8) {
			// colour glyph (emoji): draw as is
			pixman_image_composite32(PIXMAN_OP_OVER, glyph->pix, NULL,
				image, 0, 0, 0, 0, x + glyph->x, font->ascent - glyph->y,
				glyph->width, glyph->height);
		} else {
			pixman_image_composite32(PIXMAN_OP_OVER, fill, glyph->pix,
				image, 0, 0, 0, 0, x + glyph->x, font->ascent - glyph->y,
				glyph->width, glyph->height);
		}
		x += glyph->advance.x;
		prev = cp;
	}
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
