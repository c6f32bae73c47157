#include <stdlib.h>
#include <wlr/types/wlr_server_decoration.h>
#include <wlr/types/wlr_xdg_decoration_v1.h>
#include "decoration.h"
#include "server.h"

struct mp_decoration {
	struct wlr_xdg_toplevel_decoration_v1 *decoration;
	struct wl_listener request_mode;
	struct wl_listener destroy;
};

static void handle_request_mode(struct wl_listener *listener, void *data) {
	struct mp_decoration *deco = wl_container_of(listener, deco, request_mode);
	wlr_xdg_toplevel_decoration_v1_set_mode(deco->decoration,
		WLR_XDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
}

static void handle_destroy(struct wl_listener *listener, void *data) {
	struct mp_decoration *deco = wl_container_of(listener, deco, destroy);
	wl_list_remove(&deco->request_mode.link);
	wl_list_remove(&deco->destroy.link);
	free(deco);
}

static void handle_new_decoration(struct wl_listener *listener, void *data) {
	struct wlr_xdg_toplevel_decoration_v1 *decoration = data;
	struct mp_decoration *deco = calloc(1, sizeof(*deco));
	if (deco == NULL) {
		return;
	}
	deco->decoration = decoration;
	deco->request_mode.notify = handle_request_mode;
	wl_signal_add(&decoration->events.request_mode, &deco->request_mode);
	deco->destroy.notify = handle_destroy;
	wl_signal_add(&decoration->events.destroy, &deco->destroy);
	handle_request_mode(&deco->request_mode, decoration);
}

void decoration_init(struct mp_server *server) {
	struct wlr_xdg_decoration_manager_v1 *manager =
		wlr_xdg_decoration_manager_v1_create(server->display);
	if (manager != NULL) {
		server->new_decoration.notify = handle_new_decoration;
		wl_signal_add(&manager->events.new_toplevel_decoration,
			&server->new_decoration);
	}
	struct wlr_server_decoration_manager *kde =
		wlr_server_decoration_manager_create(server->display);
	if (kde != NULL) {
		wlr_server_decoration_manager_set_default_mode(kde,
			WLR_SERVER_DECORATION_MANAGER_MODE_SERVER);
	}
}
