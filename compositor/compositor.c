#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wlr/backend/headless.h>
#include <wlr/backend/multi.h>
#include <wlr/interfaces/wlr_input_device.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/util/log.h>
#include "actions.h"
#include "auth/proc.h"
#include "buffer.h"
#include "client.h"
#include "compositor.h"
#include "decoration.h"
#include "helper.h"
#include "input.h"
#include "layout.h"
#include "learned.h"
#include "manager.h"
#include "output.h"
#include "overlay/text.h"
#include "server.h"
#include "session.h"
#include "station.h"
#include "test/test.h"
#include "util.h"
#include "vout.h"

#define MAX_HEADLESS_OUTPUTS 16
// At exit: how long sessions may take to end (their helpers give their
// processes 3 s after SIGTERM), then how long the last kills may take.
#define END_SESSIONS_MS 8000
#define KILL_LEFTOVERS_MS 5000

int compositor_parse_headless_spec(const char *spec, int *widths,
		int *heights, int max) {
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

static void handle_client_created(struct wl_listener *listener, void *data) {
	struct mp_server *server =
		wl_container_of(listener, server, client_created);
	struct wl_client *client = data;
	if (client_create(server, client) == NULL) {
		wl_client_post_no_memory(client);
	}
}

static bool is_own_child(struct mp_server *server, pid_t pid) {
	for (size_t i = 0; i < server->n_own_children; i++) {
		if (server->own_children[i] == pid) {
			return true;
		}
	}
	return false;
}

/* What is not a session's: the helpers, and our own children. */
static bool spare_helper(pid_t pid, void *data) {
	return helper_is_running(data, pid) || is_own_child(data, pid);
}

static bool spare_own_child(pid_t pid, void *data) {
	return is_own_child(data, pid);
}

static bool note_own_child(pid_t pid, void *data) {
	struct mp_server *server = data;
	if (is_own_child(server, pid)) {
		return true;
	}
	pid_t *pids = realloc(server->own_children,
		(server->n_own_children + 1) * sizeof(*pids));
	if (pids != NULL) {
		server->own_children = pids;
		pids[server->n_own_children++] = pid;
		wlr_log(WLR_INFO, "child %d (before any session) is our own",
			(int)pid);
	}
	return true;
}

/* An own child that is reaped is no more: its pid may come back as a
 * session's. */
static void forget_own_child(struct mp_server *server, pid_t pid) {
	for (size_t i = 0; i < server->n_own_children; i++) {
		if (server->own_children[i] == pid) {
			server->own_children[i] =
				server->own_children[--server->n_own_children];
			return;
		}
	}
}

static int handle_sigchld(int signal, void *data) {
	struct mp_server *server = data;
	pid_t pid;
	bool reaped = false;
	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
		if (!helper_reaped(server, pid)) { // its socket tells the rest
			forget_own_child(server, pid);
		}
		reaped = true;
	}
	if (reaped) {
		// Every helper is the subreaper of its session, so a child of
		// ours that is neither a helper nor one of our own was left by a
		// helper that died (its children are reparented before it can be
		// reaped): it goes.
		int killed = proc_signal_children(getpid(), SIGKILL, spare_helper,
			server);
		if (killed > 0) {
			wlr_log(WLR_INFO, "killed %d process(es) left by ended "
				"sessions", killed);
		}
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

/* Whether the runtime directory dir (mpcomp-PID in base) belongs to an
 * mpcomp that runs: it holds the lock on dir/lock. A directory without a
 * lock file is judged by its pid. */
static bool runtime_dir_alive(int base_fd, const char *name, pid_t pid) {
	char lock[300];
	snprintf(lock, sizeof(lock), "%s/lock", name);
	int fd = openat(base_fd, lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		return kill(pid, 0) == 0 || errno == EPERM;
	}
	bool alive = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return alive;
}

/* Removes the runtime directories that an mpcomp killed before it could
 * clean up left behind (sessions' directories and sockets included). */
static void sweep_stale_runtime_dirs(const char *base) {
	int base_fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = base_fd >= 0 ? fdopendir(base_fd) : NULL;
	if (dir == NULL) {
		if (base_fd >= 0) {
			close(base_fd);
		}
		return;
	}
	struct dirent *ent;
	while ((ent = readdir(dir)) != NULL) {
		char *end;
		if (strncmp(ent->d_name, "mpcomp-", 7) != 0) {
			continue;
		}
		long pid = strtol(ent->d_name + 7, &end, 10);
		// mpcomp-PID.new: one being made, not locked yet (see
		// make_runtime_dir): stale only once its pid is gone.
		bool making = strcmp(end, ".new") == 0;
		if ((*end != '\0' && !making) || pid <= 0 || pid == getpid() ||
				(making ? kill((pid_t)pid, 0) == 0 || errno == EPERM :
				runtime_dir_alive(base_fd, ent->d_name, (pid_t)pid))) {
			continue;
		}
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", base, ent->d_name);
		if (util_remove_tree(path)) {
			wlr_log(WLR_INFO, "removed %s, left by an mpcomp that is gone",
				path);
		} else {
			wlr_log_errno(WLR_ERROR, "cannot remove stale %s", path);
		}
	}
	closedir(dir);
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
	sweep_stale_runtime_dirs(base);
	if (asprintf(&server->runtime_dir, "%s/mpcomp-%d", base,
			(int)getpid()) < 0) {
		server->runtime_dir = NULL;
		return false;
	}
	// Made under another name and shown under its own only once its lock
	// is held, so that another mpcomp starting meanwhile never takes it
	// for a stale one (an unlocked mpcomp-PID) and removes it.
	char *making = NULL, *lock = NULL;
	if (asprintf(&making, "%s.new", server->runtime_dir) < 0) {
		making = NULL;
		goto error;
	}
	// 0711: session directories inside belong to their users.
	if (mkdir(making, 0711) < 0 || chmod(making, 0711) < 0) {
		wlr_log_errno(WLR_ERROR, "cannot create %s", making);
		goto error;
	}
	// Held as long as we run: how another mpcomp knows it is not stale.
	if (asprintf(&lock, "%s/lock", making) < 0) {
		lock = NULL;
		goto error;
	}
	server->runtime_lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC |
		O_NOFOLLOW, 0600);
	if (server->runtime_lock_fd < 0 ||
			flock(server->runtime_lock_fd, LOCK_EX | LOCK_NB) < 0) {
		wlr_log_errno(WLR_ERROR, "cannot lock %s", lock);
		goto error;
	}
	if (rename(making, server->runtime_dir) < 0) {
		wlr_log_errno(WLR_ERROR, "cannot create %s", server->runtime_dir);
		goto error;
	}
	free(making);
	free(lock);
	return true;

error:
	if (making != NULL) {
		util_remove_tree(making);
	}
	free(making);
	free(lock);
	free(server->runtime_dir);
	server->runtime_dir = NULL;
	return false;
}

static bool create_backends(struct mp_server *server,
		const struct mp_compositor_options *options) {
	if (options->headless_spec != NULL) {
		int widths[MAX_HEADLESS_OUTPUTS], heights[MAX_HEADLESS_OUTPUTS];
		int n = compositor_parse_headless_spec(options->headless_spec,
			widths, heights, MAX_HEADLESS_OUTPUTS);
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
		// Made once the backend has started (compositor_start).
		for (int i = 0; i < n; i++) {
			server->headless_sizes[i][0] = widths[i];
			server->headless_sizes[i][1] = heights[i];
		}
		server->n_headless_sizes = n;
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
			if (server->headless_backend == NULL) {
				return false;
			}
			wlr_multi_backend_add(server->backend, server->headless_backend);
		}
	}
	server->session_backend = wlr_headless_backend_create(server->display);
	return server->session_backend != NULL;
}

