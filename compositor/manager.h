#ifndef MP_MANAGER_H
#define MP_MANAGER_H

/* mp_manager_v1: the admin protocol (mpmgr's). Its global is offered only
 * to clients of admin sockets; every request is authorised from the
 * peer's credentials and done by the actions layer. */

struct mp_server;
struct mp_manager;

/* path: the admin socket (NULL: the default one, /run/mpcomp/admin as
 * root, else $XDG_RUNTIME_DIR/mpcomp-admin). NULL on failure (logged):
 * mpcomp runs on without it. */
struct mp_manager *manager_create(struct mp_server *server, const char *path);
void manager_destroy(struct mp_manager *manager);
const char *manager_socket_path(struct mp_manager *manager);

#endif
