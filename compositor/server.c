#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wlr/backend/headless.h>
#include <wlr/backend/multi.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/interfaces/wlr_input_device.h>
#include <wlr/util/log.h>
#include "buffer.h"
#include "client.h"
#include "decoration.h"
#include "input.h"
#include "output.h"
#include "overlay/text.h"
#include "server.h"
#include "session.h"
#include "signin.h"
#include "station.h"
#include "test.h"
#include "view.h"

#define MAX_HEADLESS_OUTPUTS 16

int server_parse_headless_spec(const char *spec, int *widths, int *heights,
		int max) {
	char *end;
	errno = 0;
	long n = strtol(spec, &end, 10);
	if (errno != 0 || end == spec || n < 0 || n > max) {
		return -1;
	}
	int w = 1280, h = 720;
	int given = 0;
	if (*end == ':') {
		const char *p = end + 1;
		do {
			if (given > 0) {
				p++; // the comma
			}
			long pw = strtol(p, &end, 10);
			if (end == p || *end != 'x') {
				return -1;
			}
			p = end + 1;
			long ph = strtol(p, &end, 10);
			if (end == p || pw < 1 || ph < 1 || pw > 16384 || ph > 16384) {
				return -1;
			}
			if (given < max) {
				widths[given] = (int)pw;
				heights[given] = (int)ph;
			}
			given++;
			w = (int)pw;
			h = (int)ph;
			p = end;
		} while (*p == ',');
		if (*p != '\0' || given > n) {
			return -1;
		}
	} else if (*end != '\0') {
		return -1;
	}
	for (int i = given; i < n; i++) {
		widths[i] = w;
		heights[i] = h;
	}
	return (int)n;
}

struct mp_station *server_station_by_name(struct mp_server *server,
		const char *name) {
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if (strcmp(station->name, name) == 0) {
			return station;
		}
	}
	return NULL;
}

struct mp_output *server_output_by_name(struct mp_server *server,
		const char *name) {
	struct mp_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		if (strcmp(output->wlr_output->name, name) == 0) {
			return output;
		}
	}
	return NULL;
}

struct mp_input *server_input_by_name(struct mp_server *server,
		const char *name) {
	struct mp_input *input;
	wl_list_for_each(input, &server->inputs, link) {
		if (strcmp(input->name, name) == 0) {
			return input;
		}
	}
	return NULL;
}

void server_state_changed(struct mp_server *server) {
	test_check_waits(server->test);
}

static void place_output(struct mp_output *output, int *x) {
	if (output->placed) {
		return;
	}
	output->placed = true;
	output->lx = *x;
	output->ly = 0;
	int width, height;
	wlr_output_effective_resolution(output->wlr_output, &width, &height);
	*x += width;
}

void server_arrange(struct mp_server *server) {
	struct mp_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		output->placed = false;
	}
	// Stations in config order, each one's outputs side by side.
	int x = 0;
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		wl_list_for_each(output, &server->outputs, link) {
			enum mp_split split;
			if (station_wants_output(station, output->wlr_output->name,
					&split)) {
				place_output(output, &x);
			}
		}
	}
	wl_list_for_each(output, &server->outputs, link) {
		place_output(output, &x);
	}
	wl_list_for_each(station, &server->stations, link) {
		station_update_area(station);
	}
	wl_list_for_each(output, &server->outputs, link) {
		output_damage_whole(output);
	}
	server_state_changed(server);
}

static void handle_new_output(struct wl_listener *listener, void *data) {
	struct mp_server *server = wl_container_of(listener, server, new_output);
	struct wlr_output *wlr_output = data;
	if (server->next_output_name != NULL) {
		wlr_output_set_name(wlr_output, server->next_output_name);
		server->next_output_name = NULL;
	}
	struct mp_output *output = output_create(server, wlr_output);
	if (output == NULL) {
		return;
	}
	if (server->config->n_stations == 0 &&
			server_station_by_name(server, wlr_output->name) == NULL) {
		// No configuration: every output is a station of its own.
		struct mp_station *station =
			station_create(server, wlr_output->name, NULL);
		if (station != NULL) {
			station->auto_output = strdup(wlr_output->name);
		}
	}
	server_arrange(server);
	if (server->config->n_stations == 0 && !wl_list_empty(&server->stations)) {
		struct mp_station *first =
			wl_container_of(server->stations.next, first, link);
		struct mp_input *input;
		wl_list_for_each(input, &server->inputs, link) {
			if (input->station == NULL) {
				station_add_input(first, input);
			}
		}
	}
}