/* The state directory: given, else /var/lib/mpcomp as root, else
 * $XDG_STATE_HOME/mpcomp (~/.local/state/mpcomp). */
static char *state_dir(const char *given) {
	if (given != NULL) {
		return strdup(given);
	}
	if (geteuid() == 0) {
		return strdup(MP_DEFAULT_STATE_DIR);
	}
	char *dir = NULL;
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	if (xdg != NULL && xdg[0] == '/') {
		if (asprintf(&dir, "%s/mpcomp", xdg) < 0) {
			dir = NULL;
		}
	} else if (home != NULL && home[0] == '/') {
		if (asprintf(&dir, "%s/.local/state/mpcomp", home) < 0) {
			dir = NULL;
		}
	} else {
		dir = strdup(MP_DEFAULT_STATE_DIR);
	}
	return dir;
}

/* stations.ini: what was learned (pairings, layout changes made with
 * mpmgr) applies over the configuration's stations. */
static bool load_learned(struct mp_server *server, const char *given) {
	server->state_dir = state_dir(given);
	if (server->state_dir == NULL) {
		return false;
	}
	char *error = NULL;
	server->learned = learned_load(server->state_dir, &error);
	if (server->learned == NULL) {
		return false;
	}
	if (error != NULL) {
		wlr_log(WLR_ERROR, "%s: what it says is ignored (devices it paired "
			"wait for pairing), and the file is left as it is until the "
			"next pairing or layout change", error);
		free(error);
	} else {
		wlr_log(WLR_INFO, "%s: %zu pairing(s), %zu station change(s)",
			server->learned->path, server->learned->n_pairings,
			server->learned->n_stations);
	}
	struct mp_learned *learned = server->learned;
	for (size_t i = 0; i < learned->n_stations; i++) {
		struct mp_learned_station *ls = &learned->stations[i];
		struct mp_station *station = station_by_key(server, ls->key);
		if (ls->removed) {
			if (station != NULL) {
				wlr_log(WLR_INFO, "station %s: joined into another one "
					"(%s)", ls->key, learned->path);
				station_destroy(station);
			}
			continue;
		}
		if (station == NULL) {
			// Made by a split; it has its origin's settings.
			struct mp_station *from = ls->from ?
				station_by_key(server, ls->from) : NULL;
			if (ls->from != NULL && from == NULL) {
				wlr_log(WLR_ERROR, "%s: station %s was split from %s, which "
					"is no more: left out", learned->path, ls->key, ls->from);
				continue;
			}
			if (!ls->has_outputs) {
				continue;
			}
			station = station_create(server, ls->key,
				from ? from->config : NULL);
			if (station == NULL) {
				return false;
			}
		}
		if (ls->has_outputs && !station_set_layout(station, ls->outputs,
				ls->n_outputs, ls->split)) {
			return false;
		}
		if (ls->name != NULL && station_by_name(server, ls->name) == NULL &&
				!station_rename(station, ls->name)) {
			return false;
		}
	}
	return true;
}

