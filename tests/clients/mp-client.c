/* mp-client: a small Wayland client for mpcomp's integration tests.
 * It fills its windows with one colour (popups in colours of their own)
 * and logs what it receives, a line per fact. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>
#include <xkbcommon/xkbcommon.h>
#include "xdg-shell-client-protocol.h"

#define MAX_WINDOWS 128
#define MAX_POPUPS 16
#define MAX_OUTPUTS 16
#define MAX_KEYCODE 768
#define TEXT_MIME "text/plain;charset=utf-8"
#define MAX_SELECTION_TEXT 4096

struct client;

/* One xdg_toplevel; window 0 is the one the plain log lines are about. */
struct window {
	struct client *client;
	int index;
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	int width, height;
	bool configured, closed, frame_pending;
	int width_seen, height_seen; // of the last configure
};

/* Popup K (from 1) of the chain: a child of popup K-1, popup 1 of
 * window 0. */
struct popup {
	struct client *client;
	int index;
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_popup *popup;
	uint32_t color;
	bool drawn, done;
	uint32_t unacked; // --late-popup-ack: the configure not acked yet
	bool has_unacked;
};

/* A wl_output, named by its model (mpcomp's session outputs: MP-1,
 * MP-2 ...), else output-N in the order they were announced. */
struct output {
	struct client *client;
	struct wl_output *wl_output;
	char name[64];
};

/* What a wl_data_offer offered: its first type, and whether text was
 * one of them. */
struct offer {
	char first[128];
	bool has_text;
};

/* Built with the sanitizers in the test build: its own leaks at exit
 * would only fill the compositor's log (a session's stderr). */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
	return "detect_leaks=0";
}

struct client {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
	struct wl_seat *seat;
	struct wl_keyboard *keyboard;
	struct wl_pointer *pointer;
	struct xkb_context *xkb;
	struct xkb_keymap *keymap;
	struct xkb_state *state;
	xkb_keysym_t pressed[MAX_KEYCODE]; // keysym of each key at its press
	unsigned keyboards, pointers; // wl_keyboards and wl_pointers gotten

	struct window windows[MAX_WINDOWS];
	int n_windows, open_windows;
	struct popup popups[MAX_POPUPS];
	int n_popups, opened_popups;
	uint32_t popup_colors[MAX_POPUPS];
	int n_popup_colors;
	bool popup_key; // popups open one per press of 'p', not at map
	bool late_popup_ack; // popup configures acked only when dismissed
	bool stay_connected; // after its windows closed, until disconnected
	bool one_by_one;     // window I+1 is made once window I is mapped
	bool popup_on_resize; // a popup opens when window 0 gets a new size

	// Clipboard: the selection's wl_data_offer, the drag's one, and ours.
	struct wl_data_device_manager *data_manager;
	struct wl_data_device *data_device;
	struct wl_data_offer *selection_offer, *drag_offer;
	const char *selection_text; // --set-selection TEXT
	struct wl_data_source *source;
	bool selection_asked; // set_selection sent (at the first enter)
	bool read_selection;  // --read-selection
	int read_fd;          // the selection being read, or -1
	char read_buf[MAX_SELECTION_TEXT];
	size_t read_len;

	bool misbehave;         // --misbehave: SIGUSR1 makes it misbehave
	bool misbehave_pending; // a SIGUSR1 came before window 0 was mapped
	int signal_fd;          // SIGTERM, and SIGUSR1 with --misbehave
	int extra_windows;      // toplevels made by --misbehave

	struct output outputs[MAX_OUTPUTS];
	int n_outputs;
	bool log_outputs;            // --log-outputs: enter NAME, leave NAME
	bool late_outputs;           // --late-outputs: bound once mapped
	uint32_t late_names[MAX_OUTPUTS], late_versions[MAX_OUTPUTS];
	int n_late;
	const char *fullscreen_name; // --fullscreen-output: asked at start
	const char *fullscreen_key;  // --fullscreen-key: f toggles
	bool fullscreen;             // window 0, as last configured

	uint32_t color;
	int force_width, force_height; // --oversize: ignore the configure size
	bool animate, ignore_close;
	unsigned frames;
	bool lying_opaque; // --lying-opaque: window 0 lies once its first
	                   // frame is done
	bool lie_asked;    // the first frame's callback asked for
	bool lying;        // window 0 now draws the lie
	FILE *log;
	bool stamp; // --stamp: each log line starts with CLOCK_MONOTONIC ns
	FILE *globals;
};

static void logf_(struct client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void logf_(struct client *c, const char *fmt, ...) {
	if (c->log == NULL) {
		return;
	}
	if (c->stamp) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		fprintf(c->log, "%lld ",
			(long long)now.tv_sec * 1000000000 + now.tv_nsec);
	}
	va_list args;
	va_start(args, fmt);
	vfprintf(c->log, fmt, args);
	va_end(args);
	fputc('\n', c->log);
	fflush(c->log);
}

struct seen {
	struct client *client;
	char text[64];
};

static void seen_done(void *data, struct wl_callback *callback,
		uint32_t serial) {
	struct seen *seen = data;
	logf_(seen->client, "%s", seen->text);
	wl_callback_destroy(callback);
	free(seen);
}

static const struct wl_callback_listener seen_listener = {
	.done = seen_done,
};

/* Logs text once the compositor has processed all we sent so far: a line
 * in the log is a fact about the compositor's side too. */
static void log_when_seen(struct client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void log_when_seen(struct client *c, const char *fmt, ...) {
	struct seen *seen = calloc(1, sizeof(*seen));
	seen->client = c;
	va_list args;
	va_start(args, fmt);
	vsnprintf(seen->text, sizeof(seen->text), fmt, args);
	va_end(args);
	struct wl_callback *callback = wl_display_sync(c->display);
	wl_callback_add_listener(callback, &seen_listener, seen);
}

/* A buffer of one pixel value, in an shm format. */
static struct wl_buffer *make_buffer_of(struct client *c, int width,
		int height, uint32_t pixel, uint32_t format) {
	int stride = width * 4;
	size_t size = (size_t)stride * height;
	int fd = memfd_create("mp-client", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, size) < 0) {
		return NULL;
	}
	uint32_t *data = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		fd, 0);
	if (data == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	for (size_t i = 0; i < size / 4; i++) {
		data[i] = pixel;
	}
	munmap(data, size);
	struct wl_shm_pool *pool = wl_shm_create_pool(c->shm, fd, size);
	struct wl_buffer *buffer = wl_shm_pool_create_buffer(pool, 0, width,
		height, stride, format);
	wl_shm_pool_destroy(pool);
	close(fd);
	return buffer;
}

static struct wl_buffer *make_buffer(struct client *c, int width,
		int height, uint32_t color) {
	return make_buffer_of(c, width, height, 0xff000000 | color,
		WL_SHM_FORMAT_XRGB8888);
}

static void buffer_release(void *data, struct wl_buffer *buffer) {
	wl_buffer_destroy(buffer);
}

static const struct wl_buffer_listener buffer_listener = {
	.release = buffer_release,
};

