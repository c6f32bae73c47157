#include <stdlib.h>
#include <wlr/render/pixman.h>
#include <wlr/render/wlr_texture.h>
#include <wlr/types/wlr_buffer.h>
#include <wlr/types/wlr_matrix.h>
#include <wlr/types/wlr_surface.h>
#include <wlr/util/box.h>
#include "render.h"

/* A node to draw: where it is (output-local), what of it is seen, and
 * what of that it covers opaquely. */
struct render_node {
	struct wlr_scene_node *node;
	struct wlr_box box;
	struct wlr_texture *plain; // its texture if shown 1:1 (plain_texture)
	pixman_region32_t visible;
	pixman_region32_t opaque;
};

struct render_list {
	struct render_node *nodes;
	size_t n, cap;
	bool failed;
};

static void scissor(struct wlr_renderer *renderer, const pixman_box32_t *rect) {
	struct wlr_box box = {
		.x = rect->x1,
		.y = rect->y1,
		.width = rect->x2 - rect->x1,
		.height = rect->y2 - rect->y1,
	};
	wlr_renderer_scissor(renderer, &box);
}

void render_clear(struct wlr_renderer *renderer, pixman_region32_t *region,
		const float color[static 4]) {
	int n_rects;
	pixman_box32_t *rects = pixman_region32_rectangles(region, &n_rects);
	for (int i = 0; i < n_rects; i++) {
		scissor(renderer, &rects[i]);
		wlr_renderer_clear(renderer, color);
	}
	wlr_renderer_scissor(renderer, NULL);
}

static void node_size(struct wlr_scene_node *node, int *width, int *height) {
	*width = *height = 0;
	switch (node->type) {
	case WLR_SCENE_NODE_SURFACE: {
		struct wlr_surface *surface =
			((struct wlr_scene_surface *)node)->surface;
		*width = surface->current.width;
		*height = surface->current.height;
		break;
	}
	case WLR_SCENE_NODE_RECT: {
		struct wlr_scene_rect *rect = (struct wlr_scene_rect *)node;
		*width = rect->width;
		*height = rect->height;
		break;
	}
	case WLR_SCENE_NODE_BUFFER: {
		struct wlr_scene_buffer *buffer = (struct wlr_scene_buffer *)node;
		if (buffer->dst_width > 0 && buffer->dst_height > 0) {
			*width = buffer->dst_width;
			*height = buffer->dst_height;
		} else if (buffer->buffer != NULL) {
			bool rotated = buffer->transform & WL_OUTPUT_TRANSFORM_90;
			*width = rotated ? buffer->buffer->height : buffer->buffer->width;
			*height = rotated ? buffer->buffer->width : buffer->buffer->height;
		}
		break;
	}
	default:
		break;
	}
}

/* The enabled nodes that draw something, bottom first. */
static void collect(struct wlr_scene_node *node, int x, int y,
		struct render_list *list) {
	if (!node->state.enabled) {
		return;
	}
	x += node->state.x;
	y += node->state.y;
	int width, height;
	node_size(node, &width, &height);
	if (width > 0 && height > 0) {
		if (list->n == list->cap) {
			size_t cap = list->cap ? list->cap * 2 : 16;
			struct render_node *nodes = realloc(list->nodes,
				cap * sizeof(*nodes));
			if (nodes == NULL) {
				list->failed = true;
				return;
			}
			list->nodes = nodes;
			list->cap = cap;
		}
		list->nodes[list->n++] = (struct render_node){
			.node = node,
			.box = { x, y, width, height },
		};
	}
	struct wlr_scene_node *child;
	wl_list_for_each(child, &node->state.children, state.link) {
		collect(child, x, y, list);
	}
}

static struct wlr_texture *node_texture(struct wlr_scene_node *node) {
	if (node->type == WLR_SCENE_NODE_SURFACE) {
		return wlr_surface_get_texture(
			((struct wlr_scene_surface *)node)->surface);
	}
	if (node->type == WLR_SCENE_NODE_BUFFER) {
		struct wlr_scene_buffer *buffer = (struct wlr_scene_buffer *)node;
		if (buffer->texture != NULL) {
			return buffer->texture;
		}
		struct wlr_client_buffer *client = buffer->buffer != NULL ?
			wlr_client_buffer_get(buffer->buffer) : NULL;
		return client != NULL ? client->texture : NULL;
	}
	return NULL;
}

/* The node's texture when it is shown 1:1 (no scale, crop or transform),
 * else NULL. */
