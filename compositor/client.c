#include <stdlib.h>
#include <wayland-server-protocol.h>
#include <wlr/util/log.h>
#include "client.h"
#include "server.h"
#include "session.h"
#include "test.h"

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

void client_set_session(struct mp_client *client, struct mp_session *session) {
	wl_list_remove(&client->session_link);
	wl_list_init(&client->session_link);
	client->session = session;
	if (session != NULL) {
		client->kind = MP_CLIENT_SESSION;
		wl_list_insert(&session->clients, &client->session_link);
	}
}

static bool is_interface(const struct wl_global *global,
		const struct wl_interface *iface) {
	return wl_global_get_interface(global) == iface;
}

bool client_filter_global(const struct wl_client *wl_client,
		const struct wl_global *global, void *data) {
	struct mp_server *server = data;
	struct mp_client *client = client_from_wl(wl_client);
	bool privileged = test_owns_global(server->test, global);

	if (client == NULL || client->kind == MP_CLIENT_UNKNOWN) {
		// Only our own sockets accept clients; anything else sees only
		// the plain globals, and no seat or output.
		return !privileged && !is_interface(global, &wl_seat_interface) &&
			!is_interface(global, &wl_output_interface);
	}
	if (client->kind == MP_CLIENT_TEST) {
		return true;
	}

	struct mp_session *session = client->session;
	if (privileged) {
		return false;
	}
	if (is_interface(global, &wl_seat_interface)) {
		return session->seat != NULL && session->seat->global == global;
	}
	if (is_interface(global, &wl_output_interface)) {
		return session_owns_output_global(session, global);
	}
	return true;
}