static void draw(struct window *w);
static void bind_late_outputs(struct client *c);
static void open_popup(struct client *c);
static void window_create(struct client *c, int index);
static void misbehave(struct client *c);

static void frame_done(void *data, struct wl_callback *callback,
		uint32_t time) {
	struct window *w = data;
	struct client *c = w->client;
	wl_callback_destroy(callback);
	w->frame_pending = false;
	c->frames++;
	logf_(c, "frame %u", c->frames);
	draw(w);
}

static const struct wl_callback_listener frame_listener = {
	.done = frame_done,
};

/* --lying-opaque: window 0's first frame is done; from now on it lies. */
static void lie_frame_done(void *data, struct wl_callback *callback,
		uint32_t time) {
	struct window *w = data;
	wl_callback_destroy(callback);
	if (w->closed) {
		return;
	}
	w->client->lying = true;
	draw(w);
}

static const struct wl_callback_listener lie_frame_listener = {
	.done = lie_frame_done,
};

static void draw(struct window *win) {
	struct client *c = win->client;
	int w = c->force_width ? c->force_width : win->width;
	int h = c->force_height ? c->force_height : win->height;
	// --lying-opaque: window 0, once lying, is fully transparent ARGB
	// while it says all of it is opaque.
	bool lie = c->lying && win->index == 0;
	struct wl_buffer *buffer = lie ?
		make_buffer_of(c, w, h, 0x00000000, WL_SHM_FORMAT_ARGB8888) :
		make_buffer(c, w, h, c->color);
	if (buffer == NULL) {
		fprintf(stderr, "mp-client: cannot make a buffer\n");
		exit(1);
	}
	wl_buffer_add_listener(buffer, &buffer_listener, NULL);
	wl_surface_attach(win->surface, buffer, 0, 0);
	wl_surface_damage_buffer(win->surface, 0, 0, w, h);
	if (lie) {
		struct wl_region *opaque = wl_compositor_create_region(c->compositor);
		wl_region_add(opaque, 0, 0, w, h);
		wl_surface_set_opaque_region(win->surface, opaque);
		wl_region_destroy(opaque);
	} else if (c->lying_opaque && win->index == 0 && !c->lie_asked) {
		// The lie comes once this (honest) frame was drawn.
		c->lie_asked = true;
		struct wl_callback *cb = wl_surface_frame(win->surface);
		wl_callback_add_listener(cb, &lie_frame_listener, win);
	}
	// Only window 0 animates.
	bool animate = c->animate && win->index == 0;
	if (animate && !win->frame_pending) {
		win->frame_pending = true;
		struct wl_callback *cb = wl_surface_frame(win->surface);
		wl_callback_add_listener(cb, &frame_listener, win);
	}
	wl_surface_commit(win->surface);
	if (!animate || c->frames == 0) {
		if (win->index == 0) {
			log_when_seen(c, "drawn %d %d", w, h);
		}
		log_when_seen(c, "drawn[%d] %d %d", win->index, w, h);
	}
	if (lie) {
		log_when_seen(c, "lying-frame %d %d", w, h);
	}
}

static void xdg_surface_configure(void *data, struct xdg_surface *surface,
		uint32_t serial) {
	struct window *w = data;
	struct client *c = w->client;
	xdg_surface_ack_configure(surface, serial);
	draw(w);
	bool first = !w->configured;
	w->configured = true;
	if (first && w->index == 0) {
		// Window 0 is mapped with this commit: popups may open on it.
		open_popup(c);
		bind_late_outputs(c);
	}
	if (first && c->one_by_one && w->index + 1 < c->n_windows) {
		window_create(c, w->index + 1); // the next one, now it is mapped
	}
	if (first && w->index == 0 && c->misbehave_pending) {
		c->misbehave_pending = false;
		misbehave(c);
	}
}

static const struct xdg_surface_listener xdg_surface_listener = {
	.configure = xdg_surface_configure,
};

static void toplevel_configure(void *data, struct xdg_toplevel *toplevel,
		int32_t width, int32_t height, struct wl_array *states) {
	struct window *w = data;
	w->width = width > 0 ? width : 200;
	w->height = height > 0 ? height : 200;
	bool activated = false, fullscreen = false;
	uint32_t *state;
	wl_array_for_each(state, states) {
		activated |= *state == XDG_TOPLEVEL_STATE_ACTIVATED;
		fullscreen |= *state == XDG_TOPLEVEL_STATE_FULLSCREEN;
	}
	if (w->index == 0) {
		logf_(w->client, "configure %d %d%s", width, height,
			fullscreen ? " fullscreen" : "");
		struct client *c = w->client;
		c->fullscreen = fullscreen;
		if (c->popup_on_resize && w->configured && width > 0 &&
				(width != w->width_seen || height != w->height_seen) &&
				c->opened_popups < MAX_POPUPS) {
			// A new size (the session moved): a menu opens on it.
			c->n_popups = c->opened_popups + 1;
			open_popup(c);
		}
		w->width_seen = width;
		w->height_seen = height;
	}
	logf_(w->client, "configure[%d] %d %d %s", w->index, width, height,
		activated ? "activated" : "inactive");
}

static void window_destroy(struct window *w) {
	xdg_toplevel_destroy(w->toplevel);
	xdg_surface_destroy(w->xdg_surface);
	wl_surface_destroy(w->surface);
	w->toplevel = NULL;
	w->closed = true;
	w->client->open_windows--;
}

static void toplevel_close(void *data, struct xdg_toplevel *toplevel) {
	struct window *w = data;
	struct client *c = w->client;
	if (w->index == 0) {
		logf_(c, "close");
	}
	logf_(c, "close[%d]", w->index);
	if (!c->ignore_close && !w->closed) {
		// Popups on window 0 go first, topmost first.
		for (int i = c->opened_popups - 1; w->index == 0 && i >= 0; i--) {
			struct popup *p = &c->popups[i];
			if (p->popup != NULL) {
				xdg_popup_destroy(p->popup);
				xdg_surface_destroy(p->xdg_surface);
				wl_surface_destroy(p->surface);
				p->popup = NULL;
			}
		}
		window_destroy(w);
	}
}

static const struct xdg_toplevel_listener toplevel_listener = {
	.configure = toplevel_configure,
	.close = toplevel_close,
};

static const char *output_name(struct client *c, struct wl_output *output) {
	for (int i = 0; i < c->n_outputs; i++) {
		if (c->outputs[i].wl_output == output) {
			return c->outputs[i].name;
		}
	}
	return "unknown";
}

/* The wl_output named name, or NULL ("-", or none of that name). */
static struct wl_output *output_named(struct client *c, const char *name) {
	for (int i = 0; i < c->n_outputs && strcmp(name, "-") != 0; i++) {
		if (strcmp(c->outputs[i].name, name) == 0) {
			return c->outputs[i].wl_output;
		}
	}
	if (strcmp(name, "-") != 0) {
		logf_(c, "no output %s", name);
	}
	return NULL;
}

static void surface_enter(void *data, struct wl_surface *surface,
		struct wl_output *output) {
	struct client *c = data;
	logf_(c, "surface-enter");
	if (c->log_outputs) {
		logf_(c, "enter %s", output_name(c, output));
	}
}

