/* Loaded into a peer compositor under benchmark (LD_PRELOAD) that has no
 * way to set its headless outputs' size (cage 0.1.4 has no option and
 * no output management): every headless output that wlroots creates is
 * $MP_BENCH_HEADLESS_SIZE (WxH) instead of its 1280x720. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

struct wlr_backend;
struct wlr_output;

struct wlr_output *wlr_headless_add_output(struct wlr_backend *backend,
		unsigned int width, unsigned int height) {
	struct wlr_output *(*real)(struct wlr_backend *, unsigned int,
		unsigned int) = (struct wlr_output *(*)(struct wlr_backend *,
		unsigned int, unsigned int))dlsym(RTLD_NEXT,
		"wlr_headless_add_output");
	const char *size = getenv("MP_BENCH_HEADLESS_SIZE");
	unsigned int w, h;
	if (size != NULL && sscanf(size, "%ux%u", &w, &h) == 2 && w > 0 &&
			h > 0) {
		width = w;
		height = h;
	}
	return real(backend, width, height);
}