static void handle_client_created(struct wl_listener *listener, void *data) {
	struct mp_server *server =
		wl_container_of(listener, server, client_created);
	struct wl_client *client = data;
	if (client_create(server, client) == NULL) {
		wl_client_post_no_memory(client);
	}
}

static int handle_sigchld(int signal, void *data) {
	struct mp_server *server = data;
	pid_t pid;
	int status;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		// Helpers tell the rest through their socket; anything else is an
		// orphan of a session whose helper died, reaped here.
		signin_handle_exit(server, pid, status);
	}
	return 0;
}

static int handle_terminate(int signal, void *data) {
	struct mp_server *server = data;
	wlr_log(WLR_INFO, "signal %d: exiting", signal);
	wl_display_terminate(server->display);
	return 0;
}

static bool load_cursor(struct mp_server *server) {
	server->xcursor_manager = wlr_xcursor_manager_create(NULL, 24);
	if (server->xcursor_manager == NULL ||
			!wlr_xcursor_manager_load(server->xcursor_manager, 1)) {
		return false;
	}
	struct wlr_xcursor *xcursor = wlr_xcursor_manager_get_xcursor(
		server->xcursor_manager, "left_ptr", 1);
	if (xcursor == NULL || xcursor->image_count == 0) {
		return false;
	}
	struct wlr_xcursor_image *image = xcursor->images[0];
	pixman_image_t *pix = pixman_image_create_bits(PIXMAN_a8r8g8b8,
		image->width, image->height, NULL, image->width * 4);
	if (pix == NULL) {
		return false;
	}
	memcpy(pixman_image_get_data(pix), image->buffer,
		(size_t)image->width * image->height * 4);
	struct mp_image_buffer *buffer = image_buffer_create(pix);
	pixman_image_unref(pix);
	if (buffer == NULL) {
		return false;
	}
	server->cursor_buffer = &buffer->base;
	server->cursor_hotspot_x = image->hotspot_x;
	server->cursor_hotspot_y = image->hotspot_y;
	return true;
}

static bool make_runtime_dir(struct mp_server *server) {
	// As root (system mode) the sessions of other users must reach their
	// sockets, which root's own XDG_RUNTIME_DIR (0700) would not let them:
	// /run/mpcomp (0711) then. Otherwise, our XDG_RUNTIME_DIR.
	const char *base = getenv("XDG_RUNTIME_DIR");
	if (getuid() == 0) {
		base = "/run/mpcomp";
		if (mkdir(base, 0711) < 0 && errno != EEXIST) {
			wlr_log_errno(WLR_ERROR, "cannot create %s", base);
			return false;
		}
	} else if (base == NULL || base[0] == '\0') {
		wlr_log(WLR_ERROR, "XDG_RUNTIME_DIR is not set");
		return false;
	}
	if (asprintf(&server->runtime_dir, "%s/mpcomp-%d", base,
			(int)getpid()) < 0) {
		server->runtime_dir = NULL;
		return false;
	}
	// 0711: session directories inside belong to their users.
	if (mkdir(server->runtime_dir, 0711) < 0 || chmod(server->runtime_dir,
			0711) < 0) {
		wlr_log_errno(WLR_ERROR, "cannot create %s", server->runtime_dir);
		free(server->runtime_dir);
		server->runtime_dir = NULL;
		return false;
	}
	return true;
}