static void surface_leave(void *data, struct wl_surface *surface,
		struct wl_output *output) {
	struct client *c = data;
	logf_(c, "surface-leave");
	if (c->log_outputs) {
		logf_(c, "leave %s", output_name(c, output));
	}
}

/* Window 0's: surface-enter, surface-leave (and with --log-outputs enter
 * NAME, leave NAME). */
static const struct wl_surface_listener surface_listener = {
	.enter = surface_enter,
	.leave = surface_leave,
};

static void window_create(struct client *c, int index) {
	struct window *w = &c->windows[index];
	w->client = c;
	w->index = index;
	w->surface = wl_compositor_create_surface(c->compositor);
	if (index == 0) {
		wl_surface_add_listener(w->surface, &surface_listener, c);
	}
	w->xdg_surface = xdg_wm_base_get_xdg_surface(c->wm_base, w->surface);
	xdg_surface_add_listener(w->xdg_surface, &xdg_surface_listener, w);
	w->toplevel = xdg_surface_get_toplevel(w->xdg_surface);
	xdg_toplevel_add_listener(w->toplevel, &toplevel_listener, w);
	xdg_toplevel_set_title(w->toplevel, "mp-client");
	if (index == 0 && c->fullscreen_name != NULL) {
		// Before its first commit, as a video player started
		// fullscreen on a given screen does.
		xdg_toplevel_set_fullscreen(w->toplevel,
			output_named(c, c->fullscreen_name));
	}
	wl_surface_commit(w->surface);
	c->open_windows++;
}

/* ---- popups ---- */

/* Destroys the popups the compositor dismissed, from the top of the chain
 * down (a popup goes only once its children have). */
static void popups_prune(struct client *c) {
	for (int i = c->opened_popups - 1; i >= 0; i--) {
		struct popup *p = &c->popups[i];
		if (p->popup == NULL) {
			continue;
		}
		if (!p->done) {
			break;
		}
		xdg_popup_destroy(p->popup);
		xdg_surface_destroy(p->xdg_surface);
		wl_surface_destroy(p->surface);
		p->popup = NULL;
	}
}

static void popup_surface_configure(void *data, struct xdg_surface *surface,
		uint32_t serial) {
	struct popup *p = data;
	struct client *c = p->client;
	if (c->late_popup_ack && !p->done) {
		// Acked later, when the popup is dismissed: a request that is
		// on its way while the compositor dismisses it.
		p->unacked = serial;
		p->has_unacked = true;
		logf_(c, "popup %d configure not acked", p->index);
		return;
	}
	xdg_surface_ack_configure(surface, serial);
	if (p->done) {
		return;
	}
	struct wl_buffer *buffer = make_buffer(c, 50, 50, p->color);
	if (buffer == NULL) {
		fprintf(stderr, "mp-client: cannot make a buffer\n");
		exit(1);
	}
	wl_buffer_add_listener(buffer, &buffer_listener, NULL);
	wl_surface_attach(p->surface, buffer, 0, 0);
	wl_surface_damage_buffer(p->surface, 0, 0, 50, 50);
	wl_surface_commit(p->surface);
	if (!p->drawn) {
		p->drawn = true;
		log_when_seen(c, "popup %d drawn", p->index);
		open_popup(c); // the next one of the chain, on this one
	}
}

static const struct xdg_surface_listener popup_surface_listener = {
	.configure = popup_surface_configure,
};

static void popup_configure(void *data, struct xdg_popup *xdg_popup,
		int32_t x, int32_t y, int32_t width, int32_t height) {
	struct popup *p = data;
	logf_(p->client, "popup %d configured %d %d %d %d", p->index, x, y,
		width, height);
}

static void popup_done(void *data, struct xdg_popup *xdg_popup) {
	struct popup *p = data;
	logf_(p->client, "popup %d done", p->index);
	p->done = true;
	if (p->has_unacked) {
		xdg_surface_ack_configure(p->xdg_surface, p->unacked);
		p->has_unacked = false;
		log_when_seen(p->client, "popup %d acked after done", p->index);
	}
	popups_prune(p->client);
}

static const struct xdg_popup_listener popup_listener = {
	.configure = popup_configure,
	.popup_done = popup_done,
};

/* Opens the next popup of the chain, if more are wanted: 50x50, 20 pixels
 * right of and below its parent's corner. Its parent is the newest popup
 * still open, or window 0 when none is. */
static void open_popup(struct client *c) {
	if (c->opened_popups >= c->n_popups || c->windows[0].closed) {
		return;
	}
	struct popup *p = &c->popups[c->opened_popups];
	struct xdg_surface *parent = c->windows[0].xdg_surface;
	for (int i = c->opened_popups - 1; i >= 0; i--) {
		if (c->popups[i].popup != NULL && !c->popups[i].done) {
			parent = c->popups[i].xdg_surface;
			break;
		}
	}
	p->client = c;
	p->index = ++c->opened_popups;
	int k = p->index - 1;
	p->color = c->popup_colors[k < c->n_popup_colors ? k :
		c->n_popup_colors - 1];
	struct xdg_positioner *positioner =
		xdg_wm_base_create_positioner(c->wm_base);
	xdg_positioner_set_size(positioner, 50, 50);
	xdg_positioner_set_anchor_rect(positioner, 20, 20, 1, 1);
	xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_TOP_LEFT);
	xdg_positioner_set_gravity(positioner,
		XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
	p->surface = wl_compositor_create_surface(c->compositor);
	p->xdg_surface = xdg_wm_base_get_xdg_surface(c->wm_base, p->surface);
	xdg_surface_add_listener(p->xdg_surface, &popup_surface_listener, p);
	p->popup = xdg_surface_get_popup(p->xdg_surface, parent, positioner);
	xdg_popup_add_listener(p->popup, &popup_listener, p);
	xdg_positioner_destroy(positioner);
	wl_surface_commit(p->surface);
}

/* --misbehave, on SIGUSR1: maps a new toplevel, asks for window 0 to go
 * fullscreen, opens a popup (on the newest one still open, or on window
 * 0) and commits a 4000x4000 buffer on window 0 whatever its configure
 * said; then logs misbehaved. Waits for window 0 to be mapped first. */
static void misbehave(struct client *c) {
	struct window *w0 = &c->windows[0];
	if (!w0->configured && !w0->closed) {
		c->misbehave_pending = true;
		return;
	}
	int index = c->n_windows + c->extra_windows;
	if (index < MAX_WINDOWS) {
		c->extra_windows++;
		window_create(c, index);
	}
	if (!w0->closed) {
		xdg_toplevel_set_fullscreen(w0->toplevel, NULL);
		if (c->opened_popups < MAX_POPUPS) {
			c->n_popups = c->opened_popups + 1;
			open_popup(c);
		}
		struct wl_buffer *buffer = make_buffer(c, 4000, 4000, c->color);
		if (buffer == NULL) {
			fprintf(stderr, "mp-client: cannot make a buffer\n");
			exit(1);
		}
		wl_buffer_add_listener(buffer, &buffer_listener, NULL);
		wl_surface_attach(w0->surface, buffer, 0, 0);
		wl_surface_damage_buffer(w0->surface, 0, 0, 4000, 4000);
		wl_surface_commit(w0->surface);
	}
	log_when_seen(c, "misbehaved");
}

