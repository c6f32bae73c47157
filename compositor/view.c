#include <stdlib.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/util/log.h>
#include "client.h"
#include "server.h"
#include "session.h"
#include "station.h"
#include "view.h"

struct mp_view *view_from_surface(struct mp_server *server,
		struct wlr_surface *surface) {
	if (!wlr_surface_is_xdg_surface(surface)) {
		return NULL;
	}
	struct wlr_xdg_surface *xdg = wlr_xdg_surface_from_wlr_surface(surface);
	while (xdg != NULL && xdg->role == WLR_XDG_SURFACE_ROLE_POPUP) {
		if (xdg->popup->parent == NULL ||
				!wlr_surface_is_xdg_surface(xdg->popup->parent)) {
			return NULL;
		}
		xdg = wlr_xdg_surface_from_wlr_surface(xdg->popup->parent);
	}
	if (xdg == NULL || xdg->role != WLR_XDG_SURFACE_ROLE_TOPLEVEL) {
		return NULL;
	}
	struct mp_session *session;
	wl_list_for_each(session, &server->sessions, link) {
		struct mp_view *view;
		wl_list_for_each(view, &session->views, link) {
			if (view->xdg_surface == xdg) {
				return view;
			}
		}
	}
	return NULL;
}

void view_set_focused(struct mp_view *view, bool focused) {
	wlr_xdg_toplevel_set_activated(view->xdg_surface, focused);
}

static void handle_scene_destroy(struct wl_listener *listener, void *data) {
	struct mp_view *view = wl_container_of(listener, view, scene_destroy);
	wl_list_remove(&view->scene_destroy.link);
	wl_list_init(&view->scene_destroy.link);
	view->scene_node = NULL;
	view->xdg_surface->data = NULL;
}

static void send_enter_session_outputs(struct mp_view *view) {
	struct mp_session_output *output;
	wl_list_for_each(output, &view->session->outputs, link) {
		wlr_surface_send_enter(view->xdg_surface->surface, output->wlr_output);
	}
}

void view_update_placement(struct mp_view *view) {
	struct mp_station *station = view->session->station;
	if (station == NULL || wlr_box_empty(&station->area)) {
		// Parked, ended or offline: the view leaves every scene.
		if (view->scene_node != NULL) {
			wlr_scene_node_destroy(view->scene_node);
		}
		return;
	}

	struct wlr_box *area = &station->area;
	wlr_xdg_toplevel_set_size(view->xdg_surface, area->width, area->height);
	wlr_xdg_toplevel_set_maximized(view->xdg_surface, true);
	wlr_xdg_toplevel_set_tiled(view->xdg_surface, WLR_EDGE_TOP |
		WLR_EDGE_BOTTOM | WLR_EDGE_LEFT | WLR_EDGE_RIGHT);
	if (!view->mapped) {
		return;
	}
	if (view->scene_node == NULL) {
		view->scene_node = wlr_scene_xdg_surface_create(
			&station->views_tree->node, view->xdg_surface);
		if (view->scene_node == NULL) {
			return;
		}
		view->xdg_surface->data = view->scene_node;
		wl_signal_add(&view->scene_node->events.destroy,
			&view->scene_destroy);
	} else if (view->scene_node->parent != &station->views_tree->node) {
		wlr_scene_node_reparent(view->scene_node, &station->views_tree->node);
	}
	// Place the window geometry (not its shadows) at the area's corner.
	struct wlr_box geo;
	wlr_xdg_surface_get_geometry(view->xdg_surface, &geo);
	wlr_scene_node_set_position(view->scene_node, area->x - geo.x,
		area->y - geo.y);
	send_enter_session_outputs(view);
}

static void handle_map(struct wl_listener *listener, void *data) {
	struct mp_view *view = wl_container_of(listener, view, map);
	view->mapped = true;
	// Newest window on top.
	wl_list_remove(&view->link);
	wl_list_insert(&view->session->views, &view->link);
	view_update_placement(view);
	if (view->scene_node != NULL) {
		wlr_scene_node_raise_to_top(view->scene_node);
	}
	wlr_log(WLR_DEBUG, "session %u: window '%s' mapped", view->session->id,
		view->xdg_surface->toplevel->title ?
		view->xdg_surface->toplevel->title : "");
	if (view->session->station != NULL) {
		station_focus_top(view->session->station);
	}
	server_state_changed(view->server);
}

