#ifndef MP_SOCKET_H
#define MP_SOCKET_H

#include <wayland-server-core.h>

struct mp_server;

/* A listening Wayland socket. Every client accepted on it is handed to
 * the owner's callback right after wl_client_create, to be tagged. */
struct mp_socket {
	struct mp_server *server;
	char *path;
	int fd;
	void (*accepted)(void *data, struct wl_client *client);
	void *data;
	struct wl_event_source *source;
	struct wl_event_source *resume; // accepting again after EMFILE
};

struct mp_socket *socket_create(struct mp_server *server, const char *path,
	void (*accepted)(void *data, struct wl_client *client), void *data);
/* Closes and unlinks. NULL is a no-op. */
void socket_destroy(struct mp_socket *socket);

#endif