/* ---- clipboard ---- */

static void source_target(void *data, struct wl_data_source *source,
		const char *mime_type) {
}

/* Another client (or this one) pastes: it gets the --set-selection text. */
static void source_send(void *data, struct wl_data_source *source,
		const char *mime_type, int32_t fd) {
	struct client *c = data;
	const char *text = c->selection_text;
	size_t left = strlen(text);
	while (left > 0) {
		ssize_t n = write(fd, text, left);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		text += n;
		left -= n;
	}
	close(fd);
	logf_(c, "selection-sent %s", mime_type);
}

static void source_cancelled(void *data, struct wl_data_source *source) {
	struct client *c = data;
	logf_(c, "selection-cancelled");
	wl_data_source_destroy(source);
	if (c->source == source) {
		c->source = NULL;
	}
}

static void source_dnd_drop_performed(void *data,
		struct wl_data_source *source) {
}

static void source_dnd_finished(void *data, struct wl_data_source *source) {
}

static void source_action(void *data, struct wl_data_source *source,
		uint32_t action) {
}

static const struct wl_data_source_listener source_listener = {
	.target = source_target,
	.send = source_send,
	.cancelled = source_cancelled,
	.dnd_drop_performed = source_dnd_drop_performed,
	.dnd_finished = source_dnd_finished,
	.action = source_action,
};

/* --set-selection: offers its text as the selection, with the serial of
 * the first keyboard enter. */
static void set_selection(struct client *c, uint32_t serial) {
	if (c->selection_text == NULL || c->data_device == NULL ||
			c->selection_asked) {
		return;
	}
	c->selection_asked = true;
	c->source = wl_data_device_manager_create_data_source(c->data_manager);
	wl_data_source_add_listener(c->source, &source_listener, c);
	wl_data_source_offer(c->source, TEXT_MIME);
	wl_data_device_set_selection(c->data_device, c->source, serial);
	log_when_seen(c, "selection-set");
}

static void offer_offer(void *data, struct wl_data_offer *wl_offer,
		const char *mime_type) {
	struct offer *offer = data;
	if (offer->first[0] == '\0') {
		snprintf(offer->first, sizeof(offer->first), "%s", mime_type);
	}
	offer->has_text |= strcmp(mime_type, TEXT_MIME) == 0;
}

static void offer_source_actions(void *data, struct wl_data_offer *wl_offer,
		uint32_t actions) {
}

static void offer_action(void *data, struct wl_data_offer *wl_offer,
		uint32_t action) {
}

static const struct wl_data_offer_listener offer_listener = {
	.offer = offer_offer,
	.source_actions = offer_source_actions,
	.action = offer_action,
};

static void offer_destroy(struct wl_data_offer *wl_offer) {
	if (wl_offer != NULL) {
		free(wl_data_offer_get_user_data(wl_offer));
		wl_data_offer_destroy(wl_offer);
	}
}

/* Ends the read of the selection: selection-text TEXT (a newline in it
 * written as \n) once the whole of it came. */
static void selection_read_end(struct client *c, bool log) {
	if (c->read_fd < 0) {
		return;
	}
	close(c->read_fd);
	c->read_fd = -1;
	if (!log) {
		return;
	}
	char text[2 * MAX_SELECTION_TEXT + 1];
	size_t n = 0;
	for (size_t i = 0; i < c->read_len; i++) {
		if (c->read_buf[i] == '\n') {
			text[n++] = '\\';
			text[n++] = 'n';
		} else {
			text[n++] = c->read_buf[i];
		}
	}
	text[n] = '\0';
	logf_(c, "selection-text %s", text);
}

/* The selection pipe is readable: what came (what does not fit in
 * MAX_SELECTION_TEXT is dropped), or its end. */
static void selection_read_more(struct client *c) {
	char buf[1024];
	ssize_t n = read(c->read_fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
		return;
	}
	if (n <= 0) {
		selection_read_end(c, true);
		return;
	}
	size_t room = sizeof(c->read_buf) - 1 - c->read_len;
	size_t keep = (size_t)n < room ? (size_t)n : room;
	memcpy(c->read_buf + c->read_len, buf, keep);
	c->read_len += keep;
}

/* --read-selection: asks for the selection's text through a pipe, read
 * in the main loop (the source may be this client itself). */
static void selection_read_start(struct client *c,
		struct wl_data_offer *wl_offer) {
	selection_read_end(c, false); // a newer selection replaces it
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		return;
	}
	wl_data_offer_receive(wl_offer, TEXT_MIME, fds[1]);
	close(fds[1]);
	c->read_fd = fds[0];
	c->read_len = 0;
}

static void device_data_offer(void *data, struct wl_data_device *device,
		struct wl_data_offer *wl_offer) {
	struct offer *offer = calloc(1, sizeof(*offer));
	wl_data_offer_add_listener(wl_offer, &offer_listener, offer);
}

static void device_enter(void *data, struct wl_data_device *device,
		uint32_t serial, struct wl_surface *surface, wl_fixed_t x,
		wl_fixed_t y, struct wl_data_offer *wl_offer) {
	struct client *c = data;
	if (c->drag_offer != wl_offer) {
		offer_destroy(c->drag_offer);
	}
	c->drag_offer = wl_offer;
}

static void device_leave(void *data, struct wl_data_device *device) {
	struct client *c = data;
	offer_destroy(c->drag_offer);
	c->drag_offer = NULL;
}

static void device_motion(void *data, struct wl_data_device *device,
		uint32_t time, wl_fixed_t x, wl_fixed_t y) {
}

static void device_drop(void *data, struct wl_data_device *device) {
}

/* selection MIME (the offer's first type), or selection none. */
static void device_selection(void *data, struct wl_data_device *device,
		struct wl_data_offer *wl_offer) {
	struct client *c = data;
	if (c->selection_offer != wl_offer) {
		offer_destroy(c->selection_offer);
	}
	c->selection_offer = wl_offer;
	if (wl_offer == NULL) {
		logf_(c, "selection none");
		return;
	}
	struct offer *offer = wl_data_offer_get_user_data(wl_offer);
	logf_(c, "selection %s", offer->first[0] ? offer->first : "empty");
	if (c->read_selection && offer->has_text) {
		selection_read_start(c, wl_offer);
	}
}

static const struct wl_data_device_listener data_device_listener = {
	.data_offer = device_data_offer,
	.enter = device_enter,
	.leave = device_leave,
	.motion = device_motion,
	.drop = device_drop,
	.selection = device_selection,
};

