#ifndef MP_CLIENT_H
#define MP_CLIENT_H

#include <wayland-server-core.h>

struct mp_server;
struct mp_session;

enum mp_client_kind {
	MP_CLIENT_UNKNOWN = 0, // connected some other way: sees nothing privileged
	MP_CLIENT_SESSION,     // connected to a session socket
	MP_CLIENT_TEST,        // connected to the test socket
};

/* Our tag on every wl_client, found through its destroy listener. */
struct mp_client {
	struct wl_client *client;
	struct mp_server *server;
	enum mp_client_kind kind;
	struct mp_session *session; // only for MP_CLIENT_SESSION
	struct wl_list link;         // mp_server.clients
	struct wl_list session_link; // mp_session.clients
	struct wl_listener destroy;
};

struct mp_client *client_create(struct mp_server *server,
	struct wl_client *client);
struct mp_client *client_from_wl(const struct wl_client *client);
void client_set_session(struct mp_client *client, struct mp_session *session);
/* The global filter: which globals a client may see. */
bool client_filter_global(const struct wl_client *client,
	const struct wl_global *global, void *data);

#endif
