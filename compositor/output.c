#include <assert.h>
#include <drm_fourcc.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wlr/render/allocator.h>
#include <wlr/render/drm_format_set.h>
#include <wlr/types/wlr_output_damage.h>
#include <wlr/util/log.h>
#include <wlr/util/region.h>
#include <wlr/render/wlr_texture.h>
#include <wlr/types/wlr_buffer.h>
#include "describe.h"
#include "output.h"
#include "output-id.h"
#include "render.h"
#include "server.h"

void output_get_box(struct mp_output *output, struct wlr_box *box) {
	box->x = output->lx;
	box->y = output->ly;
	wlr_output_effective_resolution(output->wlr_output, &box->width,
		&box->height);
}

/* The part's box in output-local coordinates. */
static void part_local_box(struct mp_output_part *part, struct wlr_box *out) {
	out->x = part->box.x - part->output->lx;
	out->y = part->box.y - part->output->ly;
	out->width = part->box.width;
	out->height = part->box.height;
}

/* What must be repainted of a part in a buffer of the given age: its
 * scene's damage for the frames that buffer missed, within the part. */
static void part_buffer_damage(struct mp_output_part *part, int buffer_age,
		bool full, pixman_region32_t *out) {
	struct wlr_output_damage *damage = part->scene_output->damage;
	struct wlr_box box;
	part_local_box(part, &box);
	if (full || buffer_age <= 0 ||
			buffer_age - 1 > WLR_OUTPUT_DAMAGE_PREVIOUS_LEN) {
		pixman_region32_init_rect(out, box.x, box.y, box.width, box.height);
		return;
	}
	pixman_region32_init(out);
	pixman_region32_copy(out, &damage->current);
	size_t idx = damage->previous_idx;
	for (int i = 0; i < buffer_age - 1; i++) {
		size_t j = (idx + i) % WLR_OUTPUT_DAMAGE_PREVIOUS_LEN;
		pixman_region32_union(out, out, &damage->previous[j]);
	}
	pixman_region32_intersect_rect(out, out, box.x, box.y, box.width,
		box.height);
}

static bool output_has_damage(struct mp_output *output) {
	if (output->full_redraw || output->wlr_output->needs_frame) {
		return true;
	}
	struct mp_output_part *part;
	wl_list_for_each(part, &output->parts, link) {
		if (pixman_region32_not_empty(&part->scene_output->damage->current)) {
			return true;
		}
	}
	return false;
}

/* Draws the parts clipped to damage (output-local). The whole of damage
 * outside every part is cleared. Renderer must have begun. */
static void render_parts(struct mp_output *output, pixman_region32_t *damage) {
	struct mp_server *server = output->server;
	struct wlr_renderer *renderer = server->renderer;

	// Pixels that belong to no station are black.
	static const float black[4] = { 0, 0, 0, 1 };
	pixman_region32_t uncovered;
	pixman_region32_init(&uncovered);
	pixman_region32_copy(&uncovered, damage);
	struct mp_output_part *part;
	wl_list_for_each(part, &output->parts, link) {
		struct wlr_box box;
		part_local_box(part, &box);
		pixman_region32_t part_region;
		pixman_region32_init_rect(&part_region, box.x, box.y, box.width,
			box.height);
		pixman_region32_subtract(&uncovered, &uncovered, &part_region);
		pixman_region32_fini(&part_region);
	}
	render_clear(renderer, &uncovered, black);
	pixman_region32_fini(&uncovered);

	// Each part draws its own scene, clipped to itself: the damage
	// region is the scissor, so nothing of one station can reach pixels
	// of another.
	wl_list_for_each(part, &output->parts, link) {
		pixman_region32_t part_damage;
		struct wlr_box box;
		part_local_box(part, &box);
		pixman_region32_init(&part_damage);
		pixman_region32_intersect_rect(&part_damage, damage, box.x, box.y,
			box.width, box.height);
		if (pixman_region32_not_empty(&part_damage)) {
			// The background where nothing opaque covers it, then the
			// scene. (A full-size wlr_scene_rect would cost the pixman
			// renderer an image of that size per frame: a clear under a
			// scissor costs only the damage.)
			render_scene(renderer, output->wlr_output, part->scene,
				output->lx, output->ly, &part_damage,
				server->config->background);
		}
		pixman_region32_fini(&part_damage);
	}
}