static void wm_base_ping(void *data, struct xdg_wm_base *wm_base,
		uint32_t serial) {
	xdg_wm_base_pong(wm_base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = {
	.ping = wm_base_ping,
};

static void kb_keymap(void *data, struct wl_keyboard *kb, uint32_t format,
		int32_t fd, uint32_t size) {
	struct client *c = data;
	char *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		return;
	}
	xkb_state_unref(c->state);
	xkb_keymap_unref(c->keymap);
	c->keymap = xkb_keymap_new_from_string(c->xkb, map,
		XKB_KEYMAP_FORMAT_TEXT_V1, XKB_KEYMAP_COMPILE_NO_FLAGS);
	munmap(map, size);
	c->state = c->keymap ? xkb_state_new(c->keymap) : NULL;
}

static void kb_enter(void *data, struct wl_keyboard *kb, uint32_t serial,
		struct wl_surface *surface, struct wl_array *keys) {
	logf_(data, "keyboard-enter");
	logf_(data, "input keyboard-enter");
	set_selection(data, serial);
}

static void kb_leave(void *data, struct wl_keyboard *kb, uint32_t serial,
		struct wl_surface *surface) {
	logf_(data, "keyboard-leave");
	logf_(data, "input keyboard-leave");
}

static void kb_key(void *data, struct wl_keyboard *kb, uint32_t serial,
		uint32_t time, uint32_t key, uint32_t state) {
	struct client *c = data;
	if (c->state == NULL) {
		logf_(c, "input key-%s keycode-%u",
			state == WL_KEYBOARD_KEY_STATE_PRESSED ? "press" : "release",
			key);
		return;
	}
	char name[64];
	if (state != WL_KEYBOARD_KEY_STATE_PRESSED) {
		// Named by the keysym it had when pressed.
		xkb_keysym_t sym = key < MAX_KEYCODE ? c->pressed[key] :
			XKB_KEY_NoSymbol;
		if (sym == XKB_KEY_NoSymbol) {
			sym = xkb_state_key_get_one_sym(c->state, key + 8);
		}
		xkb_keysym_get_name(sym, name, sizeof(name));
		logf_(c, "release %s", name);
		logf_(c, "input key-release %s", name);
		if (key < MAX_KEYCODE) {
			c->pressed[key] = XKB_KEY_NoSymbol;
		}
		return;
	}
	xkb_keysym_t sym = xkb_state_key_get_one_sym(c->state, key + 8);
	if (key < MAX_KEYCODE) {
		c->pressed[key] = sym;
	}
	char utf8[16];
	xkb_keysym_get_name(sym, name, sizeof(name));
	xkb_state_key_get_utf8(c->state, key + 8, utf8, sizeof(utf8));
	logf_(c, "key %s %s", name, utf8);
	logf_(c, "input key-press %s", name);
	if (c->popup_key && sym == XKB_KEY_p && c->opened_popups < MAX_POPUPS) {
		c->n_popups = c->opened_popups + 1;
		open_popup(c);
	}
	struct window *w0 = &c->windows[0];
	if (c->fullscreen_key != NULL && sym == XKB_KEY_f && !w0->closed) {
		if (c->fullscreen) {
			xdg_toplevel_unset_fullscreen(w0->toplevel);
		} else {
			xdg_toplevel_set_fullscreen(w0->toplevel,
				output_named(c, c->fullscreen_key));
		}
		log_when_seen(c, "asked %sfullscreen", c->fullscreen ? "un" : "");
	}
}

static void kb_modifiers(void *data, struct wl_keyboard *kb, uint32_t serial,
		uint32_t depressed, uint32_t latched, uint32_t locked,
		uint32_t group) {
	struct client *c = data;
	if (c->state != NULL) {
		xkb_state_update_mask(c->state, depressed, latched, locked, 0, 0,
			group);
	}
	logf_(c, "input modifiers %u %u %u %u", depressed, latched, locked,
		group);
}

static void kb_repeat_info(void *data, struct wl_keyboard *kb, int32_t rate,
		int32_t delay) {
}

static const struct wl_keyboard_listener keyboard_listener = {
	.keymap = kb_keymap,
	.enter = kb_enter,
	.leave = kb_leave,
	.key = kb_key,
	.modifiers = kb_modifiers,
	.repeat_info = kb_repeat_info,
};

static void ptr_enter(void *data, struct wl_pointer *p, uint32_t serial,
		struct wl_surface *surface, wl_fixed_t x, wl_fixed_t y) {
	logf_(data, "pointer-enter %d %d", wl_fixed_to_int(x),
		wl_fixed_to_int(y));
	logf_(data, "input pointer-enter %d %d", wl_fixed_to_int(x),
		wl_fixed_to_int(y));
}

static void ptr_leave(void *data, struct wl_pointer *p, uint32_t serial,
		struct wl_surface *surface) {
	logf_(data, "pointer-leave");
	logf_(data, "input pointer-leave");
}

static void ptr_motion(void *data, struct wl_pointer *p, uint32_t time,
		wl_fixed_t x, wl_fixed_t y) {
	logf_(data, "motion %d %d", wl_fixed_to_int(x), wl_fixed_to_int(y));
	logf_(data, "input motion %d %d", wl_fixed_to_int(x),
		wl_fixed_to_int(y));
}

static void ptr_button(void *data, struct wl_pointer *p, uint32_t serial,
		uint32_t time, uint32_t button, uint32_t state) {
	logf_(data, "button %u %s", button, state ? "pressed" : "released");
	logf_(data, "input button %u %s", button,
		state ? "pressed" : "released");
}

static void ptr_axis(void *data, struct wl_pointer *p, uint32_t time,
		uint32_t axis, wl_fixed_t value) {
	logf_(data, "input axis %u %d", axis, wl_fixed_to_int(value));
}

static void ptr_frame(void *data, struct wl_pointer *p) {
}

static void ptr_axis_source(void *data, struct wl_pointer *p,
		uint32_t source) {
}

static void ptr_axis_stop(void *data, struct wl_pointer *p, uint32_t time,
		uint32_t axis) {
}

static void ptr_axis_discrete(void *data, struct wl_pointer *p,
		uint32_t axis, int32_t discrete) {
}

static const struct wl_pointer_listener pointer_listener = {
	.enter = ptr_enter,
	.leave = ptr_leave,
	.motion = ptr_motion,
	.button = ptr_button,
	.axis = ptr_axis,
	.frame = ptr_frame,
	.axis_source = ptr_axis_source,
	.axis_stop = ptr_axis_stop,
	.axis_discrete = ptr_axis_discrete,
};


static void seat_capabilities(void *data, struct wl_seat *seat,
		uint32_t caps) {
	struct client *c = data;
	if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) && c->keyboard == NULL) {
		c->keyboard = wl_seat_get_keyboard(seat);
		wl_keyboard_add_listener(c->keyboard, &keyboard_listener, c);
		log_when_seen(c, "keyboard-ready %u", ++c->keyboards);
	}
	if ((caps & WL_SEAT_CAPABILITY_POINTER) && c->pointer == NULL) {
		c->pointer = wl_seat_get_pointer(seat);
		wl_pointer_add_listener(c->pointer, &pointer_listener, c);
		log_when_seen(c, "pointer-ready %u", ++c->pointers);
	}
	// A capability that goes takes its object with it (the compositor
	// makes it inert); one that comes back gets a new one.
	if (!(caps & WL_SEAT_CAPABILITY_KEYBOARD) && c->keyboard != NULL) {
		if (wl_keyboard_get_version(c->keyboard) >= 3) {
			wl_keyboard_release(c->keyboard);
		} else {
			wl_keyboard_destroy(c->keyboard);
		}
		c->keyboard = NULL;
		logf_(c, "keyboard-gone");
	}
	if (!(caps & WL_SEAT_CAPABILITY_POINTER) && c->pointer != NULL) {
		if (wl_pointer_get_version(c->pointer) >= 3) {
			wl_pointer_release(c->pointer);
		} else {
			wl_pointer_destroy(c->pointer);
		}
		c->pointer = NULL;
		logf_(c, "pointer-gone");
	}
	logf_(c, "capabilities %u", caps);
}