static struct wlr_texture *plain_texture(struct render_node *r) {
	struct wlr_scene_node *node = r->node;
	struct wlr_texture *texture = node_texture(node);
	if (texture == NULL || (int)texture->width != r->box.width ||
			(int)texture->height != r->box.height) {
		return NULL;
	}
	if (node->type == WLR_SCENE_NODE_SURFACE) {
		struct wlr_surface_state *state =
			&((struct wlr_scene_surface *)node)->surface->current;
		if (state->transform != WL_OUTPUT_TRANSFORM_NORMAL ||
				state->viewport.has_src) {
			return NULL;
		}
	} else {
		struct wlr_scene_buffer *buffer = (struct wlr_scene_buffer *)node;
		if (buffer->transform != WL_OUTPUT_TRANSFORM_NORMAL ||
				!wlr_fbox_empty(&buffer->src_box)) {
			return NULL;
		}
	}
	return texture;
}

/* What the node covers so that nothing under it shows (output-local). A
 * surface's opaque region counts only where it is drawn 1:1 (r->plain)
 * and then, but on pixman (which copies it: every pixel of it is the
 * client's), only when its buffer has no alpha: a client that lies about
 * it must not let the last frame's pixels show through. */
static void node_opaque(struct render_node *r, bool pixman,
		pixman_region32_t *out) {
	pixman_region32_init(out);
	struct wlr_scene_node *node = r->node;
	if (node->type == WLR_SCENE_NODE_RECT) {
		if (((struct wlr_scene_rect *)node)->color[3] >= 1.0f) {
			pixman_region32_union_rect(out, out, r->box.x, r->box.y,
				r->box.width, r->box.height);
		}
		return;
	}
	struct wlr_texture *texture = r->plain;
	if (texture == NULL) {
		return;
	}
	if (wlr_texture_is_opaque(texture)) {
		pixman_region32_union_rect(out, out, r->box.x, r->box.y,
			r->box.width, r->box.height);
	} else if (pixman && node->type == WLR_SCENE_NODE_SURFACE) {
		struct wlr_surface *surface =
			((struct wlr_scene_surface *)node)->surface;
		pixman_region32_copy(out, &surface->opaque_region);
		pixman_region32_translate(out, r->box.x, r->box.y);
		pixman_region32_intersect_rect(out, out, r->box.x, r->box.y,
			r->box.width, r->box.height);
	}
}

/* Any node, through the renderer, under a scissor per rectangle. */
static void draw_generic(struct wlr_renderer *renderer,
		struct wlr_output *output, struct render_node *r) {
	struct wlr_scene_node *node = r->node;
	struct wlr_texture *texture = node_texture(node);
	float matrix[9];
	struct wlr_fbox src = { 0 };
	if (node->type == WLR_SCENE_NODE_SURFACE) {
		struct wlr_surface *surface =
			((struct wlr_scene_surface *)node)->surface;
		wlr_matrix_project_box(matrix, &r->box,
			wlr_output_transform_invert(surface->current.transform), 0.0,
			output->transform_matrix);
		wlr_surface_get_buffer_source_box(surface, &src);
	} else if (node->type == WLR_SCENE_NODE_BUFFER) {
		struct wlr_scene_buffer *buffer = (struct wlr_scene_buffer *)node;
		wlr_matrix_project_box(matrix, &r->box,
			wlr_output_transform_invert(buffer->transform), 0.0,
			output->transform_matrix);
		src = buffer->src_box;
		if (texture != NULL && wlr_fbox_empty(&src)) {
			src = (struct wlr_fbox){ 0, 0, texture->width, texture->height };
		}
	}
	int n_rects;
	pixman_box32_t *rects = pixman_region32_rectangles(&r->visible, &n_rects);
	for (int i = 0; i < n_rects; i++) {
		scissor(renderer, &rects[i]);
		if (node->type == WLR_SCENE_NODE_RECT) {
			wlr_render_rect(renderer, &r->box,
				((struct wlr_scene_rect *)node)->color,
				output->transform_matrix);
		} else if (texture != NULL) {
			wlr_render_subtexture_with_matrix(renderer, texture, &src, matrix,
				1.0);
		}
	}
	wlr_renderer_scissor(renderer, NULL);
}

/* pixman, a texture shown 1:1: its opaque part copied, the rest blended,
 * with no transform. False when it cannot (the generic path draws). */