bool server_init(struct mp_server *server, struct mp_config *config,
		const struct mp_server_options *options) {
	server->config = config;
	wl_list_init(&server->stations);
	wl_list_init(&server->sessions);
	wl_list_init(&server->outputs);
	wl_list_init(&server->inputs);
	wl_list_init(&server->clients);
	wl_list_init(&server->signins);
	wl_list_init(&server->new_output.link);
	wl_list_init(&server->new_input.link);
	wl_list_init(&server->new_decoration.link);

	server->display = wl_display_create();
	if (server->display == NULL) {
		return false;
	}
	server->loop = wl_display_get_event_loop(server->display);
	server->client_created.notify = handle_client_created;
	wl_display_add_client_created_listener(server->display,
		&server->client_created);
	wl_display_set_global_filter(server->display, client_filter_global,
		server);
	if (!make_runtime_dir(server)) {
		return false;
	}

	if (options->headless_spec != NULL) {
		int widths[MAX_HEADLESS_OUTPUTS], heights[MAX_HEADLESS_OUTPUTS];
		int n = server_parse_headless_spec(options->headless_spec, widths,
			heights, MAX_HEADLESS_OUTPUTS);
		if (n < 0) {
			wlr_log(WLR_ERROR, "bad --headless '%s' (expected N:WxH[,WxH...]"
				", N at most %d)", options->headless_spec,
				MAX_HEADLESS_OUTPUTS);
			return false;
		}
		server->backend = wlr_multi_backend_create(server->display);
		server->headless_backend = wlr_headless_backend_create(server->display);
		if (server->backend == NULL || server->headless_backend == NULL) {
			return false;
		}
		wlr_multi_backend_add(server->backend, server->headless_backend);
		for (int i = 0; i < n; i++) {
			wlr_headless_add_output(server->headless_backend, widths[i],
				heights[i]);
		}
	} else {
		server->backend = wlr_backend_autocreate(server->display);
		if (server->backend == NULL) {
			wlr_log(WLR_ERROR, "cannot create a backend");
			return false;
		}
		if (options->test_protocol) {
			// Lets the test protocol add outputs beside the real ones.
			server->headless_backend =
				wlr_headless_backend_create(server->display);
			wlr_multi_backend_add(server->backend, server->headless_backend);
		}
	}
	server->session_backend = wlr_headless_backend_create(server->display);
	if (server->session_backend == NULL) {
		return false;
	}

	server->renderer = wlr_renderer_autocreate(server->backend);
	if (server->renderer == NULL) {
		wlr_log(WLR_ERROR, "cannot create a renderer");
		return false;
	}
	wlr_renderer_init_wl_display(server->renderer, server->display);
	server->allocator = wlr_allocator_autocreate(server->backend,
		server->renderer);
	if (server->allocator == NULL) {
		wlr_log(WLR_ERROR, "cannot create an allocator");
		return false;
	}

	server->compositor = wlr_compositor_create(server->display,
		server->renderer);
	wlr_data_device_manager_create(server->display);
	server->xdg_shell = wlr_xdg_shell_create(server->display);
	decoration_init(server);
	server->new_xdg_surface.notify = view_handle_new_xdg_surface;
	wl_signal_add(&server->xdg_shell->events.new_surface,
		&server->new_xdg_surface);

	if (!load_cursor(server)) {
		wlr_log(WLR_ERROR, "cannot load a cursor image; cursors stay hidden");
	}
	struct xkb_context *xkb = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (xkb != NULL) {
		server->default_keymap = xkb_keymap_new_from_names(xkb, NULL,
			XKB_KEYMAP_COMPILE_NO_FLAGS);
		xkb_context_unref(xkb);
	}
	server->text = text_create(config->font);
	if (server->text == NULL) {
		wlr_log(WLR_ERROR, "cannot initialise fonts; no text is drawn");
	}

	for (size_t i = 0; i < config->n_stations; i++) {
		station_create(server, config->stations[i].name,
			&config->stations[i]);
	}

	server->new_output.notify = handle_new_output;
	wl_signal_add(&server->backend->events.new_output, &server->new_output);
	server->new_input.notify = input_handle_new_input;
	wl_signal_add(&server->backend->events.new_input, &server->new_input);

	if (options->test_protocol) {
		server->test = test_create(server);
		if (server->test == NULL) {
			wlr_log(WLR_ERROR, "cannot create the test protocol socket");
			return false;
		}
	}

	// Processes that sessions leave behind are reparented to us, so that
	// we see them go and nothing of a session outlives it unnoticed.
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	server->sigchld_source = wl_event_loop_add_signal(server->loop, SIGCHLD,
		handle_sigchld, server);
	server->sigterm_source = wl_event_loop_add_signal(server->loop, SIGTERM,
		handle_terminate, server);
	server->sigint_source = wl_event_loop_add_signal(server->loop, SIGINT,
		handle_terminate, server);
	return true;
}

