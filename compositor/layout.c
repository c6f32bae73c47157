#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vout.h"
#include <wlr/util/log.h>
#include "input.h"
#include "layout.h"
#include "output.h"
#include "server.h"
#include "station.h"

static void place_output(struct mp_output *output, int *x) {
	if (output->placed) {
		return;
	}
	output->placed = true;
	output->lx = *x;
	output->ly = 0;
	int width, height;
	wlr_output_effective_resolution(output->wlr_output, &width, &height);
	*x += width;
}

void layout_arrange(struct mp_server *server) {
	struct mp_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		output->placed = false;
	}
	int x = 0;
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		// In the order its layout names them: its first output leftmost.
		for (size_t i = 0; i < station->layout.n_outputs; i++) {
			wl_list_for_each(output, &server->outputs, link) {
				if (output_is(output, station->layout.outputs[i])) {
					place_output(output, &x);
				}
			}
		}
	}
	wl_list_for_each(output, &server->outputs, link) {
		place_output(output, &x);
	}
	wl_list_for_each(station, &server->stations, link) {
		station_update_outputs(station);
	}
	wl_list_for_each(output, &server->outputs, link) {
		output_damage_whole(output);
	}
	server_changed(server);
}

static bool station_wanting(struct mp_server *server,
		struct mp_output *output) {
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		if (station_wants_output(station, output)) {
			return true;
		}
	}
	return false;
}

static void handle_new_output(struct wl_listener *listener, void *data) {
	struct mp_server *server = wl_container_of(listener, server, new_output);
	struct wlr_output *wlr_output = data;
	if (server->pending_output_name != NULL) {
		wlr_output_set_name(wlr_output, server->pending_output_name);
		server->pending_output_name = NULL;
	}
	const struct mp_output_edid *edid = server->pending_output_edid;
	if (edid != NULL) {
		snprintf(wlr_output->make, sizeof(wlr_output->make), "%s",
			edid->make);
		snprintf(wlr_output->model, sizeof(wlr_output->model), "%s",
			edid->model);
		snprintf(wlr_output->serial, sizeof(wlr_output->serial), "%s",
			edid->serial);
		server->pending_output_edid = NULL;
	}
	struct mp_output *output = output_create(server, wlr_output);
	if (output == NULL) {
		return;
	}
	if (server->config->n_stations == 0 && !station_wanting(server, output) &&
			station_by_name(server, wlr_output->name) == NULL) {
		// No configuration: every output is a station of its own (unless
		// a layout change gave it to one).
		struct mp_station *station =
			station_create(server, wlr_output->name, NULL);
		char *name = wlr_output->name;
		if (station != NULL && !station_set_layout(station, &name, 1,
				MP_SPLIT_NONE)) {
			station_destroy(station);
		}
	}
	layout_arrange(server);
	// A new station may claim devices (or make one the only station).
	input_rematch_all(server);
}

static void handle_outputs_changed(struct wl_listener *listener, void *data) {
	struct mp_server *server =
		wl_container_of(listener, server, outputs_changed);
	layout_arrange(server);
}

void layout_init(struct mp_server *server) {
	server->new_output.notify = handle_new_output;
	wl_signal_add(&server->backend->events.new_output, &server->new_output);
	server->outputs_changed.notify = handle_outputs_changed;
	wl_signal_add(&server->events.outputs_changed, &server->outputs_changed);
}

void layout_finish(struct mp_server *server) {
	wl_list_remove(&server->new_output.link);
	wl_list_remove(&server->outputs_changed.link);
	wl_list_init(&server->new_output.link);
	wl_list_init(&server->outputs_changed.link);
}

struct wlr_output *layout_add_headless_output(struct mp_server *server,
		int width, int height, const char *name,
		const struct mp_output_edid *edid) {
	if (server->headless_backend == NULL) {
		return NULL;
	}
	char generated[32];
	if (name == NULL || name[0] == '\0') {
		snprintf(generated, sizeof(generated), "HEADLESS-%u",
			++server->headless_serial);
		name = generated;
	}
	server->pending_output_name = name;
	server->pending_output_edid = edid;
	struct wlr_output *output = vout_create(server->headless_backend,
		server->display, width, height, name, true);
	server->pending_output_name = NULL;
	server->pending_output_edid = NULL;
	if (output != NULL && output->data == NULL) {
		// Not taken (output_create failed): it is ours to destroy.
		wlr_output_destroy(output);
		return NULL;
	}
	return output;
}