bool compositor_init(struct mp_server *server, struct mp_config *config,
		const struct mp_compositor_options *options) {
	server->config = config;
	server->runtime_lock_fd = -1;
	wl_list_init(&server->stations);
	wl_list_init(&server->sessions);
	wl_list_init(&server->outputs);
	wl_list_init(&server->inputs);
	wl_list_init(&server->clients);
	wl_list_init(&server->helpers);
	wl_list_init(&server->privileged);
	wl_signal_init(&server->events.changed);
	wl_signal_init(&server->events.outputs_changed);
	wl_list_init(&server->new_output.link);
	wl_list_init(&server->new_input.link);
	wl_list_init(&server->new_xdg_surface.link);
	wl_list_init(&server->client_created.link);
	wl_list_init(&server->new_decoration.link);
	wl_list_init(&server->outputs_changed.link);

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
	if (!make_runtime_dir(server) || !create_backends(server, options)) {
		return false;
	}
	// Children the backends made (libseat's built-in seatd) are ours.
	proc_signal_children(getpid(), 0, note_own_child, server);

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
	server->xdg_shell = wlr_xdg_shell_create(server->display);
	server->limbo = wlr_scene_create();
	if (server->compositor == NULL || server->xdg_shell == NULL ||
			server->limbo == NULL ||
			wlr_data_device_manager_create(server->display) == NULL) {
		return false;
	}
	session_listen_xdg_shell(server);
	decoration_init(server);

	if (!load_cursor(server)) {
		wlr_log(WLR_ERROR, "cannot load a cursor image; cursors stay hidden");
	}
	server->default_keymap = config_station_keymap(NULL);
	if (server->default_keymap == NULL) {
		wlr_log(WLR_ERROR, "cannot compile the default keymap");
		return false;
	}
	server->text = text_create(config->font);
	if (server->text == NULL) {
		wlr_log(WLR_ERROR, "cannot initialise fonts; no text is drawn");
	}

	actions_init(server);
	for (size_t i = 0; i < config->n_stations; i++) {
		if (station_create(server, config->stations[i].name,
				&config->stations[i]) == NULL) {
			return false;
		}
	}
	if (!load_learned(server, options->state_dir)) {
		return false;
	}
	layout_init(server);
	server->new_input.notify = input_handle_new_input;
	wl_signal_add(&server->backend->events.new_input, &server->new_input);

	// Without it mpcomp still serves its stations: the log says why.
	server->manager = manager_create(server, options->admin_socket);

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
	// The terminal or login it was started from went away.
	server->sighup_source = wl_event_loop_add_signal(server->loop, SIGHUP,
		handle_terminate, server);
	return server->sigchld_source != NULL && server->sigterm_source != NULL &&
		server->sigint_source != NULL && server->sighup_source != NULL;
}

bool compositor_start(struct mp_server *server) {
	if (!wlr_backend_start(server->backend)) {
		wlr_log(WLR_ERROR, "cannot start the backend");
		return false;
	}
	if (!wlr_backend_start(server->session_backend)) {
		return false;
	}
	for (int i = 0; i < server->n_headless_sizes; i++) {
		if (layout_add_headless_output(server, server->headless_sizes[i][0],
				server->headless_sizes[i][1], NULL, NULL) == NULL) {
			wlr_log(WLR_ERROR, "cannot make headless output %d", i + 1);
			return false;
		}
	}
	// No session has run yet: every child we have is our own (backends
	// may start some when they start).
	proc_signal_children(getpid(), 0, note_own_child, server);
	layout_arrange(server);
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if (station->config != NULL && station->config->autologin != NULL) {
			struct mp_error err;
			if (!action_autologin(station, &err)) {
				wlr_log(WLR_ERROR, "station %s: %s", station->name,
					err.text);
			}
		}
	}
	return true;
}


