#ifndef MP_SERVER_H
#define MP_SERVER_H

/* The state every object of the compositor shares: one struct, made by
 * compositor.c and passed down. Data only: this header includes no other
 * object of mpcomp, so that every file may include it without tying the
 * files to each other. */

#include <stdbool.h>
#include <wayland-server-core.h>
#include <wlr/backend.h>
#include <wlr/render/allocator.h>
#include <wlr/render/wlr_renderer.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_xcursor_manager.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <xkbcommon/xkbcommon.h>
#include "config.h"

struct mp_text;
struct mp_test;
struct mp_manager;
struct mp_learned;
struct mp_input;
struct mp_station;
struct mp_output_edid;
struct mp_station_handler;
struct mp_session_handler;

struct mp_server {
	struct wl_display *display;
	struct wl_event_loop *loop;
	struct mp_config *config;

	struct wlr_backend *backend;          // multi-backend holding the ones below
	struct wlr_backend *headless_backend; // may be NULL
	struct wlr_backend *session_backend;  // session outputs: never rendered
	// --headless: the outputs made at start (vout.c), and the number of
	// the last HEADLESS-N made.
	int headless_sizes[16][2];
	int n_headless_sizes;
	unsigned headless_serial;
	struct wlr_renderer *renderer;
	struct wlr_allocator *allocator;
	struct wlr_compositor *compositor;
	struct wlr_xdg_shell *xdg_shell;
	struct wlr_xcursor_manager *xcursor_manager;
	struct wlr_buffer *cursor_buffer; // default cursor image, may be NULL
	int cursor_hotspot_x, cursor_hotspot_y;
	struct mp_text *text; // fonts for compositor-drawn text, may be NULL
	struct xkb_keymap *default_keymap; // of unassigned keyboards
	// Windows of sessions that no station shows live here: a scene that
	// is never rendered, so they get no frame callbacks and no input.
	struct wlr_scene *limbo;

	struct wl_list stations;   // mp_station.link, config order first
	struct wl_list sessions;   // mp_session.link
	struct wl_list outputs;    // mp_output.link
	struct wl_list inputs;     // mp_input.link
	struct wl_list clients;    // mp_client.link
	struct wl_list helpers;    // mp_helper.link: helper processes
	struct wl_list privileged; // mp_privileged.link: globals of client.c

	// The actions layer's answers to what stations and sessions report.
	const struct mp_station_handler *station_handler;
	const struct mp_session_handler *session_handler;

	struct mp_test *test; // NULL without --test-protocol
	struct mp_manager *manager; // the admin protocol, NULL if it failed
	// Kept by the actions layer: maintenance mode (no new sign-ins, a
	// banner on greeters) and every station showing its name and key.
	struct {
		bool on;
		char *message; // may be NULL
	} maintenance;
	bool identify;
	bool pairing; // mpmgr pair: every free station shows its key
	struct {
		char *text; // a key pressed that is taken, shown for a while
		struct wl_event_source *timer;
	} pairing_note;
	struct mp_learned *learned; // stations.ini in state_dir
	// The actions layer's answer to a pairing key pressed (input.c finds
	// the keyboard and the station; the pairing itself is an action).
	void (*pair_key)(struct mp_input *input, struct mp_station *station);
	char *state_dir;
	uint32_t next_station_serial;
	char *runtime_dir;    // ours, 0711, removed on exit
	int runtime_lock_fd;  // flock'ed while we run: a live directory
	char **session_env;   // "KEY=VALUE" given to every session
	size_t n_session_env;
	// Children the compositor had before any session (its libraries',
	// e.g. libseat's built-in seatd): never taken for a session's.
	pid_t *own_children;
	size_t n_own_children;
	uint32_t next_session_id;
	uint64_t commit_seq;  // counts output commits, for waits
	const char *pending_output_name; // layout.c: name of an output being added
	const struct mp_output_edid *pending_output_edid; // with it
	bool terminating;

	struct {
		// Something changed that a watcher (the test protocol, later
		// the admin protocol) may want to know: state, views, frames.
		struct wl_signal changed;
		// An output came, went or changed its mode.
		struct wl_signal outputs_changed;
	} events;

	struct wl_listener new_output;
	struct wl_listener new_input;
	struct wl_listener new_xdg_surface;
	struct wl_listener client_created;
	struct wl_listener new_decoration;
	struct wl_listener outputs_changed;

	struct wl_event_source *sigchld_source;
	struct wl_event_source *sigterm_source;
	struct wl_event_source *sigint_source;
	struct wl_event_source *sighup_source;
};

static inline void server_changed(struct mp_server *server) {
	wl_signal_emit(&server->events.changed, server);
}

#endif
