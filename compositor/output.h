#ifndef MP_OUTPUT_H
#define MP_OUTPUT_H

#include <pixman.h>
#include <wlr/types/wlr_output.h>
#include <wlr/util/box.h>

struct mp_server;
struct json_object;

struct mp_output {
	struct mp_server *server;
	struct wlr_output *wlr_output;
	struct wl_list link; // mp_server.outputs
	int lx, ly;          // position in the global layout
	bool full_redraw;    // repaint everything on the next frame
	bool placed;         // scratch flag of server_arrange
	uint64_t last_commit_seq; // server->commit_seq at its last commit
	bool scanout; // the last frame was a client buffer shown as it is

	struct wl_listener frame;
	struct wl_listener destroy;
	struct wl_listener mode;
};

struct mp_output *output_create(struct mp_server *server,
	struct wlr_output *wlr_output);
void output_destroy(struct mp_output *output);
void output_get_box(struct mp_output *output, struct wlr_box *box);
/* Whether everything damaged before commit number seq is on screen:
 * nothing is pending, or a frame was committed after seq. */
bool output_is_settled(struct mp_output *output, uint64_t seq);
void output_damage_whole(struct mp_output *output);
/* The output as JSON: name, position, size, scanout. */
struct json_object *output_describe(struct mp_output *output);
/* Renders the part of the output given by box (output-local) into data
 * (XRGB8888, stride 4*box.width) through the same code as a frame. */
bool output_read_pixels(struct mp_output *output, const struct wlr_box *box,
	uint32_t *data);

#endif