bool server_start(struct mp_server *server) {
	if (!wlr_backend_start(server->backend)) {
		wlr_log(WLR_ERROR, "cannot start the backend");
		return false;
	}
	if (!wlr_backend_start(server->session_backend)) {
		return false;
	}
	server_arrange(server);

	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		station_autologin(station);
	}
	return true;
}

/* Lets helpers end their sessions (their processes, PAM) for up to ms. */
static void wait_for_sessions(struct mp_server *server, int ms) {
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!wl_list_empty(&server->sessions)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long waited = (now.tv_sec - start.tv_sec) * 1000 +
			(now.tv_nsec - start.tv_nsec) / 1000000;
		if (waited >= ms) {
			return;
		}
		wl_event_loop_dispatch(server->loop, (int)(ms - waited));
	}
}

void server_finish(struct mp_server *server) {
	server->terminating = true;
	struct mp_signin *signin, *signin_tmp;
	wl_list_for_each_safe(signin, signin_tmp, &server->signins, link) {
		signin_cancel(signin);
	}
	struct mp_session *session, *tmp;
	wl_list_for_each_safe(session, tmp, &server->sessions, link) {
		session_end(session, "the compositor exits");
	}
	wait_for_sessions(server, 3000);
	wl_list_for_each_safe(session, tmp, &server->sessions, link) {
		session_kill_now(session);
	}
	handle_sigchld(SIGCHLD, server);
	test_destroy(server->test);
	server->test = NULL;
	if (server->display != NULL) {
		wl_display_destroy_clients(server->display);
	}

	struct mp_input *input, *itmp;
	wl_list_for_each_safe(input, itmp, &server->inputs, link) {
		if (input->is_test) {
			wlr_input_device_destroy(input->device);
		}
	}
	struct mp_station *station, *stmp;
	wl_list_for_each_safe(station, stmp, &server->stations, link) {
		station_destroy(station);
	}
	if (server->sigchld_source != NULL) {
		wl_event_source_remove(server->sigchld_source);
		wl_event_source_remove(server->sigterm_source);
		wl_event_source_remove(server->sigint_source);
	}
	wl_list_remove(&server->new_output.link);
	wl_list_remove(&server->new_input.link);
	wl_list_remove(&server->new_decoration.link);
	if (server->backend != NULL) {
		wlr_backend_destroy(server->backend);
	}
	if (server->session_backend != NULL) {
		wlr_backend_destroy(server->session_backend);
	}
	if (server->cursor_buffer != NULL) {
		wlr_buffer_drop(server->cursor_buffer);
	}
	wlr_xcursor_manager_destroy(server->xcursor_manager);
	text_destroy(server->text);
	xkb_keymap_unref(server->default_keymap);
	if (server->xdg_shell != NULL) {
		wl_list_remove(&server->new_xdg_surface.link);
	}
	if (server->display != NULL) {
		wl_list_remove(&server->client_created.link);
		wl_display_destroy(server->display);
	}
	wlr_allocator_destroy(server->allocator);
	wlr_renderer_destroy(server->renderer);
	if (server->runtime_dir != NULL) {
		rmdir(server->runtime_dir);
		free(server->runtime_dir);
	}
}
