#include <stdlib.h>
#include <wlr/util/edges.h>
#include <wlr/util/log.h>
#include "view.h"
#include "xdg-shell-protocol.h"

/* A popup: its scene node is a child of its parent's node (the toplevel's
 * or another popup's) and goes with its xdg_surface.
 *
 * Dismissed popups are told so (popup_done) and hidden until their client
 * destroys them, never destroyed by us: wlroots 0.15 makes a popup it
 * destroys inert, then answers the client's next ack_configure or
 * set_window_geometry on it with a protocol error, which kills a client
 * that did nothing wrong (its requests were already on their way). */
struct mp_popup {
	struct wlr_xdg_surface *xdg_surface;
	struct wlr_scene_node *node; // NULL when it was refused at once
	struct mp_view *view;        // of the toplevel, NULL when refused
	bool dismissed;
	struct wl_listener destroy;
	struct wl_listener map;
};

/* xdg_surface->data: an mp_view for toplevels we show, an mp_popup for
 * popups, NULL otherwise. */

struct mp_view *view_from_surface(struct wlr_surface *surface) {
	if (surface == NULL || !wlr_surface_is_xdg_surface(surface)) {
		return NULL;
	}
	struct wlr_xdg_surface *xdg = wlr_xdg_surface_from_wlr_surface(surface);
	if (xdg == NULL || xdg->data == NULL) {
		return NULL;
	}
	if (xdg->role == WLR_XDG_SURFACE_ROLE_POPUP) {
		struct mp_popup *popup = xdg->data;
		return popup->view;
	}
	return xdg->role == WLR_XDG_SURFACE_ROLE_TOPLEVEL ? xdg->data : NULL;
}

void view_set_activated(struct mp_view *view, bool activated) {
	if (view->activated == activated) {
		return;
	}
	view->activated = activated;
	wlr_xdg_toplevel_set_activated(view->xdg_surface, activated);
}

void view_close(struct mp_view *view) {
	wlr_xdg_toplevel_send_close(view->xdg_surface);
}

static void dismiss(struct mp_popup *popup) {
	if (popup->dismissed) {
		return;
	}
	popup->dismissed = true;
	if (popup->node != NULL) {
		wlr_scene_node_set_enabled(popup->node, false);
	}
	xdg_popup_send_popup_done(popup->xdg_surface->popup->resource);
}

/* Dismisses the popups of xdg_surface, the innermost first. */
static void dismiss_popups(struct wlr_xdg_surface *xdg_surface) {
	struct wlr_xdg_popup *xdg_popup;
	wl_list_for_each(xdg_popup, &xdg_surface->popups, link) {
		dismiss_popups(xdg_popup->base);
		if (xdg_popup->base->data != NULL) {
			dismiss(xdg_popup->base->data);
		}
	}
}

void view_close_popups(struct mp_view *view) {
	dismiss_popups(view->xdg_surface);
}

static void forget_output(struct mp_view *view) {
	wl_list_remove(&view->output_destroy.link);
	wl_list_init(&view->output_destroy.link);
	view->output = NULL;
}

/* wlroots keeps what the surface entered: a wl_output the client binds
 * later gets the enter too, and an enter is never sent twice. */
void view_set_output(struct mp_view *view, struct wlr_output *output) {
	if (view->output == output) {
		return;
	}
	if (view->output != NULL) {
		wlr_surface_send_leave(view->xdg_surface->surface, view->output);
		forget_output(view);
	}
	if (output != NULL) {
		view->output = output;
		wl_signal_add(&output->events.destroy, &view->output_destroy);
		wlr_surface_send_enter(view->xdg_surface->surface, output);
	}
}

static void handle_output_destroy(struct wl_listener *listener, void *data) {
	struct mp_view *view = wl_container_of(listener, view, output_destroy);
	// Its global went first: the client was told global_remove.
	forget_output(view);
}

