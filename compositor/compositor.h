#ifndef MP_COMPOSITOR_H
#define MP_COMPOSITOR_H

#include <stdbool.h>

struct mp_server;
struct mp_config;

struct mp_compositor_options {
	const char *headless_spec; // "N:WxH[,WxH...]" or NULL for autocreate
	bool test_protocol;
	const char *admin_socket; // NULL: the default one
	const char *state_dir;    // NULL: the default one (stations.ini)
};

#define MP_DEFAULT_STATE_DIR "/var/lib/mpcomp"

/* The compositor process: backends, renderer, globals, stations from the
 * configuration, signals. Returns false on a start-up failure (then
 * compositor_finish still cleans up). */
bool compositor_init(struct mp_server *server, struct mp_config *config,
	const struct mp_compositor_options *options);
bool compositor_start(struct mp_server *server);
/* Ends every session completely (no process of one survives), then frees
 * everything and removes the runtime directory. */
void compositor_finish(struct mp_server *server);

/* Parses "N:WxH[,WxH...]": N outputs, sizes repeated from the last one
 * given. Returns the number of outputs or -1; sizes has room for max. */
int compositor_parse_headless_spec(const char *spec, int *widths,
	int *heights, int max);

#endif