static void seat_name(void *data, struct wl_seat *seat, const char *name) {
	logf_(data, "seat %s", name);
}

static const struct wl_seat_listener seat_listener = {
	.capabilities = seat_capabilities,
	.name = seat_name,
};

static void output_geometry(void *data, struct wl_output *output,
		int32_t x, int32_t y, int32_t width_mm, int32_t height_mm,
		int32_t subpixel, const char *make, const char *model,
		int32_t transform) {
	struct output *o = data;
	if (model != NULL && strncmp(model, "MP-", 3) == 0) {
		snprintf(o->name, sizeof(o->name), "%s", model);
	}
}

static void output_mode(void *data, struct wl_output *output, uint32_t flags,
		int32_t width, int32_t height, int32_t refresh) {
	struct output *o = data;
	if (flags & WL_OUTPUT_MODE_CURRENT) {
		logf_(o->client, "output-mode %d %d", width, height);
		if (o->client->log_outputs) {
			logf_(o->client, "output %s mode %d %d", o->name, width,
				height);
		}
	}
}

static void output_done(void *data, struct wl_output *output) {
	struct output *o = data;
	logf_(o->client, "output-done");
}

static void output_scale(void *data, struct wl_output *output,
		int32_t factor) {
}

static const struct wl_output_listener output_listener = {
	.geometry = output_geometry,
	.mode = output_mode,
	.done = output_done,
	.scale = output_scale,
};

/* Logs its current mode: output-mode W H, then output-done (never
 * destroyed: the client lives as long as its outputs do). */
static void bind_output(struct client *c, uint32_t name, uint32_t version) {
	struct wl_output *output = wl_registry_bind(c->registry, name,
		&wl_output_interface, version < 2 ? version : 2);
	if (c->n_outputs < MAX_OUTPUTS) {
		struct output *o = &c->outputs[c->n_outputs++];
		o->client = c;
		o->wl_output = output;
		snprintf(o->name, sizeof(o->name), "output-%d", c->n_outputs);
		wl_output_add_listener(output, &output_listener, o);
	}
}

/* --late-outputs: the outputs announced, bound now (window 0 is mapped). */
static void bind_late_outputs(struct client *c) {
	for (int i = 0; i < c->n_late; i++) {
		bind_output(c, c->late_names[i], c->late_versions[i]);
	}
	if (c->n_late > 0) {
		log_when_seen(c, "outputs bound");
	}
	c->n_late = 0;
}

static void registry_global(void *data, struct wl_registry *registry,
		uint32_t name, const char *interface, uint32_t version) {
	struct client *c = data;
	if (c->globals != NULL) {
		fprintf(c->globals, "%u %s\n", name, interface);
	}
	if (strcmp(interface, wl_compositor_interface.name) == 0) {
		c->compositor = wl_registry_bind(registry, name,
			&wl_compositor_interface, 4);
	} else if (strcmp(interface, wl_shm_interface.name) == 0) {
		c->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	} else if (strcmp(interface, xdg_wm_base_interface.name) == 0) {
		c->wm_base = wl_registry_bind(registry, name,
			&xdg_wm_base_interface, 1);
		xdg_wm_base_add_listener(c->wm_base, &wm_base_listener, c);
	} else if (strcmp(interface, wl_seat_interface.name) == 0 &&
			c->seat == NULL) {
		c->seat = wl_registry_bind(registry, name, &wl_seat_interface,
			version < 5 ? version : 5);
		wl_seat_add_listener(c->seat, &seat_listener, c);
	} else if (strcmp(interface, wl_output_interface.name) == 0) {
		if (c->late_outputs && c->n_late < MAX_OUTPUTS) {
			c->late_names[c->n_late] = name;
			c->late_versions[c->n_late++] = version;
		} else {
			bind_output(c, name, version);
		}
	} else if (strcmp(interface, wl_data_device_manager_interface.name) ==
			0 && c->data_manager == NULL) {
		c->data_manager = wl_registry_bind(registry, name,
			&wl_data_device_manager_interface, version < 3 ? version : 3);
	}
}

static void registry_global_remove(void *data, struct wl_registry *registry,
		uint32_t name) {
	logf_(data, "global-remove %u", name);
}

static const struct wl_registry_listener registry_listener = {
	.global = registry_global,
	.global_remove = registry_global_remove,
};

/* Tries to bind each global name up to max that was not announced, each
 * on a connection of its own; the compositor must refuse every one. */
static void probe_hidden(FILE *out, const char *announced, uint32_t max) {
	for (uint32_t name = 1; name <= max; name++) {
		char needle[32];
		snprintf(needle, sizeof(needle), "\n%u ", name);
		if (strstr(announced, needle) != NULL) {
			continue;
		}
		struct wl_display *display = wl_display_connect(NULL);
		if (display == NULL) {
			continue;
		}
		struct wl_registry *registry = wl_display_get_registry(display);
		void *proxy = wl_registry_bind(registry, name, &wl_seat_interface, 1);
		int ret = wl_display_roundtrip(display);
		int err = wl_display_get_error(display);
		fprintf(out, "hidden %u: %s\n", name,
			ret < 0 && err != 0 ? "refused" : "BOUND");
		(void)proxy;
		wl_display_disconnect(display);
	}
}

/* Whether the compositor has closed the connection: what it sent before
 * is read (and dispatched) up to the end, if the end is there. */
static bool connection_closed(struct client *c) {
	for (;;) {
		struct pollfd pfd = {
			.fd = wl_display_get_fd(c->display),
			.events = POLLIN,
		};
		if (poll(&pfd, 1, 0) <= 0 ||
				!(pfd.revents & (POLLIN | POLLHUP | POLLERR))) {
			return false; // nothing more: still connected
		}
		while (wl_display_prepare_read(c->display) != 0) {
			if (wl_display_dispatch_pending(c->display) < 0) {
				return true;
			}
		}
		if (wl_display_read_events(c->display) < 0 ||
				wl_display_dispatch_pending(c->display) < 0) {
			return true;
		}
	}
}

/* One round of the main loop, like wl_display_dispatch, but polling the
 * SIGUSR1 signalfd (--misbehave) and the selection pipe (--read-selection)
 * beside the connection. Returns -1 once the connection is gone. */
