#ifndef MP_OUTPUT_H
#define MP_OUTPUT_H

#include <pixman.h>
#include <stdint.h>
#include <time.h>
#include <wlr/types/wlr_output.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/box.h>

struct mp_server;
struct json_object;

/* A rectangle of an output that one scene draws on (a station's whole
 * output, or a half). The output renders each of its parts with the part's
 * scene clipped to the part: nothing of one part reaches another's pixels.
 * The part's owner creates and destroys it; when the output goes first,
 * the part stays with output NULL until its owner destroys it. */
struct mp_output_part {
	struct mp_output *output;  // NULL once the output is gone
	struct wl_list link;       // mp_output.parts
	struct wlr_box box;        // layout coordinates
	struct wlr_scene *scene;
	struct wlr_scene_output *scene_output;
	// The one surface that alone covers the part, to be shown as it is
	// (direct scanout), or NULL; its layout position in *lx, *ly.
	struct wlr_surface *(*scanout)(void *data, int *lx, int *ly);
	// Called after each commit of its output (the commit's number is
	// output->commit_seq), then when a committed frame reached the screen
	// (commit_seq: its number, when: CLOCK_MONOTONIC); both may be NULL.
	// A backend that presents inside the commit (headless) gets its
	// presented call after committed, as one that presents at vblank
	// (DRM) does.
	void (*committed)(void *data, struct wlr_output *output);
	void (*presented)(void *data, struct wlr_output *output,
		uint32_t commit_seq, const struct timespec *when);
	void *data;
};

struct mp_output {
	struct mp_server *server;
	struct wlr_output *wlr_output;
	struct wl_list link;  // mp_server.outputs
	struct wl_list parts; // mp_output_part.link
	int lx, ly;           // position in the global layout
	bool full_redraw;     // repaint everything on the next frame
	bool placed;          // scratch flag of the layout
	uint64_t last_commit_seq; // server->commit_seq at its last commit
	bool scanout; // the last frame was a client buffer shown as it is
	// The last frame presented (its commit number and when), kept for the
	// commit it came inside of.
	struct {
		bool valid;
		uint32_t commit_seq;
		struct timespec when;
	} last_present;

	struct wl_listener frame;
	struct wl_listener present;
	struct wl_listener destroy;
	struct wl_listener mode;
};

/* Enables the output and starts drawing it. NULL on failure. */
struct mp_output *output_create(struct mp_server *server,
	struct wlr_output *wlr_output);
/* Called when the wlr_output goes; parts stay with their owners. */
void output_destroy(struct mp_output *output);
struct mp_output *output_by_name(struct mp_server *server, const char *name);
/* Whether an outputs = entry (a connector, or edid:MAKE/MODEL[/SERIAL],
 * see seatd-glue/output-id.h) names this output. */
bool output_is(struct mp_output *output, const char *entry);
/* The first output entry names, or NULL. */
struct mp_output *output_find(struct mp_server *server, const char *entry);
void output_get_box(struct mp_output *output, struct wlr_box *box);

/* box is in layout coordinates, inside the output. NULL on failure. */
struct mp_output_part *output_part_create(struct mp_output *output,
	struct wlr_scene *scene, const struct wlr_box *box,
	struct wlr_surface *(*scanout)(void *data, int *lx, int *ly),
	void (*committed)(void *data, struct wlr_output *output),
	void (*presented)(void *data, struct wlr_output *output,
		uint32_t commit_seq, const struct timespec *when),
	void *data);
void output_part_destroy(struct mp_output_part *part);

/* Whether everything damaged before commit number seq is on screen:
 * nothing is pending, or a frame was committed after seq. */
bool output_is_settled(struct mp_output *output, uint64_t seq);
void output_damage_whole(struct mp_output *output);
/* Renders the part of the output given by box (output-local) into data
 * (XRGB8888, stride 4*box.width) through the same code as a frame. */
bool output_read_pixels(struct mp_output *output, const struct wlr_box *box,
	uint32_t *data);
/* The same for the part's box (data: stride 4*box.width); false when its
 * output is gone. */
bool output_part_read_pixels(struct mp_output_part *part, uint32_t *data);
/* The output as JSON: name, position, size, scanout. */
struct json_object *output_describe(struct mp_output *output);

#endif
