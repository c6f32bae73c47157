#include <stdlib.h>
#include <wlr/util/edges.h>
#include <wlr/util/log.h>
#include "view.h"

/* A popup: its scene node is a child of its parent's node (the toplevel's
 * or another popup's) and goes with its xdg_surface. */
struct mp_popup {
	struct wlr_xdg_surface *xdg_surface;
	struct wlr_scene_node *node;
	struct mp_view *view; // of the toplevel it belongs to
	struct wl_listener destroy;
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

void view_close_popups(struct mp_view *view) {
	struct wlr_xdg_popup *popup, *tmp;
	wl_list_for_each_safe(popup, tmp, &view->xdg_surface->popups, link) {
		wlr_xdg_popup_destroy(popup->base);
	}
}

void view_enter_output(struct mp_view *view, struct wlr_output *output) {
	wlr_surface_send_enter(view->xdg_surface->surface, output);
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
		// Every window fills its station: maximized and tiled on every
		// edge, at the station's size. One configure per change.
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
	// Every window fills its station already; say so.
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
	wl_list_init(&view->link);
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
	free(popup);
}

void view_handle_new_popup(struct wlr_xdg_surface *xdg_surface) {
	struct wlr_xdg_popup *xdg_popup = xdg_surface->popup;
	struct wlr_scene_node *parent_node = NULL;
	struct mp_view *view = view_from_surface(xdg_popup->parent);
	if (view != NULL) {
		struct wlr_xdg_surface *parent =
			wlr_xdg_surface_from_wlr_surface(xdg_popup->parent);
		if (parent->role == WLR_XDG_SURFACE_ROLE_POPUP) {
			struct mp_popup *parent_popup = parent->data;
			parent_node = parent_popup->node;
		} else {
			parent_node = view->node;
		}
	}
	if (view != NULL && wlr_box_empty(&view->area)) {
		parent_node = NULL; // its session is on no station: no menus
	}
	struct mp_popup *popup = parent_node ? calloc(1, sizeof(*popup)) : NULL;
	if (popup != NULL) {
		popup->node = wlr_scene_xdg_surface_create(parent_node, xdg_surface);
	}
	if (popup == NULL || popup->node == NULL) {
		// Not a window we show (or out of memory): no menu on it.
		free(popup);
		wlr_xdg_popup_destroy(xdg_surface);
		return;
	}
	popup->xdg_surface = xdg_surface;
	popup->view = view;
	xdg_surface->data = popup;
	popup->destroy.notify = handle_popup_destroy;
	wl_signal_add(&xdg_surface->events.destroy, &popup->destroy);

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