void view_set_fullscreen(struct mp_view *view, bool fullscreen) {
	if (view->fullscreen == fullscreen) {
		return;
	}
	view->fullscreen = fullscreen;
	wlr_xdg_toplevel_set_fullscreen(view->xdg_surface, fullscreen);
}

/* The window geometry (not its shadows) at the area's corner. */
static void update_position(struct mp_view *view) {
	if (wlr_box_empty(&view->area)) {
		return;
	}
	struct wlr_box geo;
	wlr_xdg_surface_get_geometry(view->xdg_surface, &geo);
	wlr_scene_node_set_position(view->node, view->area.x - geo.x,
		view->area.y - geo.y);
}

void view_place(struct mp_view *view, const struct wlr_box *area) {
	view->area = *area;
	if (wlr_box_empty(area)) {
		return; // shown nowhere: it keeps the size it has
	}
	if (view->width != area->width || view->height != area->height) {
		// Every window fills its part of the station (one output, or
		// the station's half of one): maximized and tiled on every
		// edge, at the part's size; fullscreen is the same area. One
		// configure per change.
		view->width = area->width;
		view->height = area->height;
		wlr_xdg_toplevel_set_size(view->xdg_surface, area->width,
			area->height);
		wlr_xdg_toplevel_set_maximized(view->xdg_surface, true);
		wlr_xdg_toplevel_set_tiled(view->xdg_surface, WLR_EDGE_TOP |
			WLR_EDGE_BOTTOM | WLR_EDGE_LEFT | WLR_EDGE_RIGHT);
	}
	update_position(view);
}

static void handle_map(struct wl_listener *listener, void *data) {
	struct mp_view *view = wl_container_of(listener, view, map);
	view->mapped = true;
	update_position(view); // its geometry is known now
	view->handler->map(view);
}

static void handle_unmap(struct wl_listener *listener, void *data) {
	struct mp_view *view = wl_container_of(listener, view, unmap);
	view->mapped = false;
	view->handler->unmap(view);
}

static void handle_request_fullscreen(struct wl_listener *listener,
		void *data) {
	struct mp_view *view =
		wl_container_of(listener, view, request_fullscreen);
	struct wlr_xdg_toplevel_set_fullscreen_event *event = data;
	view->handler->request_fullscreen(view, event->fullscreen,
		event->fullscreen ? event->output : NULL);
	// Answered even when nothing changes (one configure at most: wlroots
	// sends what is scheduled once, from an idle callback).
	wlr_xdg_surface_schedule_configure(view->xdg_surface);
}

static void handle_request_maximize(struct wl_listener *listener, void *data) {
	struct mp_view *view = wl_container_of(listener, view, request_maximize);
	wlr_xdg_surface_schedule_configure(view->xdg_surface);
}

static void handle_destroy(struct wl_listener *listener, void *data) {
	struct mp_view *view = wl_container_of(listener, view, destroy);
	view->handler->destroy(view);
	// The scene node goes with the xdg_surface (wlroots' scene helper).
	view->xdg_surface->data = NULL;
	wl_list_remove(&view->map.link);
	wl_list_remove(&view->unmap.link);
	wl_list_remove(&view->destroy.link);
	wl_list_remove(&view->request_fullscreen.link);
	wl_list_remove(&view->request_maximize.link);
	wl_list_remove(&view->output_destroy.link);
	free(view);
}