static void handle_unmap(struct wl_listener *listener, void *data) {
	struct mp_view *view = wl_container_of(listener, view, unmap);
	view->mapped = false;
	if (view->scene_node != NULL) {
		wlr_scene_node_destroy(view->scene_node);
	}
	struct mp_station *station = view->session->station;
	if (station != NULL) {
		struct wlr_seat *seat = view->session->seat;
		if (seat->keyboard_state.focused_surface ==
				view->xdg_surface->surface) {
			wlr_seat_keyboard_clear_focus(seat);
		}
		station_focus_top(station);
	}
	server_state_changed(view->server);
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
	struct mp_server *server = view->server;
	if (view->scene_node != NULL) {
		wlr_scene_node_destroy(view->scene_node);
	}
	wl_list_remove(&view->scene_destroy.link);
	wl_list_remove(&view->map.link);
	wl_list_remove(&view->unmap.link);
	wl_list_remove(&view->destroy.link);
	wl_list_remove(&view->request_fullscreen.link);
	wl_list_remove(&view->request_maximize.link);
	wl_list_remove(&view->link);
	free(view);
	server_state_changed(server);
}

static void handle_new_popup(struct mp_server *server,
		struct wlr_xdg_surface *xdg_surface) {
	struct wlr_xdg_popup *popup = xdg_surface->popup;
	if (popup->parent == NULL || !wlr_surface_is_xdg_surface(popup->parent)) {
		return; // layer-shell parents come later
	}
	struct wlr_xdg_surface *parent =
		wlr_xdg_surface_from_wlr_surface(popup->parent);
	struct wlr_scene_node *parent_node = parent->data;
	struct mp_view *view = view_from_surface(server, popup->parent);
	if (parent_node == NULL || view == NULL ||
			view->session->station == NULL) {
		// The parent is not shown anywhere: nothing to open a menu on.
		wlr_xdg_popup_destroy(xdg_surface);
		return;
	}
	xdg_surface->data = wlr_scene_xdg_surface_create(parent_node, xdg_surface);

	// Keep the popup inside the station, in the toplevel's coordinates.
	struct wlr_box *area = &view->session->station->area;
	int lx, ly;
	wlr_scene_node_coords(view->scene_node, &lx, &ly);
	struct wlr_box geo;
	wlr_xdg_surface_get_geometry(view->xdg_surface, &geo);
	struct wlr_box box = {
		.x = area->x - lx - geo.x,
		.y = area->y - ly - geo.y,
		.width = area->width,
		.height = area->height,
	};
	wlr_xdg_popup_unconstrain_from_box(popup, &box);
}

void view_handle_new_xdg_surface(struct wl_listener *listener, void *data) {
	struct mp_server *server =
		wl_container_of(listener, server, new_xdg_surface);
	struct wlr_xdg_surface *xdg_surface = data;
	struct wl_client *wl_client =
		wl_resource_get_client(xdg_surface->resource);
	struct mp_client *client = client_from_wl(wl_client);

	if (xdg_surface->role == WLR_XDG_SURFACE_ROLE_POPUP) {
		handle_new_popup(server, xdg_surface);
		return;
	}
	if (xdg_surface->role != WLR_XDG_SURFACE_ROLE_TOPLEVEL) {
		return;
	}
	if (client == NULL || client->session == NULL ||
			client->session->state == MP_SESSION_ENDING) {
		// Only session clients can have windows on a station.
		wlr_log(WLR_DEBUG, "toplevel of a client without a session: "
			"never shown");
		return;
	}

	struct mp_view *view = calloc(1, sizeof(*view));
	if (view == NULL) {
		wl_client_post_no_memory(wl_client);
		return;
	}
	view->server = server;
	view->session = client->session;
	view->xdg_surface = xdg_surface;
	wl_list_insert(&view->session->views, &view->link);
	wl_list_init(&view->scene_destroy.link);
	view->scene_destroy.notify = handle_scene_destroy;

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

	// Size it before its first buffer so it maps at the station's size.
	view_update_placement(view);
}