/* wlroots 0.15 creates textures of scene buffers lazily, inside rendering,
 * where wlr_texture_from_buffer asserts; create them before we begin. */
static void prepare_textures(struct wlr_renderer *renderer,
		struct wlr_scene_node *node) {
	if (node->type == WLR_SCENE_NODE_BUFFER) {
		struct wlr_scene_buffer *buffer = (struct wlr_scene_buffer *)node;
		if (buffer->texture == NULL &&
				wlr_client_buffer_get(buffer->buffer) == NULL) {
			buffer->texture = wlr_texture_from_buffer(renderer,
				buffer->buffer);
		}
	}
	struct wlr_scene_node *child;
	wl_list_for_each(child, &node->state.children, state.link) {
		prepare_textures(renderer, child);
	}
}

static void prepare_parts(struct mp_output *output) {
	struct mp_output_part *part;
	wl_list_for_each(part, &output->parts, link) {
		prepare_textures(output->server->renderer, &part->scene->node);
	}
}

static void send_frame_done(struct mp_output *output) {
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	struct mp_output_part *part;
	wl_list_for_each(part, &output->parts, link) {
		wlr_scene_output_send_frame_done(part->scene_output, &now);
	}
}

static bool has_mapped_subsurfaces(struct wlr_surface *surface) {
	struct wlr_subsurface *sub;
	wl_list_for_each(sub, &surface->current.subsurfaces_above, current.link) {
		if (sub->mapped) {
			return true;
		}
	}
	wl_list_for_each(sub, &surface->current.subsurfaces_below, current.link) {
		if (sub->mapped) {
			return true;
		}
	}
	return false;
}

/* When one part covers the whole output and its owner names one surface
 * that alone covers it exactly, the surface's own buffer goes to the
 * output as it is: no copy, no composition. */
static bool try_scanout(struct mp_output *output) {
	struct wlr_output *wlr_output = output->wlr_output;
	if (wl_list_length(&output->parts) != 1) {
		return false;
	}
	struct mp_output_part *part =
		wl_container_of(output->parts.next, part, link);
	struct wlr_box box;
	output_get_box(output, &box);
	if (part->box.x != box.x || part->box.y != box.y ||
			part->box.width != box.width || part->box.height != box.height ||
			part->scanout == NULL) {
		return false;
	}
	int lx, ly;
	struct wlr_surface *surface = part->scanout(part->data, &lx, &ly);
	if (surface == NULL) {
		return false;
	}
	struct wlr_surface_state *state = &surface->current;
	if (surface->buffer == NULL || lx != box.x || ly != box.y ||
			state->width != box.width || state->height != box.height ||
			state->buffer_width != wlr_output->width ||
			state->buffer_height != wlr_output->height ||
			state->transform != wlr_output->transform ||
			state->viewport.has_src || state->viewport.has_dst ||
			has_mapped_subsurfaces(surface)) {
		return false;
	}
	wlr_output_attach_buffer(wlr_output, &surface->buffer->base);
	if (!wlr_output_test(wlr_output)) {
		wlr_output_rollback(wlr_output);
		return false;
	}
	return wlr_output_commit(wlr_output);
}

static void notify_presented(struct mp_output *output, uint32_t commit_seq,
		const struct timespec *when) {
	struct mp_output_part *part;
	wl_list_for_each(part, &output->parts, link) {
		if (part->presented != NULL) {
			part->presented(part->data, output->wlr_output, commit_seq, when);
		}
	}
}