static bool draw_pixman(struct wlr_renderer *renderer, struct render_node *r) {
	pixman_image_t *src = wlr_pixman_texture_get_image(r->plain);
	pixman_image_t *dst = wlr_pixman_renderer_get_current_image(renderer);
	if (src == NULL || dst == NULL) {
		return false;
	}
	// A client's buffer is read inside data access, as wlroots does; its
	// image must still point at the buffer's data (a wl_shm pool that grew
	// is mapped again elsewhere).
	struct wlr_buffer *source = NULL;
	if (r->node->type == WLR_SCENE_NODE_SURFACE) {
		struct wlr_surface *surface =
			((struct wlr_scene_surface *)r->node)->surface;
		source = surface->buffer != NULL ? surface->buffer->source : NULL;
	}
	if (source != NULL) {
		void *data;
		uint32_t format;
		size_t stride;
		if (!wlr_buffer_begin_data_ptr_access(source,
				WLR_BUFFER_DATA_PTR_ACCESS_READ, &data, &format, &stride)) {
			return false;
		}
		if (data != pixman_image_get_data(src)) {
			wlr_buffer_end_data_ptr_access(source);
			return false;
		}
	}
	pixman_image_set_transform(src, NULL);
	pixman_region32_t blended;
	pixman_region32_init(&blended);
	pixman_region32_subtract(&blended, &r->visible, &r->opaque);
	for (int pass = 0; pass < 2; pass++) {
		pixman_region32_t *region = pass == 0 ? &r->opaque : &blended;
		if (!pixman_region32_not_empty(region)) {
			continue;
		}
		pixman_box32_t *e = pixman_region32_extents(region);
		pixman_image_set_clip_region32(dst, region);
		pixman_image_composite32(pass == 0 ? PIXMAN_OP_SRC : PIXMAN_OP_OVER,
			src, NULL, dst, e->x1 - r->box.x, e->y1 - r->box.y, 0, 0,
			e->x1, e->y1, e->x2 - e->x1, e->y2 - e->y1);
	}
	pixman_image_set_clip_region32(dst, NULL);
	pixman_region32_fini(&blended);
	if (source != NULL) {
		wlr_buffer_end_data_ptr_access(source);
	}
	return true;
}

void render_scene(struct wlr_renderer *renderer, struct wlr_output *output,
		struct wlr_scene *scene, int lx, int ly, pixman_region32_t *damage,
		const float background[static 4]) {
	bool pixman = wlr_renderer_is_pixman(renderer);
	struct render_list list = { 0 };
	collect(&scene->node, -lx, -ly, &list);
	if (list.failed) {
		// Out of memory: the scene's own renderer, over a cleared damage.
		free(list.nodes);
		render_clear(renderer, damage, background);
		wlr_scene_render_output(scene, output, lx, ly, damage);
		return;
	}
	// From the top down: what each node shows is what no node above it
	// covers.
	pixman_region32_t covered;
	pixman_region32_init(&covered);
	for (size_t i = list.n; i-- > 0;) {
		struct render_node *r = &list.nodes[i];
		pixman_region32_init(&r->visible);
		pixman_region32_intersect_rect(&r->visible, damage, r->box.x,
			r->box.y, r->box.width, r->box.height);
		pixman_region32_subtract(&r->visible, &r->visible, &covered);
		r->plain = plain_texture(r);
		node_opaque(r, pixman, &r->opaque);
		pixman_region32_intersect(&r->opaque, &r->opaque, &r->visible);
		pixman_region32_union(&covered, &covered, &r->opaque);
	}
	pixman_region32_t uncovered;
	pixman_region32_init(&uncovered);
	pixman_region32_subtract(&uncovered, damage, &covered);
	render_clear(renderer, &uncovered, background);
	pixman_region32_fini(&uncovered);
	pixman_region32_fini(&covered);
	// Then from the bottom up, each node only where it shows.
	for (size_t i = 0; i < list.n; i++) {
		struct render_node *r = &list.nodes[i];
		if (pixman_region32_not_empty(&r->visible)) {
			if (!pixman || r->plain == NULL ||
					!draw_pixman(renderer, r)) {
				if (pixman && pixman_region32_not_empty(&r->opaque)) {
					// Nothing under its opaque region was drawn, and
					// this draw blends: no stale pixel may show.
					render_clear(renderer, &r->opaque, background);
				}
				draw_generic(renderer, output, r);
			}
		}
		pixman_region32_fini(&r->visible);
		pixman_region32_fini(&r->opaque);
	}
	free(list.nodes);
}
