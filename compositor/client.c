#include <stdlib.h>
#include <wayland-server-protocol.h>
#include "client.h"
#include "server.h"

struct mp_privileged {
	const struct wl_global *global;
	enum mp_client_kind kind; // the only kind that sees it
	struct wl_list link;      // mp_server.privileged
};

static void handle_destroy(struct wl_listener *listener, void *data) {
	struct mp_client *client = wl_container_of(listener, client, destroy);
	wl_list_remove(&client->destroy.link);
	wl_list_remove(&client->link);
	wl_list_remove(&client->session_link);
	free(client);
}

struct mp_client *client_create(struct mp_server *server,
		struct wl_client *wl_client) {
	struct mp_client *client = calloc(1, sizeof(*client));
	if (client == NULL) {
		return NULL;
	}
	client->client = wl_client;
	client->server = server;
	client->kind = MP_CLIENT_UNKNOWN;
	wl_client_get_credentials(wl_client, &client->pid, &client->uid,
		&client->gid);
	wl_list_init(&client->session_link);
	wl_list_insert(&server->clients, &client->link);
	client->destroy.notify = handle_destroy;
	wl_client_add_destroy_listener(wl_client, &client->destroy);
	return client;
}

struct mp_client *client_from_wl(const struct wl_client *wl_client) {
	// libwayland takes a non-const client here but does not change it
	struct wl_listener *listener = wl_client_get_destroy_listener(
		(struct wl_client *)wl_client, handle_destroy);
	if (listener == NULL) {
		return NULL;
	}
	struct mp_client *client = wl_container_of(listener, client, destroy);
	return client;
}

void client_accept_admin(void *data, struct wl_client *wl_client) {
	struct mp_client *client = client_from_wl(wl_client);
	if (client == NULL) {
		wl_client_destroy(wl_client);
		return;
	}
	client->kind = MP_CLIENT_ADMIN;
}

bool client_register_privileged(struct mp_server *server,
		const struct wl_global *global, enum mp_client_kind kind) {
	struct mp_privileged *priv = calloc(1, sizeof(*priv));
	if (priv == NULL) {
		return false;
	}
	priv->global = global;
	priv->kind = kind;
	wl_list_insert(&server->privileged, &priv->link);
	return true;
}

void client_unregister_privileged(struct mp_server *server,
		const struct wl_global *global) {
	struct mp_privileged *priv, *tmp;
	wl_list_for_each_safe(priv, tmp, &server->privileged, link) {
		if (priv->global == global) {
			wl_list_remove(&priv->link);
			free(priv);
		}
	}
}

/* The kind of client a privileged global is for, or MP_CLIENT_UNKNOWN
 * for a global everyone may see. */
static enum mp_client_kind privileged_kind(struct mp_server *server,
		const struct wl_global *global) {
	struct mp_privileged *priv;
	wl_list_for_each(priv, &server->privileged, link) {
		if (priv->global == global) {
			return priv->kind;
		}
	}
	return MP_CLIENT_UNKNOWN;
}

static bool is_interface(const struct wl_global *global,
		const struct wl_interface *iface) {
	return wl_global_get_interface(global) == iface;
}

bool client_filter_global(const struct wl_client *wl_client,
		const struct wl_global *global, void *data) {
	struct mp_server *server = data;
	struct mp_client *client = client_from_wl(wl_client);
	enum mp_client_kind kind = client ? client->kind : MP_CLIENT_UNKNOWN;
	enum mp_client_kind only_for = privileged_kind(server, global);
	if (only_for != MP_CLIENT_UNKNOWN) {
		return kind == only_for;
	}
	bool seat_or_output = is_interface(global, &wl_seat_interface) ||
		is_interface(global, &wl_output_interface);
	switch (kind) {
	case MP_CLIENT_TEST:
		return true;
	case MP_CLIENT_ADMIN:
		break; // plain globals (wl_shm for thumbnails), no seat or output
	case MP_CLIENT_SESSION:
		// Its own seat and outputs only, never another session's.
		return !seat_or_output ||
			client->owns_global(client->session, global);
	case MP_CLIENT_UNKNOWN:
		break;
	}
	// Only our own sockets accept clients; anything else sees only the
	// plain globals, and no seat or output.
	return !seat_or_output;
}