/* After a commit: its parts are told, then, where the backend presented
 * the frame inside the commit (headless), that it was presented. */
static void notify_committed(struct mp_output *output) {
	struct wlr_output *wlr_output = output->wlr_output;
	struct mp_output_part *part;
	wl_list_for_each(part, &output->parts, link) {
		if (part->committed != NULL) {
			part->committed(part->data, wlr_output);
		}
	}
	if (output->last_present.valid &&
			output->last_present.commit_seq == wlr_output->commit_seq) {
		notify_presented(output, output->last_present.commit_seq,
			&output->last_present.when);
	}
}

static void handle_present(struct wl_listener *listener, void *data) {
	struct mp_output *output = wl_container_of(listener, output, present);
	struct wlr_output_event_present *event = data;
	if (!event->presented || event->when == NULL) {
		return;
	}
	output->last_present.valid = true;
	output->last_present.commit_seq = event->commit_seq;
	output->last_present.when = *event->when;
	notify_presented(output, event->commit_seq, event->when);
}

static void handle_frame(struct wl_listener *listener, void *data) {
	struct mp_output *output = wl_container_of(listener, output, frame);
	struct wlr_output *wlr_output = output->wlr_output;
	struct mp_server *server = output->server;

	if (!wlr_output->enabled) {
		return;
	}
	if (!output_has_damage(output)) {
		// Nothing changed: no repaint, no commit; the compositor sleeps
		// until something schedules a frame again.
		send_frame_done(output);
		server_changed(server);
		return;
	}

	output->scanout = !output->full_redraw && try_scanout(output);
	if (output->scanout) {
		output->last_commit_seq = ++server->commit_seq;
		notify_committed(output);
		send_frame_done(output);
		server_changed(server);
		return;
	}

	int buffer_age = -1;
	if (!wlr_output_attach_render(wlr_output, &buffer_age)) {
		wlr_log(WLR_ERROR, "output %s: cannot attach renderer",
			wlr_output->name);
		return;
	}
	bool full = output->full_redraw;

	pixman_region32_t damage;
	pixman_region32_init(&damage);
	if (full || buffer_age <= 0) {
		pixman_region32_union_rect(&damage, &damage, 0, 0,
			wlr_output->width, wlr_output->height);
	}
	struct mp_output_part *part;
	wl_list_for_each(part, &output->parts, link) {
		pixman_region32_t part_damage;
		part_buffer_damage(part, buffer_age, full, &part_damage);
		pixman_region32_union(&damage, &damage, &part_damage);
		pixman_region32_fini(&part_damage);
	}

	prepare_parts(output);
	wlr_renderer_begin(server->renderer, wlr_output->width,
		wlr_output->height);
	render_parts(output, &damage);
	wlr_renderer_end(server->renderer);

	wlr_output_set_damage(wlr_output, &damage);
	pixman_region32_fini(&damage);
	if (!wlr_output_commit(wlr_output)) {
		wlr_log(WLR_ERROR, "output %s: commit failed", wlr_output->name);
	} else {
		output->full_redraw = false;
		output->last_commit_seq = ++server->commit_seq;
		notify_committed(output);
	}
	send_frame_done(output);
	server_changed(server);
}