static int dispatch(struct client *c) {
	while (wl_display_prepare_read(c->display) != 0) {
		if (wl_display_dispatch_pending(c->display) < 0) {
			return -1;
		}
	}
	struct pollfd fds[3] = {
		{ .fd = wl_display_get_fd(c->display), .events = POLLIN },
		{ .fd = c->signal_fd, .events = POLLIN },
		{ .fd = c->read_fd, .events = POLLIN },
	};
	if (wl_display_flush(c->display) < 0) {
		if (errno == EAGAIN) {
			fds[0].events |= POLLOUT;
		} else if (errno != EPIPE) {
			// (EPIPE: what the compositor sent last is still read)
			wl_display_cancel_read(c->display);
			return -1;
		}
	}
	if (poll(fds, 3, -1) < 0) {
		wl_display_cancel_read(c->display);
		return errno == EINTR ? 0 : -1;
	}
	if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
		if (wl_display_read_events(c->display) < 0) {
			return -1; // disconnected (also when SIGTERM came with it)
		}
	} else {
		wl_display_cancel_read(c->display);
	}
	if (wl_display_dispatch_pending(c->display) < 0) {
		return -1;
	}
	if (fds[1].revents & POLLIN) {
		struct signalfd_siginfo info;
		while (read(c->signal_fd, &info, sizeof(info)) ==
				sizeof(info)) {
			if (info.ssi_signo == SIGTERM) {
				// The disconnect may have come with it, behind the last
				// events poll saw: then it is an exit.
				if (connection_closed(c)) {
					return -1;
				}
				// Still connected: killed, not disconnected.
				logf_(c, "terminated");
				exit(0);
			}
			misbehave(c);
		}
	}
	if (fds[2].revents != 0 && c->read_fd >= 0) {
		selection_read_more(c);
	}
	return 0;
}

/* "RRGGBB[,RRGGBB...]" into c->popup_colors. */
static bool parse_popup_colors(struct client *c, const char *text) {
	c->n_popup_colors = 0;
	for (const char *p = text; *p != '\0' && c->n_popup_colors < MAX_POPUPS;) {
		char *end;
		c->popup_colors[c->n_popup_colors++] =
			(uint32_t)strtoul(p, &end, 16) & 0xffffff;
		if (end == p || (*end != ',' && *end != '\0')) {
			return false;
		}
		p = *end == ',' ? end + 1 : end;
	}
	return c->n_popup_colors > 0;
}

static void usage(void) {
	fprintf(stderr,
		"usage: mp-client [options]\n"
		"  --color RRGGBB        fill the windows with this colour\n"
		"  --log FILE            append what happens to FILE, a line each:\n"
		"                        configure W H [fullscreen] (window 0),\n"
		"                        configure[I] W H\n"
		"                        activated|inactive, drawn W H, drawn[I] W H,\n"
		"                        key NAME UTF8, release NAME, button, motion,\n"
		"                        keyboard-ready N (the Nth wl_keyboard, once\n"
		"                        the capability came or came back),\n"
		"                        keyboard-enter, keyboard-gone, close,\n"
		"                        close[I], popup K ...\n"
		"  --oversize WxH        draw buffers of this size whatever the\n"
		"                        configure says\n"
		"  --globals FILE        list the globals announced in FILE\n"
		"  --probe-hidden MAX    then try to bind each name up to MAX that\n"
		"                        was not announced\n"
		"  --animate             redraw window 0 on every frame callback\n"
		"  --ignore-close        stay open when asked to close\n"
		"  --windows N           map N toplevels (default 1), each logging\n"
		"                        configure[I] W H activated|inactive\n"
		"  --popups N            once window 0 is drawn, open a chain of N\n"
		"                        nested 50x50 popups (K a child of K-1), each\n"
		"                        20,20 from its parent's corner, logging\n"
		"                        popup K configured X Y W H, popup K drawn\n"
		"                        and popup K done (when dismissed)\n"
		"  --popup-color RRGGBB[,RRGGBB...]\n"
		"                        popup K gets the Kth colour (the last one\n"
		"                        for the rest); default\n"
		"                        ffff00,00ffff,ff00ff\n"
		"  --one-by-one          with --windows: window I+1 is made once\n"
		"                        window I is mapped\n"
		"  --popup-on-resize     a popup opens (on the newest one still\n"
		"                        open, or on window 0) each time window 0\n"
		"                        is configured to a new size\n"
		"  --stay-connected      once its windows are closed (by request),\n"
		"                        stay connected until disconnected\n"
		"  --late-popup-ack      ack a popup's configure only when it is\n"
		"                        dismissed, then destroy it (logs popup K\n"
		"                        acked after done)\n"
		"  --popup-key           popups do not open at map: each press of\n"
		"                        p opens one, on the newest popup still open\n"
		"                        or on window 0\n"
		"  --misbehave           on each SIGUSR1: map a new toplevel, ask\n"
		"                        for window 0 to be fullscreen, open a popup\n"
		"                        (as --popup-key does), commit a 4000x4000\n"
		"                        buffer on window 0; then log misbehaved\n"
		"  --set-selection TEXT  at the first keyboard enter, offer TEXT\n"
		"                        (text/plain;charset=utf-8) as the\n"
		"                        selection: selection-set; then\n"
		"                        selection-sent MIME at each paste and\n"
		"                        selection-cancelled when replaced\n"
		"  --read-selection      read each selection that offers\n"
		"                        text/plain;charset=utf-8: selection-text\n"
		"                        TEXT (a newline in it written \\n)\n"
		"  --log-outputs         also log enter NAME and leave NAME (window\n"
		"                        0) and output NAME mode W H, an output\n"
		"                        named by its model when that is MP-N,\n"
		"                        else output-N in the order announced\n"
		"  --late-outputs        bind the wl_outputs only once window 0 is\n"
		"                        mapped (outputs bound, when done)\n"
		"  --fullscreen-output NAME\n"
		"                        window 0 asks to be fullscreen on output\n"
		"                        NAME (-: on none named) before its first\n"
		"                        commit; configure W H says fullscreen\n"
		"                        when it is\n"
		"  --fullscreen-key NAME each press of f asks for window 0 to be\n"
		"                        fullscreen on output NAME (-: none named),\n"
		"                        or no longer when it is: asked fullscreen,\n"
		"                        asked unfullscreen\n"
		"  --lying-opaque        once window 0's first frame is done, it\n"
		"                        draws (then at each configure) a fully\n"
		"                        transparent ARGB8888 buffer while it\n"
		"                        declares the whole window opaque\n"
		"                        (wl_surface.set_opaque_region), damaged\n"
		"                        whole: lying-frame W H once committed\n"
		"  --stamp               each log line starts with the time it was\n"
		"                        logged, CLOCK_MONOTONIC nanoseconds, and a\n"
		"                        space (an input event's line is logged as\n"
		"                        the event is received)\n"
		"Also logged: pid N at start; every wl_output's current mode,\n"
		"output-mode W H, and output-done; surface-enter and surface-leave\n"
		"(window 0); selection MIME (the first type offered) or selection\n"
		"none, at each wl_data_device.selection; and a line per input event:\n"
		"input keyboard-enter, input keyboard-leave, input key-press NAME,\n"
		"input key-release NAME, input modifiers D L K G, input\n"
		"pointer-enter X Y, input pointer-leave, input motion X Y, input\n"
		"button B pressed|released, input axis A V.\n");
}