/* Runs the event loop until done(server) or ms have passed. */
static void run_until(struct mp_server *server,
		bool (*done)(struct mp_server *server), int ms) {
	int64_t deadline = util_now_ms() + ms;
	while (!done(server)) {
		int64_t left = deadline - util_now_ms();
		if (left <= 0) {
			return;
		}
		wl_event_loop_dispatch(server->loop, (int)left);
	}
}

/* No session left, and no helper: each has closed PAM and exited (and
 * was reaped), so that nothing of ours runs on after we exit. */
static bool all_ended(struct mp_server *server) {
	return wl_list_empty(&server->sessions) &&
		wl_list_empty(&server->helpers);
}

/* Whether no process of a session is left among our children; any that
 * is gets SIGKILL (and is reaped on SIGCHLD). */
static bool no_session_children(struct mp_server *server) {
	return proc_signal_children(getpid(), SIGKILL, spare_own_child,
		server) == 0;
}

void compositor_finish(struct mp_server *server) {
	if (server->loop != NULL) {
		// Every session ends the way a log off does: its helper gives
		// its processes SIGTERM, then SIGKILL, closes PAM and exits;
		// helpers of sign-ins, let go, finish what PAM does and exit.
		actions_stop(server);
		run_until(server, all_ended, END_SESSIONS_MS);
		actions_kill_all(server);
		// A helper that did not finish in time is killed, and so is all
		// that comes to us from it: no process of a session survives us.
		if (server->sigchld_source != NULL) {
			run_until(server, no_session_children, KILL_LEFTOVERS_MS);
		}
	}
	test_destroy(server->test);
	server->test = NULL;
	manager_destroy(server->manager);
	server->manager = NULL;
	if (server->display != NULL) {
		wl_display_destroy_clients(server->display);
	}
	// Devices before the stations they are assigned to: test devices
	// are ours to destroy; a backend destroys its own later, when our
	// record of them must be gone.
	struct mp_input *input, *itmp;
	wl_list_for_each_safe(input, itmp, &server->inputs, link) {
		if (input->is_test) {
			wlr_input_device_destroy(input->device);
		} else {
			input_destroy(input);
		}
	}
	struct mp_station *station, *stmp;
	wl_list_for_each_safe(station, stmp, &server->stations, link) {
		station_destroy(station);
	}
	if (server->pairing_note.timer != NULL) {
		wl_event_source_remove(server->pairing_note.timer);
	}
	free(server->pairing_note.text);
	learned_destroy(server->learned);
	free(server->state_dir);
	helper_kill_all(server);
	if (server->sigchld_source != NULL) {
		wl_event_source_remove(server->sigchld_source);
	}
	if (server->sigterm_source != NULL) {
		wl_event_source_remove(server->sigterm_source);
	}
	if (server->sigint_source != NULL) {
		wl_event_source_remove(server->sigint_source);
	}
	if (server->sighup_source != NULL) {
		wl_event_source_remove(server->sighup_source);
	}
	layout_finish(server);
	// Virtual outputs (vout.c) are ours: no backend destroys them.
	struct mp_output *output, *otmp;
	wl_list_for_each_safe(output, otmp, &server->outputs, link) {
		if (output_is_vout(output->wlr_output)) {
			wlr_output_destroy(output->wlr_output);
		}
	}
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
	if (server->limbo != NULL) {
		wlr_scene_node_destroy(&server->limbo->node);
	}
	wl_list_remove(&server->new_xdg_surface.link);
	if (server->display != NULL) {
		wl_list_remove(&server->client_created.link);
		wl_display_destroy(server->display);
	}
	wlr_allocator_destroy(server->allocator);
	wlr_renderer_destroy(server->renderer);
	for (size_t i = 0; i < server->n_session_env; i++) {
		free(server->session_env[i]);
	}
	free(server->session_env);
	free(server->own_children);
	free(server->maintenance.message);
	if (server->runtime_dir != NULL) {
		if (!util_remove_tree(server->runtime_dir)) {
			wlr_log_errno(WLR_ERROR, "cannot remove %s", server->runtime_dir);
		}
		free(server->runtime_dir);
	}
	if (server->runtime_lock_fd >= 0) {
		close(server->runtime_lock_fd);
	}
}
