#ifndef MP_CLIENT_H
#define MP_CLIENT_H

#include <stdbool.h>
#include <sys/types.h>
#include <wayland-server-core.h>

struct mp_server;
struct mp_session;

enum mp_client_kind {
	MP_CLIENT_UNKNOWN = 0, // connected some other way: sees nothing privileged
	MP_CLIENT_SESSION,     // connected to a session socket
	MP_CLIENT_TEST,        // connected to the test socket
	MP_CLIENT_ADMIN,       // connected to an admin socket: mp_manager_v1
};

/* Our tag on every wl_client, found through its destroy listener. */
struct mp_client {
	struct wl_client *client;
	struct mp_server *server;
	enum mp_client_kind kind;
	struct mp_session *session;  // MP_CLIENT_SESSION only; its owner
	// Its peer's credentials (SO_PEERCRED) when it connected.
	pid_t pid;
	uid_t uid;
	gid_t gid;
	struct wl_list link;         // mp_server.clients
	struct wl_list session_link; // mp_session.clients, kept by session.c
	// For session clients: whether a seat or output global is theirs.
	bool (*owns_global)(struct mp_session *session,
		const struct wl_global *global);
	struct wl_listener destroy;
};

struct mp_client *client_create(struct mp_server *server,
	struct wl_client *client);
struct mp_client *client_from_wl(const struct wl_client *client);
/* The accept callback of admin sockets (the compositor's and each
 * session's): the client may bind mp_manager_v1 and nothing privileged
 * else. data is unused. */
void client_accept_admin(void *data, struct wl_client *client);

/* A global that only clients of one kind may see and bind (mp_test_v1,
 * later mp_manager_v1). Removed with client_unregister_privileged before
 * the global is destroyed. */
bool client_register_privileged(struct mp_server *server,
	const struct wl_global *global, enum mp_client_kind kind);
void client_unregister_privileged(struct mp_server *server,
	const struct wl_global *global);

/* The global filter: which globals a client may see. Its answer for a
 * given client and global never changes during the client's life. */
bool client_filter_global(const struct wl_client *client,
	const struct wl_global *global, void *data);

#endif
