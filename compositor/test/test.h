#ifndef MP_TEST_H
#define MP_TEST_H

/* mp_test_v1 (only with --test-protocol): on its own socket, never seen
 * by session clients. Split by concern: protocol.c (the global, results,
 * waits, state), devices.c (virtual input), pixels.c (screenshots). */

struct mp_server;
struct mp_test;

struct mp_test *test_create(struct mp_server *server);
void test_destroy(struct mp_test *test);
const char *test_socket_path(struct mp_test *test);

#endif
