/* Loaded into a compositor under benchmark (LD_PRELOAD), whichever it is
 * (mpcomp, cage, sway): counts the frames it gave its clients, that is
 * the wl_surface.frame callbacks it sent done, per client process. It
 * watches the protocol through libwayland-server's protocol logger,
 * added to the display the compositor creates; nothing else changes.
 *
 * The counts live in $MP_BENCH_FRAMES/PID (PID: the compositor's),
 * mapped shared: MAX_CLIENTS slots of { client pid, frames } as two
 * 64-bit words, which the benchmark reads at the start and the end of
 * its window; no message and no syscall per frame. A process that
 * creates no display (the session helper, shells, clients) writes
 * nothing. */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wayland-server-core.h>

#define MAX_CLIENTS 64
#define MAX_PENDING 1024

struct slot {
	uint64_t pid;
	uint64_t frames;
};

/* A frame callback asked for and not done yet. */
struct pending {
	struct wl_client *client;
	uint32_t id;
};

static struct slot *slots;
static struct pending pending[MAX_PENDING];

static void map_counts(void) {
	const char *dir = getenv("MP_BENCH_FRAMES");
	if (dir == NULL || slots != NULL) {
		return;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/%d", dir, (int)getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		return;
	}
	size_t size = MAX_CLIENTS * sizeof(struct slot);
	void *map = MAP_FAILED;
	if (ftruncate(fd, (off_t)size) == 0) {
		map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	}
	close(fd);
	if (map != MAP_FAILED) {
		slots = map;
	}
}

static void count_frame(struct wl_client *client) {
	pid_t pid = 0;
	wl_client_get_credentials(client, &pid, NULL, NULL);
	for (size_t i = 0; i < MAX_CLIENTS; i++) {
		if (slots[i].pid == (uint64_t)pid || slots[i].pid == 0) {
			slots[i].pid = (uint64_t)pid;
			__atomic_add_fetch(&slots[i].frames, 1, __ATOMIC_RELAXED);
			return;
		}
	}
}

static void handle_message(void *data, enum wl_protocol_logger_type type,
		const struct wl_protocol_logger_message *message) {
	(void)data;
	const char *class = wl_resource_get_class(message->resource);
	struct wl_client *client = wl_resource_get_client(message->resource);
	if (type == WL_PROTOCOL_LOGGER_REQUEST &&
			strcmp(class, "wl_surface") == 0 &&
			strcmp(message->message->name, "frame") == 0 &&
			message->arguments_count == 1) {
		for (size_t i = 0; i < MAX_PENDING; i++) {
			if (pending[i].client == NULL) {
				pending[i].client = client;
				pending[i].id = message->arguments[0].n;
				return;
			}
		}
	} else if (type == WL_PROTOCOL_LOGGER_EVENT &&
			strcmp(class, "wl_callback") == 0 &&
			strcmp(message->message->name, "done") == 0) {
		uint32_t id = wl_resource_get_id(message->resource);
		for (size_t i = 0; i < MAX_PENDING; i++) {
			if (pending[i].client == client && pending[i].id == id) {
				pending[i].client = NULL;
				count_frame(client);
				return;
			}
		}
	}
}

/* A client gone leaves no pending callback behind, whose id a new
 * client's could take. */
static void handle_client_destroy(struct wl_listener *listener, void *data) {
	struct wl_client *client = data;
	for (size_t i = 0; i < MAX_PENDING; i++) {
		if (pending[i].client == client) {
			pending[i].client = NULL;
		}
	}
	wl_list_remove(&listener->link);
	free(listener);
}

static void handle_client_created(struct wl_listener *listener, void *data) {
	(void)listener;
	struct wl_listener *destroy = calloc(1, sizeof(*destroy));
	if (destroy != NULL) {
		destroy->notify = handle_client_destroy;
		wl_client_add_destroy_listener(data, destroy);
	}
}

static struct wl_listener client_created = {
	.notify = handle_client_created,
};

struct wl_display *wl_display_create(void) {
	struct wl_display *(*real)(void) =
		(struct wl_display *(*)(void))dlsym(RTLD_NEXT, "wl_display_create");
	struct wl_display *display = real();
	map_counts();
	if (display != NULL && slots != NULL) {
		wl_display_add_protocol_logger(display, handle_message, NULL);
		wl_display_add_client_created_listener(display, &client_created);
	}
	return display;
}
