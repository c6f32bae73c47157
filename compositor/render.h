#ifndef MP_RENDER_H
#define MP_RENDER_H
#include <pixman.h>
#include <wlr/render/wlr_renderer.h>
#include <wlr/types/wlr_output.h>
#include <wlr/types/wlr_scene.h>

/* Draws a scene (a station's part) on the output being rendered, within
 * damage (output-local; the output is at lx, ly in the layout): what no
 * opaque node covers gets the background, each node only what is seen of
 * it, from the bottom up. On the pixman renderer a buffer shown 1:1 is
 * composited directly (an opaque part copied, the rest blended), which
 * wlroots 0.15's scene renderer does with a transform: pixman's slow
 * path for any window not at the output's origin. The renderer must have
 * begun. */
void render_scene(struct wlr_renderer *renderer, struct wlr_output *output,
	struct wlr_scene *scene, int lx, int ly, pixman_region32_t *damage,
	const float background[static 4]);

/* Fills region (output-local) with a colour. */
void render_clear(struct wlr_renderer *renderer, pixman_region32_t *region,
	const float color[static 4]);

#endif