struct mp_view *view_create(struct wlr_xdg_surface *xdg_surface,
		struct wlr_scene_node *parent, const struct mp_view_handler *handler,
		void *data) {
	struct mp_view *view = calloc(1, sizeof(*view));
	if (view == NULL) {
		wl_resource_post_no_memory(xdg_surface->resource);
		return NULL;
	}
	view->node = wlr_scene_xdg_surface_create(parent, xdg_surface);
	if (view->node == NULL) {
		free(view);
		wl_resource_post_no_memory(xdg_surface->resource);
		return NULL;
	}
	view->xdg_surface = xdg_surface;
	view->handler = handler;
	view->data = data;
	view->part = -1;
	wl_list_init(&view->link);
	view->output_destroy.notify = handle_output_destroy;
	wl_list_init(&view->output_destroy.link);
	xdg_surface->data = view;

	view->map.notify = handle_map;
	wl_signal_add(&xdg_surface->events.map, &view->map);
	view->unmap.notify = handle_unmap;
	wl_signal_add(&xdg_surface->events.unmap, &view->unmap);
	view->destroy.notify = handle_destroy;
	wl_signal_add(&xdg_surface->events.destroy, &view->destroy);
	view->request_fullscreen.notify = handle_request_fullscreen;
	wl_signal_add(&xdg_surface->toplevel->events.request_fullscreen,
		&view->request_fullscreen);
	view->request_maximize.notify = handle_request_maximize;
	wl_signal_add(&xdg_surface->toplevel->events.request_maximize,
		&view->request_maximize);
	return view;
}

static void handle_popup_destroy(struct wl_listener *listener, void *data) {
	struct mp_popup *popup = wl_container_of(listener, popup, destroy);
	popup->xdg_surface->data = NULL;
	wl_list_remove(&popup->destroy.link);
	wl_list_remove(&popup->map.link);
	free(popup);
}

static void handle_popup_map(struct wl_listener *listener, void *data) {
	struct mp_popup *popup = wl_container_of(listener, popup, map);
	if (popup->dismissed && popup->node != NULL) {
		// Mapped again after popup_done: it stays hidden.
		wlr_scene_node_set_enabled(popup->node, false);
	}
}

void view_handle_new_popup(struct wlr_xdg_surface *xdg_surface) {
	struct wlr_xdg_popup *xdg_popup = xdg_surface->popup;
	struct mp_popup *popup = calloc(1, sizeof(*popup));
	if (popup == NULL) {
		wl_resource_post_no_memory(xdg_surface->resource);
		return;
	}
	popup->xdg_surface = xdg_surface;
	xdg_surface->data = popup;
	popup->destroy.notify = handle_popup_destroy;
	wl_signal_add(&xdg_surface->events.destroy, &popup->destroy);
	popup->map.notify = handle_popup_map;
	wl_list_init(&popup->map.link);

	// Its parent: a toplevel we show, or a popup of one that is shown.
	struct mp_view *view = view_from_surface(xdg_popup->parent);
	struct wlr_scene_node *parent_node = NULL;
	if (view != NULL && !wlr_box_empty(&view->area)) {
		struct wlr_xdg_surface *parent =
			wlr_xdg_surface_from_wlr_surface(xdg_popup->parent);
		struct mp_popup *parent_popup =
			parent->role == WLR_XDG_SURFACE_ROLE_POPUP ? parent->data : NULL;
		parent_node = parent_popup == NULL ? view->node :
			parent_popup->dismissed ? NULL : parent_popup->node;
	}
	if (parent_node != NULL) {
		popup->node = wlr_scene_xdg_surface_create(parent_node, xdg_surface);
		// After the scene's own map listener, which enables the node.
		wl_signal_add(&xdg_surface->events.map, &popup->map);
	}
	if (popup->node == NULL) {
		// Not on a window that is shown (a session on no station, a
		// client without a session, a menu that was dismissed): no menu.
		dismiss(popup);
		return;
	}
	popup->view = view;

	// Keep the popup inside the toplevel's area, in its coordinates.
	struct wlr_box geo;
	wlr_xdg_surface_get_geometry(view->xdg_surface, &geo);
	int lx, ly;
	wlr_scene_node_coords(view->node, &lx, &ly);
	struct wlr_box box = {
		.x = view->area.x - lx - geo.x,
		.y = view->area.y - ly - geo.y,
		.width = view->area.width,
		.height = view->area.height,
	};
	wlr_xdg_popup_unconstrain_from_box(xdg_popup, &box);
}
