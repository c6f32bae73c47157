/* mp_test_v1: outputs and screenshots. Pixels come from the same code
 * that draws frames (station_read_pixels, output_read_pixels). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vout.h"
#include "layout.h"
#include "output.h"
#include "server.h"
#include "station.h"
#include "test/internal.h"

static void add_output(struct wl_resource *resource, uint32_t id,
		int32_t width, int32_t height, const char *name,
		const struct mp_output_edid *edid) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = test_result_create(resource, id);
	if (result == NULL) {
		return;
	}
	if (test->server->headless_backend == NULL) {
		test_result_fail(result, "no headless backend to add outputs to");
		return;
	}
	if (width < 1 || height < 1 || width > 16384 || height > 16384) {
		test_result_fail(result, "bad output size %dx%d", width, height);
		return;
	}
	if (name[0] != '\0' && output_by_name(test->server, name)) {
		test_result_fail(result, "an output named '%s' exists already", name);
		return;
	}
	struct wlr_output *output = layout_add_headless_output(test->server,
		width, height, name[0] != '\0' ? name : NULL, edid);
	if (output == NULL) {
		test_result_fail(result, "cannot add output");
		return;
	}
	mp_test_result_v1_send_done(result, output->name);
}

void test_handle_add_output(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, int32_t width,
		int32_t height, const char *name) {
	add_output(resource, id, width, height, name, NULL);
}

void test_handle_add_output_edid(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, int32_t width,
		int32_t height, const char *name, const char *make, const char *model,
		const char *serial) {
	struct mp_output_edid edid = { make, model, serial };
	add_output(resource, id, width, height, name, &edid);
}

void test_handle_remove_output(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *name) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = test_result_create(resource, id);
	if (result == NULL) {
		return;
	}
	struct mp_output *output = output_by_name(test->server, name);
	if (output == NULL || !output_is_vout(output->wlr_output)) {
		test_result_fail(result, "no headless output named '%s'", name);
		return;
	}
	wlr_output_destroy(output->wlr_output);
	mp_test_result_v1_send_done(result, "");
}

void test_handle_screenshot(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *kind,
		const char *target, int32_t fd) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = test_result_create(resource, id);
	if (result == NULL) {
		close(fd);
		return;
	}
	struct wlr_box area;
	uint32_t *pixels = NULL;
	bool ok;
	if (strcmp(kind, "output") == 0) {
		struct mp_output *output = output_by_name(test->server, target);
		if (output == NULL) {
			test_result_fail(result, "no output named '%s'", target);
			close(fd);
			return;
		}
		area = (struct wlr_box){ 0, 0, output->wlr_output->width,
			output->wlr_output->height };
		pixels = calloc((size_t)area.width * area.height, 4);
		ok = pixels && output_read_pixels(output, &area, pixels);
	} else if (strcmp(kind, "station") == 0) {
		struct mp_station *station = station_by_name(test->server, target);
		if (station == NULL || station->place.n_parts == 0) {
			test_result_fail(result, station ? "station '%s' is offline" :
				"no station named '%s'", target);
			close(fd);
			return;
		}
		area = station->place.area;
		pixels = calloc((size_t)area.width * area.height, 4);
		ok = pixels && station_read_pixels(station, pixels);
	} else {
		test_result_fail(result, "kind must be 'station' or 'output', not "
			"'%s'", kind);
		close(fd);
		return;
	}
	if (!ok) {
		test_result_fail(result, "cannot read pixels of '%s'", target);
		free(pixels);
		close(fd);
		return;
	}
	char info[64];
	snprintf(info, sizeof(info), "%d %d", area.width, area.height);
	test_write_fd(test, result, fd, pixels,
		(size_t)area.width * area.height * 4, info);
}
