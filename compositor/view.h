#ifndef MP_VIEW_H
#define MP_VIEW_H

#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_xdg_shell.h>

struct mp_server;
struct mp_session;

/* A toplevel of a session client. */
struct mp_view {
	struct mp_server *server;
	struct mp_session *session;
	struct wl_list link; // mp_session.views, top first
	struct wlr_xdg_surface *xdg_surface;
	struct wlr_scene_node *scene_node; // while shown on a station, else NULL
	bool mapped;

	struct wl_listener map;
	struct wl_listener unmap;
	struct wl_listener destroy;
	struct wl_listener scene_destroy;
	struct wl_listener request_fullscreen;
	struct wl_listener request_maximize;
};

void view_handle_new_xdg_surface(struct wl_listener *listener, void *data);
/* Puts the view into its session's station (placed and sized to the
 * station area), or takes it out when the session has no station. */
void view_update_placement(struct mp_view *view);
struct mp_view *view_from_surface(struct mp_server *server,
	struct wlr_surface *surface);
void view_set_focused(struct mp_view *view, bool focused);

#endif