int main(int argc, char *argv[]) {
	struct client c = { .color = 0x808080, .n_windows = 1, .read_fd = -1,
		.signal_fd = -1 };
	parse_popup_colors(&c, "ffff00,00ffff,ff00ff");
	const char *globals_path = NULL;
	uint32_t probe_max = 0;
	static const struct option options[] = {
		{ "color", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'l' },
		{ "oversize", required_argument, NULL, 'o' },
		{ "globals", required_argument, NULL, 'g' },
		{ "probe-hidden", required_argument, NULL, 'p' },
		{ "animate", no_argument, NULL, 'a' },
		{ "ignore-close", no_argument, NULL, 'i' },
		{ "windows", required_argument, NULL, 'w' },
		{ "popups", required_argument, NULL, 'P' },
		{ "popup-color", required_argument, NULL, 'C' },
		{ "popup-key", no_argument, NULL, 'K' },
		{ "late-popup-ack", no_argument, NULL, 'L' },
		{ "stay-connected", no_argument, NULL, 'S' },
		{ "one-by-one", no_argument, NULL, '1' },
		{ "popup-on-resize", no_argument, NULL, 'R' },
		{ "misbehave", no_argument, NULL, 'M' },
		{ "set-selection", required_argument, NULL, 's' },
		{ "read-selection", no_argument, NULL, 'r' },
		{ "log-outputs", no_argument, NULL, 'O' },
		{ "late-outputs", no_argument, NULL, 'T' },
		{ "fullscreen-output", required_argument, NULL, 'F' },
		{ "fullscreen-key", required_argument, NULL, 'k' },
		{ "stamp", no_argument, NULL, 't' },
		{ "lying-opaque", no_argument, NULL, 'Y' },
		{ 0 },
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			c.color = (uint32_t)strtoul(optarg, NULL, 16) & 0xffffff;
			break;
		case 'l':
			c.log = fopen(optarg, "a");
			break;
		case 'o':
			if (sscanf(optarg, "%dx%d", &c.force_width,
					&c.force_height) != 2) {
				fprintf(stderr, "mp-client: --oversize WxH\n");
				return 2;
			}
			break;
		case 'g':
			globals_path = optarg;
			break;
		case 'p':
			probe_max = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'a':
			c.animate = true;
			break;
		case 'i':
			c.ignore_close = true;
			break;
		case 'w':
			c.n_windows = atoi(optarg);
			if (c.n_windows < 1 || c.n_windows > MAX_WINDOWS) {
				fprintf(stderr, "mp-client: --windows 1 to %d\n",
					MAX_WINDOWS);
				return 2;
			}
			break;
		case 'P':
			c.n_popups = atoi(optarg);
			if (c.n_popups < 0 || c.n_popups > MAX_POPUPS) {
				fprintf(stderr, "mp-client: --popups 0 to %d\n",
					MAX_POPUPS);
				return 2;
			}
			break;
		case 'K':
			c.popup_key = true;
			break;
		case 'L':
			c.late_popup_ack = true;
			break;
		case 'S':
			c.stay_connected = true;
			break;
		case '1':
			c.one_by_one = true;
			break;
		case 'R':
			c.popup_on_resize = true;
			break;
		case 'M':
			c.misbehave = true;
			break;
		case 's':
			c.selection_text = optarg;
			break;
		case 'r':
			c.read_selection = true;
			break;
		case 'O':
			c.log_outputs = true;
			break;
		case 'T':
			c.late_outputs = true;
			break;
		case 'F':
			c.fullscreen_name = optarg;
			break;
		case 'k':
			c.fullscreen_key = optarg;
			break;
		case 't':
			c.stamp = true;
			break;
		case 'Y':
			c.lying_opaque = true;
			break;
		case 'C':
			if (!parse_popup_colors(&c, optarg)) {
				fprintf(stderr, "mp-client: --popup-color "
					"RRGGBB[,RRGGBB...]\n");
				return 2;
			}
			break;
		default:
			usage();
			return 2;
		}
	}
	if (optind < argc) {
		usage();
		return 2;
	}

	// A paste into a reader gone must not kill it.
	signal(SIGPIPE, SIG_IGN);
	// Blocked before pid N is logged: a SIGUSR1 sent at once waits.
	// SIGTERM (a session's end) is read in order with the connection:
	// the compositor disconnects a session's clients before its helper
	// sends SIGTERM, and that disconnect is what "exit" tells.
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	if (c.misbehave) {
		sigaddset(&mask, SIGUSR1);
	}
	sigprocmask(SIG_BLOCK, &mask, NULL);
	c.signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (c.signal_fd < 0) {
		fprintf(stderr, "mp-client: signalfd: %s\n", strerror(errno));
		return 1;
	}

	c.display = wl_display_connect(NULL);
	if (c.display == NULL) {
		fprintf(stderr, "mp-client: cannot connect: %s\n", strerror(errno));
		return 1;
	}
	logf_(&c, "pid %d", (int)getpid());
	c.xkb = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	char *announced = NULL;
	size_t announced_size = 0;
	if (globals_path != NULL) {
		c.globals = open_memstream(&announced, &announced_size);
		fputc('\n', c.globals);
	}
	c.registry = wl_display_get_registry(c.display);
	wl_registry_add_listener(c.registry, &registry_listener, &c);
	wl_display_roundtrip(c.display);
	if (c.fullscreen_name != NULL) {
		// The outputs' names (geometry) before window 0 names one.
		wl_display_roundtrip(c.display);
	}
	if (c.globals != NULL) {
		fclose(c.globals);
		c.globals = NULL;
		FILE *out = fopen(globals_path, "w");
		if (out != NULL) {
			fputs(announced + 1, out);
			if (probe_max > 0) {
				probe_hidden(out, announced, probe_max);
			}
			fputs("end\n", out);
			fclose(out);
		}
		free(announced);
	}
	if (c.compositor == NULL || c.shm == NULL || c.wm_base == NULL) {
		fprintf(stderr, "mp-client: missing wl_compositor, wl_shm or "
			"xdg_wm_base\n");
		return 1;
	}

	if (c.data_manager != NULL && c.seat != NULL) {
		c.data_device = wl_data_device_manager_get_data_device(
			c.data_manager, c.seat);
		wl_data_device_add_listener(c.data_device, &data_device_listener,
			&c);
	}

	for (int i = 0; i < (c.one_by_one ? 1 : c.n_windows); i++) {
		window_create(&c, i);
	}

	while (c.open_windows > 0 && dispatch(&c) >= 0) {
		// events do the work
	}
	if (c.stay_connected && c.open_windows == 0) {
		// Its windows went by request (xdg_toplevel.destroy sent): it
		// stays connected until the compositor disconnects it.
		logf_(&c, "windows closed, staying connected");
		while (dispatch(&c) >= 0) {
			// until the connection ends
		}
	}
	logf_(&c, "exit");
	return 0;
}