bool output_read_pixels(struct mp_output *output, const struct wlr_box *box,
		uint32_t *data) {
	struct mp_server *server = output->server;
	struct wlr_output *wlr_output = output->wlr_output;
	struct wlr_drm_format *format =
		calloc(1, sizeof(*format) + sizeof(uint64_t));
	if (format == NULL) {
		return false;
	}
	format->format = DRM_FORMAT_XRGB8888;
	format->capacity = 1;
	format->len = 1;
	format->modifiers[0] = DRM_FORMAT_MOD_LINEAR;
	struct wlr_buffer *buffer = wlr_allocator_create_buffer(server->allocator,
		wlr_output->width, wlr_output->height, format);
	if (buffer == NULL) {
		// Some allocators only take implicit modifiers.
		format->len = 0;
		buffer = wlr_allocator_create_buffer(server->allocator,
			wlr_output->width, wlr_output->height, format);
	}
	free(format);
	if (buffer == NULL) {
		wlr_log(WLR_ERROR, "output %s: cannot allocate a read-back buffer",
			wlr_output->name);
		return false;
	}

	bool ok = false;
	prepare_parts(output);
	if (wlr_renderer_begin_with_buffer(server->renderer, buffer)) {
		// Only what is read is drawn.
		pixman_region32_t damage;
		pixman_region32_init_rect(&damage, box->x, box->y, box->width,
			box->height);
		render_parts(output, &damage);
		pixman_region32_fini(&damage);
		ok = wlr_renderer_read_pixels(server->renderer, DRM_FORMAT_XRGB8888,
			NULL, box->width * 4, box->width, box->height, box->x, box->y,
			0, 0, data);
		wlr_renderer_end(server->renderer);
	}
	wlr_buffer_drop(buffer);
	if (!ok) {
		wlr_log(WLR_ERROR, "output %s: cannot read pixels", wlr_output->name);
	}
	return ok;
}

bool output_part_read_pixels(struct mp_output_part *part, uint32_t *data) {
	if (part->output == NULL) {
		return false;
	}
	struct wlr_box box;
	part_local_box(part, &box);
	return output_read_pixels(part->output, &box, data);
}

bool output_is_settled(struct mp_output *output, uint64_t seq) {
	struct wlr_output *wlr_output = output->wlr_output;
	if (!wlr_output->enabled || output->last_commit_seq > seq) {
		return true;
	}
	return !wlr_output->frame_pending && wlr_output->idle_frame == NULL &&
		!output_has_damage(output);
}

void output_damage_whole(struct mp_output *output) {
	output->full_redraw = true;
	wlr_output_schedule_frame(output->wlr_output);
}

static void handle_mode(struct wl_listener *listener, void *data) {
	struct mp_output *output = wl_container_of(listener, output, mode);
	wl_signal_emit(&output->server->events.outputs_changed, output);
}

static void handle_destroy(struct wl_listener *listener, void *data) {
	struct mp_output *output = wl_container_of(listener, output, destroy);
	output_destroy(output);
}

struct mp_output *output_create(struct mp_server *server,
		struct wlr_output *wlr_output) {
	if (!wlr_output_init_render(wlr_output, server->allocator,
			server->renderer)) {
		wlr_log(WLR_ERROR, "output %s: cannot init rendering",
			wlr_output->name);
		return NULL;
	}
	struct wlr_output_mode *mode = wlr_output_preferred_mode(wlr_output);
	if (mode != NULL) {
		wlr_output_set_mode(wlr_output, mode);
	}
	wlr_output_enable(wlr_output, true);
	if (!wlr_output_commit(wlr_output)) {
		wlr_log(WLR_ERROR, "output %s: cannot enable", wlr_output->name);
		return NULL;
	}

	struct mp_output *output = calloc(1, sizeof(*output));
	if (output == NULL) {
		return NULL;
	}
	output->server = server;
	output->wlr_output = wlr_output;
	output->full_redraw = true;
	wl_list_init(&output->parts);
	wlr_output->data = output;
	output->frame.notify = handle_frame;
	wl_signal_add(&wlr_output->events.frame, &output->frame);
	output->present.notify = handle_present;
	wl_signal_add(&wlr_output->events.present, &output->present);
	output->destroy.notify = handle_destroy;
	wl_signal_add(&wlr_output->events.destroy, &output->destroy);
	output->mode.notify = handle_mode;
	wl_signal_add(&wlr_output->events.mode, &output->mode);
	wl_list_insert(server->outputs.prev, &output->link);

	wlr_log(WLR_INFO, "output %s: %dx%d added", wlr_output->name,
		wlr_output->width, wlr_output->height);
	return output;
}

