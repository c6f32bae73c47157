#ifndef MP_VIEW_H
#define MP_VIEW_H

#include <stdbool.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/box.h>

struct mp_view;

/* What a view tells its owner (a session). */
struct mp_view_handler {
	void (*map)(struct mp_view *view);
	void (*unmap)(struct mp_view *view);
	// The toplevel is going: the view is freed when this returns.
	void (*destroy)(struct mp_view *view);
	// The client asks to be fullscreen on output (NULL: any), or no
	// longer (output NULL); the owner decides (view_set_fullscreen,
	// view_place). The client is answered with a configure either way.
	void (*request_fullscreen)(struct mp_view *view, bool fullscreen,
		struct wlr_output *output);
};

/* A toplevel of a session client. Its scene node lives as long as it
 * does, inside its owner's scene tree; the owner moves that tree between
 * stations, so nothing of the view is ever destroyed and made again. */
struct mp_view {
	struct wlr_xdg_surface *xdg_surface;
	struct wlr_scene_node *node;
	struct wl_list link; // owner's list, top first
	const struct mp_view_handler *handler;
	void *data;          // the owner
	struct wlr_box area; // where it is placed, layout coordinates
	bool mapped;
	bool activated;      // as last told to the client
	bool fullscreen;     // as last told to the client
	int width, height;   // size last told to the client, 0 before
	// Kept by the owner: the part of its station it is shown on (-1:
	// none yet), and whether it stays there (else the owner may choose
	// again until it is first shown mapped).
	int part;
	bool part_kept;
	struct wlr_output *output; // the output it has entered, NULL: none

	struct wl_listener map;
	struct wl_listener unmap;
	struct wl_listener destroy;
	struct wl_listener request_fullscreen;
	struct wl_listener request_maximize;
	struct wl_listener output_destroy;
};

/* A view for a new toplevel, its node a child of parent. NULL on
 * failure (the client is told it is out of memory). */
struct mp_view *view_create(struct wlr_xdg_surface *xdg_surface,
	struct wlr_scene_node *parent, const struct mp_view_handler *handler,
	void *data);
/* A new popup of any client: shown on its parent, inside the toplevel's
 * area; dismissed at once when its parent is not a view's. */
void view_handle_new_popup(struct wlr_xdg_surface *xdg_surface);
/* The view whose toplevel (or one of its popups) surface is, or NULL. */
struct mp_view *view_from_surface(struct wlr_surface *surface);

/* Fills area: the window geometry at its corner, the size it is told
 * (configured only when it changes). An empty area: shown nowhere (popups
 * are refused), the size stays. */
void view_place(struct mp_view *view, const struct wlr_box *area);
/* Tells the client whether it has the focus; only a change is sent. */
void view_set_activated(struct mp_view *view, bool activated);
/* Asks the client to close the toplevel. */
void view_close(struct mp_view *view);
/* Dismisses every popup of the view (popup_done). */
void view_close_popups(struct mp_view *view);
/* The output the client is told its window is on (wl_surface.enter), NULL:
 * none; the one it was on before is left (wl_surface.leave). Only a
 * change is sent (a wl_output bound later gets the enter too). An output
 * that goes is forgotten (its global is gone: the client needs no
 * leave). */
void view_set_output(struct mp_view *view, struct wlr_output *output);
/* Tells the client whether it is fullscreen; only a change is sent. Its
 * size stays what view_place says. */
void view_set_fullscreen(struct mp_view *view, bool fullscreen);

#endif
