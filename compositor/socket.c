#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <wlr/util/log.h>
#include "server.h"
#include "socket.h"

#define ACCEPT_PAUSE_MS 1000

static int handle_connection(int fd, uint32_t mask, void *data) {
	struct mp_socket *sock = data;
	int client_fd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (client_fd < 0 && (errno == EMFILE || errno == ENFILE)) {
		// Out of fds: the connection waits in the backlog. Stop taking
		// them for a while, or the loop would spin on this fd.
		wlr_log_errno(WLR_ERROR, "accept on %s: paused for %d ms",
			sock->path, ACCEPT_PAUSE_MS);
		wl_event_source_fd_update(sock->source, 0);
		wl_event_source_timer_update(sock->resume, ACCEPT_PAUSE_MS);
		return 0;
	}
	if (client_fd < 0) {
		if (errno != EAGAIN && errno != EINTR) {
			wlr_log_errno(WLR_ERROR, "accept on %s", sock->path);
		}
		return 0;
	}
	// client_created tags it as unknown; its owner says what it is now.
	struct wl_client *wl_client =
		wl_client_create(sock->server->display, client_fd);
	if (wl_client == NULL) {
		wlr_log(WLR_ERROR, "wl_client_create failed on %s", sock->path);
		close(client_fd);
		return 0;
	}
	sock->accepted(sock->data, wl_client);
	return 0;
}

static int handle_resume(void *data) {
	struct mp_socket *sock = data;
	wl_event_source_fd_update(sock->source, WL_EVENT_READABLE);
	return 0;
}

struct mp_socket *socket_create(struct mp_server *server, const char *path,
		void (*accepted)(void *data, struct wl_client *client), void *data) {
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path)) {
		wlr_log(WLR_ERROR, "socket path too long: %s", path);
		return NULL;
	}
	strcpy(addr.sun_path, path);

	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		wlr_log_errno(WLR_ERROR, "socket()");
		return NULL;
	}
	unlink(path);
	mode_t old = umask(0077);
	int ret = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (ret < 0 || listen(fd, 128) < 0) {
		wlr_log_errno(WLR_ERROR, "cannot listen on %s", path);
		close(fd);
		return NULL;
	}

	struct mp_socket *sock = calloc(1, sizeof(*sock));
	if (sock == NULL) {
		close(fd);
		unlink(path);
		return NULL;
	}
	sock->server = server;
	sock->accepted = accepted;
	sock->data = data;
	sock->path = strdup(path);
	sock->fd = fd;
	sock->source = sock->path == NULL ? NULL : wl_event_loop_add_fd(
		server->loop, fd, WL_EVENT_READABLE, handle_connection, sock);
	sock->resume = wl_event_loop_add_timer(server->loop, handle_resume, sock);
	if (sock->source == NULL || sock->resume == NULL) {
		if (sock->path == NULL) {
			unlink(path);
		}
		socket_destroy(sock);
		return NULL;
	}
	return sock;
}

void socket_destroy(struct mp_socket *sock) {
	if (sock == NULL) {
		return;
	}
	if (sock->source != NULL) {
		wl_event_source_remove(sock->source);
	}
	if (sock->resume != NULL) {
		wl_event_source_remove(sock->resume);
	}
	if (sock->fd >= 0) {
		close(sock->fd);
	}
	if (sock->path != NULL) {
		unlink(sock->path);
	}
	free(sock->path);
	free(sock);
}
