#include <stdlib.h>
#include <string.h>
#include <wlr/backend/headless.h>
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
		wl_list_for_each(output, &server->outputs, link) {
			if (station_wants_output(station, output->wlr_output->name)) {
				place_output(output, &x);
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

static void handle_new_output(struct wl_listener *listener, void *data) {
	struct mp_server *server = wl_container_of(listener, server, new_output);
	struct wlr_output *wlr_output = data;
	if (server->pending_output_name != NULL) {
		wlr_output_set_name(wlr_output, server->pending_output_name);
		server->pending_output_name = NULL;
	}
	if (output_create(server, wlr_output) == NULL) {
		return;
	}
	if (server->config->n_stations == 0 &&
			station_by_name(server, wlr_output->name) == NULL) {
		// No configuration: every output is a station of its own, and
		// every device goes to the first station.
		struct mp_station *station =
			station_create(server, wlr_output->name, NULL);
		if (station != NULL &&
				(station->auto_output = strdup(wlr_output->name)) == NULL) {
			station_destroy(station);
		}
	}
	layout_arrange(server);
	if (server->config->n_stations == 0 && !wl_list_empty(&server->stations)) {
		struct mp_station *first =
			wl_container_of(server->stations.next, first, link);
		input_assign_unassigned(server, first);
	}
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
		int width, int height, const char *name) {
	if (server->headless_backend == NULL) {
		return NULL;
	}
	server->pending_output_name = name;
	struct wlr_output *output =
		wlr_headless_add_output(server->headless_backend, width, height);
	server->pending_output_name = NULL;
	return output != NULL && output->data != NULL ? output : NULL;
}