/* wlroots 0.15's wlr_scene_output_destroy leaves the scene output's
 * damage tracking on the output (listeners on its frames, commits and
 * modes until the output goes): it goes first. */
static void destroy_scene_output(struct wlr_scene_output *scene_output) {
	wlr_output_damage_destroy(scene_output->damage);
	wlr_scene_output_destroy(scene_output);
}

void output_destroy(struct mp_output *output) {
	if (output == NULL) {
		return;
	}
	struct mp_server *server = output->server;
	wlr_log(WLR_INFO, "output %s: removed", output->wlr_output->name);
	// Its parts stay with their owners until the layout is done again.
	struct mp_output_part *part, *tmp;
	wl_list_for_each_safe(part, tmp, &output->parts, link) {
		destroy_scene_output(part->scene_output);
		part->scene_output = NULL;
		part->output = NULL;
		wl_list_remove(&part->link);
		wl_list_init(&part->link);
	}
	wl_list_remove(&output->frame.link);
	wl_list_remove(&output->present.link);
	wl_list_remove(&output->destroy.link);
	wl_list_remove(&output->mode.link);
	wl_list_remove(&output->link);
	output->wlr_output->data = NULL;
	free(output);
	if (!server->terminating) {
		wl_signal_emit(&server->events.outputs_changed, NULL);
	}
}

struct mp_output *output_by_name(struct mp_server *server, const char *name) {
	struct mp_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		if (strcmp(output->wlr_output->name, name) == 0) {
			return output;
		}
	}
	return NULL;
}

bool output_is(struct mp_output *output, const char *entry) {
	struct wlr_output *o = output->wlr_output;
	return output_matches(entry, o->name, o->make, o->model, o->serial);
}

struct mp_output *output_find(struct mp_server *server, const char *entry) {
	struct mp_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		if (output_is(output, entry)) {
			return output;
		}
	}
	return NULL;
}

struct mp_output_part *output_part_create(struct mp_output *output,
		struct wlr_scene *scene, const struct wlr_box *box,
		struct wlr_surface *(*scanout)(void *data, int *lx, int *ly),
		void (*committed)(void *data, struct wlr_output *output),
		void (*presented)(void *data, struct wlr_output *output,
			uint32_t commit_seq, const struct timespec *when),
		void *data) {
	struct mp_output_part *part = calloc(1, sizeof(*part));
	if (part == NULL) {
		return NULL;
	}
	part->scene_output = wlr_scene_output_create(scene, output->wlr_output);
	if (part->scene_output == NULL) {
		free(part);
		return NULL;
	}
	wlr_scene_output_set_position(part->scene_output, output->lx, output->ly);
	part->output = output;
	part->box = *box;
	part->scene = scene;
	part->scanout = scanout;
	part->committed = committed;
	part->presented = presented;
	part->data = data;
	wl_list_insert(output->parts.prev, &part->link);
	output_damage_whole(output);
	return part;
}

void output_part_destroy(struct mp_output_part *part) {
	if (part == NULL) {
		return;
	}
	if (part->output != NULL) {
		output_damage_whole(part->output);
	}
	if (part->scene_output != NULL) { // NULL once its output went
		destroy_scene_output(part->scene_output);
	}
	wl_list_remove(&part->link);
	free(part);
}

struct json_object *output_describe(struct mp_output *output) {
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "name",
		json_object_new_string(output->wlr_output->name));
	struct wlr_box box;
	output_get_box(output, &box);
	json_object_object_add(o, "x", json_object_new_int(box.x));
	json_object_object_add(o, "y", json_object_new_int(box.y));
	json_object_object_add(o, "width", json_object_new_int(box.width));
	json_object_object_add(o, "height", json_object_new_int(box.height));
	json_object_object_add(o, "scanout",
		json_object_new_boolean(output->scanout));
	return o;
}
