#ifndef MP_SERVER_H
#define MP_SERVER_H

#include <stdbool.h>
#include <wayland-server-core.h>
#include <wlr/backend.h>
#include <wlr/render/allocator.h>
#include <wlr/render/wlr_renderer.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/types/wlr_xcursor_manager.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <xkbcommon/xkbcommon.h>
#include "config.h"

struct mp_test;
struct mp_text;

struct mp_server {
	struct wl_display *display;
	struct wl_event_loop *loop;
	struct mp_config *config;

	struct wlr_backend *backend;          // multi-backend holding the ones below
	struct wlr_backend *headless_backend; // may be NULL
	struct wlr_backend *session_backend;  // session outputs, never rendered
	struct wlr_renderer *renderer;
	struct wlr_allocator *allocator;
	struct wlr_compositor *compositor;
	struct wlr_xdg_shell *xdg_shell;
	struct wlr_xcursor_manager *xcursor_manager;
	struct wlr_buffer *cursor_buffer; // default cursor image, may be NULL
	int cursor_hotspot_x, cursor_hotspot_y;
	struct mp_text *text; // fonts for compositor-drawn text
	struct xkb_keymap *default_keymap; // of unassigned keyboards

	struct wl_list stations; // mp_station.link, config order first
	struct wl_list sessions; // mp_session.link
	struct wl_list outputs;  // mp_output.link
	struct wl_list inputs;   // mp_input.link
	struct wl_list clients;  // mp_client.link
	struct wl_list signins;  // mp_signin.link: helper processes

	struct mp_test *test; // NULL without --test-protocol
	char *runtime_dir;    // our directory, 0711, removed on exit
	uint32_t next_session_id;
	uint64_t commit_seq; // counts output commits, for waits
	const char *next_output_name; // test protocol: name of the next output
	bool terminating;

	struct wl_listener new_output;
	struct wl_listener new_input;
	struct wl_listener new_xdg_surface;
	struct wl_listener client_created;
	struct wl_listener new_decoration;

	struct wl_event_source *sigchld_source;
	struct wl_event_source *sigterm_source;
	struct wl_event_source *sigint_source;
};

struct mp_server_options {
	const char *config_path; // may be NULL
	const char *headless_spec; // "N:WxH[,WxH...]" or NULL for autocreate
	bool test_protocol;
};

bool server_init(struct mp_server *server, struct mp_config *config,
	const struct mp_server_options *options);
bool server_start(struct mp_server *server);
void server_finish(struct mp_server *server);

/* Places outputs side by side (stations in config order, each station's
 * outputs in its order) and updates every station's area. */
void server_arrange(struct mp_server *server);
/* Something a test may wait for changed (views, sessions, frames). */
void server_state_changed(struct mp_server *server);

struct mp_station *server_station_by_name(struct mp_server *server,
	const char *name);
struct mp_output *server_output_by_name(struct mp_server *server,
	const char *name);
struct mp_input *server_input_by_name(struct mp_server *server,
	const char *name);

/* Parses "N:WxH[,WxH...]": N outputs, sizes repeated from the last one
 * given. Returns the number of outputs or -1; sizes has room for max. */
int server_parse_headless_spec(const char *spec, int *widths, int *heights,
	int max);

#endif
