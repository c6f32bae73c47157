#ifndef MP_SOCKET_H
#define MP_SOCKET_H

#include <wayland-server-core.h>
#include "client.h"

/* A listening Wayland socket whose clients get a known tag. */
struct mp_socket {
	struct mp_server *server;
	char *path;
	int fd;
	enum mp_client_kind kind;
	struct mp_session *session; // for MP_CLIENT_SESSION
	struct wl_event_source *source;
};

struct mp_socket *socket_create(struct mp_server *server, const char *path,
	enum mp_client_kind kind, struct mp_session *session);
/* Closes and unlinks. NULL is a no-op. */
void socket_destroy(struct mp_socket *socket);

#endif
