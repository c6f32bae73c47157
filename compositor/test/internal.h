#ifndef MP_TEST_INTERNAL_H
#define MP_TEST_INTERNAL_H

/* Shared by the files of the test protocol. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wayland-server-core.h>
#include "mp-test-v1-protocol.h"

struct mp_server;

struct mp_test {
	struct mp_server *server;
	struct wl_global *global;
	struct mp_socket *socket;
	struct wl_list waits;  // mp_test_wait.link
	struct wl_list writes; // mp_test_write.link
	struct wl_listener changed;
};

struct mp_test *test_from_resource(struct wl_resource *resource);
/* A new mp_test_result_v1 for request id; NULL (client told) on failure. */
struct wl_resource *test_result_create(struct wl_resource *test_resource,
	uint32_t id);
void test_result_fail(struct wl_resource *result, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Writes data (taken over, freed) to the client's fd (taken over,
 * closed) without blocking the event loop, then answers done with info,
 * or failed. */
void test_write_fd(struct mp_test *test, struct wl_resource *result, int fd,
	void *data, size_t len, const char *info);

/* devices.c */
void test_handle_add_keyboard(struct wl_client *client,
	struct wl_resource *resource, uint32_t id, const char *name,
	const char *id_path);
void test_handle_add_pointer(struct wl_client *client,
	struct wl_resource *resource, uint32_t id, const char *name,
	const char *id_path);
void test_handle_add_device(struct wl_client *client,
	struct wl_resource *resource, uint32_t id, const char *type,
	const char *name, const char *properties);
void test_handle_add_output_edid(struct wl_client *client,
	struct wl_resource *resource, uint32_t id, int32_t width,
	int32_t height, const char *name, const char *make, const char *model,
	const char *serial);
void test_handle_add_backend_device(struct wl_client *client,
	struct wl_resource *resource, uint32_t id, const char *type);
void test_handle_remove_device(struct wl_client *client,
	struct wl_resource *resource, uint32_t id, const char *name);
void test_handle_key(struct wl_client *client, struct wl_resource *resource,
	uint32_t id, const char *device, const char *keyspec);
void test_handle_type(struct wl_client *client, struct wl_resource *resource,
	uint32_t id, const char *device, const char *text);
void test_handle_pointer_move(struct wl_client *client,
	struct wl_resource *resource, uint32_t id, const char *device,
	int32_t dx, int32_t dy);
void test_handle_pointer_button(struct wl_client *client,
	struct wl_resource *resource, uint32_t id, const char *device,
	uint32_t button);

/* pixels.c */
void test_handle_add_output(struct wl_client *client,
	struct wl_resource *resource, uint32_t id, int32_t width,
	int32_t height, const char *name);
void test_handle_remove_output(struct wl_client *client,
	struct wl_resource *resource, uint32_t id, const char *name);
void test_handle_screenshot(struct wl_client *client,
	struct wl_resource *resource, uint32_t id, const char *kind,
	const char *target, int32_t fd);

#endif
