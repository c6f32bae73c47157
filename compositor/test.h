#ifndef MP_TEST_H
#define MP_TEST_H

#include <stdbool.h>
#include <wayland-server-core.h>

struct mp_server;
struct mp_test;

/* mp_test_v1 on its own socket (only with --test-protocol). */
struct mp_test *test_create(struct mp_server *server);
void test_destroy(struct mp_test *test);
const char *test_socket_path(struct mp_test *test);
/* Whether global is mp_test_v1 (test may be NULL). */
bool test_owns_global(struct mp_test *test, const struct wl_global *global);
/* Answers the waits whose condition now holds (test may be NULL). */
void test_check_waits(struct mp_test *test);

#endif
