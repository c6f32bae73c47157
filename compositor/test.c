#include <errno.h>
#include <json-c/json.h>
#include <linux/input-event-codes.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wlr/backend/headless.h>
#include <wlr/interfaces/wlr_input_device.h>
#include <wlr/interfaces/wlr_keyboard.h>
#include <wlr/interfaces/wlr_pointer.h>
#include <wlr/util/log.h>
#include <xkbcommon/xkbcommon.h>
#include "client.h"
#include "input.h"
#include "mp-test-v1-protocol.h"
#include "output.h"
#include "overlay/greeter.h"
#include "server.h"
#include "session.h"
#include "signin.h"
#include "socket.h"
#include "station.h"
#include "test.h"
#include "util.h"

struct mp_test {
	struct mp_server *server;
	struct wl_global *global;
	struct mp_socket *socket;
	struct wl_list waits; // mp_test_wait.link
};

struct mp_test_wait {
	struct wl_resource *result;
	char *condition;
	uint64_t seq; // server->commit_seq when asked
	struct wl_list link;
};

/* ---- results ---- */

static void result_handle_destroy(struct wl_client *client,
		struct wl_resource *resource) {
	wl_resource_destroy(resource);
}

static const struct mp_test_result_v1_interface result_impl = {
	.destroy = result_handle_destroy,
};

static struct wl_resource *result_create(struct wl_resource *test_resource,
		uint32_t id) {
	struct wl_client *client = wl_resource_get_client(test_resource);
	struct wl_resource *result = wl_resource_create(client,
		&mp_test_result_v1_interface, 1, id);
	if (result == NULL) {
		wl_client_post_no_memory(client);
		return NULL;
	}
	wl_resource_set_implementation(result, &result_impl, NULL, NULL);
	return result;
}

static void result_fail(struct wl_resource *result, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void result_fail(struct wl_resource *result, const char *fmt, ...) {
	char msg[256];
	va_list args;
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	mp_test_result_v1_send_failed(result, msg);
}

static struct mp_test *test_from_resource(struct wl_resource *resource);

/* ---- devices ---- */

static void test_device_destroy(struct wlr_input_device *device) {
	free(device);
}

static const struct wlr_input_device_impl test_device_impl = {
	.destroy = test_device_destroy,
};

static void add_device(struct wl_resource *resource, uint32_t id,
		const char *name, const char *id_path,
		enum wlr_input_device_type type) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = result_create(resource, id);
	if (result == NULL) {
		return;
	}
	if (name[0] == '\0' || server_input_by_name(test->server, name)) {
		result_fail(result, "a device named '%s' exists already", name);
		return;
	}
	struct wlr_input_device *device = calloc(1, sizeof(*device));
	if (device == NULL) {
		result_fail(result, "out of memory");
		return;
	}
	wlr_input_device_init(device, type, &test_device_impl, name, 0, 0);
	if (type == WLR_INPUT_DEVICE_KEYBOARD) {
		device->keyboard = calloc(1, sizeof(*device->keyboard));
		if (device->keyboard != NULL) {
			wlr_keyboard_init(device->keyboard, NULL);
		}
	} else {
		device->pointer = calloc(1, sizeof(*device->pointer));
		if (device->pointer != NULL) {
			wlr_pointer_init(device->pointer, NULL);
		}
	}
	if (device->_device == NULL) {
		wlr_input_device_destroy(device);
		result_fail(result, "out of memory");
		return;
	}
	// The same path as a real device: matching, station, seat.
	struct mp_input *input = input_create(test->server, device, name,
		id_path[0] ? id_path : NULL, NULL, true);
	if (input == NULL) {
		wlr_input_device_destroy(device);
		result_fail(result, "cannot add device '%s'", name);
		return;
	}
	mp_test_result_v1_send_done(result,
		input->station ? input->station->name : "");
}

static void handle_add_keyboard(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *name,
		const char *id_path) {
	add_device(resource, id, name, id_path, WLR_INPUT_DEVICE_KEYBOARD);
}

static void handle_add_pointer(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *name,
		const char *id_path) {
	add_device(resource, id, name, id_path, WLR_INPUT_DEVICE_POINTER);
}

static struct mp_input *find_test_device(struct mp_test *test,
		struct wl_resource *result, const char *name,
		enum wlr_input_device_type type) {
	struct mp_input *input = server_input_by_name(test->server, name);
	if (input == NULL || !input->is_test) {
		result_fail(result, "no test device named '%s'", name);
		return NULL;
	}
	if (input->device->type != type) {
		result_fail(result, "device '%s' is not a %s", name,
			type == WLR_INPUT_DEVICE_KEYBOARD ? "keyboard" : "pointer");
		return NULL;
	}
	return input;
}

static void handle_remove_device(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *name) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = result_create(resource, id);
	if (result == NULL) {
		return;
	}
	struct mp_input *input = server_input_by_name(test->server, name);
	if (input == NULL || !input->is_test) {
		result_fail(result, "no test device named '%s'", name);
		return;
	}
	// Destroying the device runs input_destroy through its signal.
	wlr_input_device_destroy(input->device);
	mp_test_result_v1_send_done(result, "");
}

static uint32_t now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void send_key(struct mp_input *input, uint32_t code, bool pressed) {
	struct wlr_event_keyboard_key event = {
		.time_msec = now_ms(),
		.keycode = code,
		.update_state = true,
		.state = pressed ? WL_KEYBOARD_KEY_STATE_PRESSED :
			WL_KEYBOARD_KEY_STATE_RELEASED,
	};
	wlr_keyboard_notify_key(input->device->keyboard, &event);
}

/* Finds an evdev code and shift level producing sym in the keymap. */
static bool keysym_to_key(struct xkb_keymap *keymap, xkb_keysym_t sym,
		uint32_t *code, xkb_level_index_t *level) {
	xkb_keycode_t min = xkb_keymap_min_keycode(keymap);
	xkb_keycode_t max = xkb_keymap_max_keycode(keymap);
	for (xkb_level_index_t l = 0; l < 4; l++) {
		for (xkb_keycode_t kc = min; kc <= max; kc++) {
			if (l >= xkb_keymap_num_levels_for_key(keymap, kc, 0)) {
				continue;
			}
			const xkb_keysym_t *syms;
			int n = xkb_keymap_key_get_syms_by_level(keymap, kc, 0, l, &syms);
			for (int i = 0; i < n; i++) {
				if (syms[i] == sym) {
					*code = kc - 8;
					*level = l;
					return true;
				}
			}
		}
	}
	return false;
}

static uint32_t modifier_code(const char *name) {
	if (strcasecmp(name, "shift") == 0) {
		return KEY_LEFTSHIFT;
	} else if (strcasecmp(name, "ctrl") == 0 ||
			strcasecmp(name, "control") == 0) {
		return KEY_LEFTCTRL;
	} else if (strcasecmp(name, "alt") == 0) {
		return KEY_LEFTALT;
	} else if (strcasecmp(name, "super") == 0 ||
			strcasecmp(name, "logo") == 0) {
		return KEY_LEFTMETA;
	} else if (strcasecmp(name, "altgr") == 0) {
		return KEY_RIGHTALT;
	}
	return 0;
}

static void press_with_level(struct mp_input *input, uint32_t *mods,
		size_t n_mods, uint32_t code, xkb_level_index_t level) {
	uint32_t extra[2];
	size_t n_extra = 0;
	if (level == 1 || level == 3) {
		extra[n_extra++] = KEY_LEFTSHIFT;
	}
	if (level >= 2) {
		extra[n_extra++] = KEY_RIGHTALT;
	}
	for (size_t i = 0; i < n_mods; i++) {
		send_key(input, mods[i], true);
	}
	for (size_t i = 0; i < n_extra; i++) {
		send_key(input, extra[i], true);
	}
	send_key(input, code, true);
	send_key(input, code, false);
	for (size_t i = n_extra; i-- > 0;) {
		send_key(input, extra[i], false);
	}
	for (size_t i = n_mods; i-- > 0;) {
		send_key(input, mods[i], false);
	}
}

/* The start of every request on a device: its result and the device, or
 * NULL (the result has already failed). */
static struct mp_input *device_request(struct wl_resource *resource,
		uint32_t id, const char *device, enum wlr_input_device_type type,
		struct wl_resource **result) {
	*result = result_create(resource, id);
	if (*result == NULL) {
		return NULL;
	}
	return find_test_device(test_from_resource(resource), *result, device,
		type);
}

static void handle_key(struct wl_client *client, struct wl_resource *resource,
		uint32_t id, const char *device, const char *keyspec) {
	struct wl_resource *result;
	struct mp_input *input = device_request(resource, id, device,
		WLR_INPUT_DEVICE_KEYBOARD, &result);
	if (input == NULL) {
		return;
	}
	char *spec = strdup(keyspec);
	uint32_t mods[8];
	size_t n_mods = 0;
	char *key = spec, *plus;
	while ((plus = strchr(key, '+')) != NULL && plus[1] != '\0') {
		*plus = '\0';
		uint32_t code = modifier_code(key);
		if (code == 0 || n_mods == 8) {
			result_fail(result, "unknown modifier '%s' in '%s'", key,
				keyspec);
			free(spec);
			return;
		}
		mods[n_mods++] = code;
		key = plus + 1;
	}
	xkb_keysym_t sym = xkb_keysym_from_name(key, XKB_KEYSYM_NO_FLAGS);
	if (sym == XKB_KEY_NoSymbol) {
		sym = xkb_keysym_from_name(key, XKB_KEYSYM_CASE_INSENSITIVE);
	}
	uint32_t code;
	xkb_level_index_t level;
	if (sym == XKB_KEY_NoSymbol ||
			!keysym_to_key(input->device->keyboard->keymap, sym, &code,
				&level)) {
		result_fail(result, "no key '%s' in the keymap of '%s'", key,
			device);
		free(spec);
		return;
	}
	free(spec);
	press_with_level(input, mods, n_mods, code, level);
	mp_test_result_v1_send_done(result, "");
}

static void handle_type(struct wl_client *client, struct wl_resource *resource,
		uint32_t id, const char *device, const char *text) {
	struct wl_resource *result;
	struct mp_input *input = device_request(resource, id, device,
		WLR_INPUT_DEVICE_KEYBOARD, &result);
	if (input == NULL) {
		return;
	}
	// Check every character first: all or nothing is typed.
	size_t len = strlen(text);
	uint32_t *codes = calloc(len + 1, sizeof(*codes));
	xkb_level_index_t *levels = calloc(len + 1, sizeof(*levels));
	size_t n = 0;
	for (const char *p = text; *p;) {
		uint32_t cp;
		if (!util_utf8_next(&p, &cp)) {
			result_fail(result, "text is not valid UTF-8");
			goto out;
		}
		xkb_keysym_t sym = cp == '\n' ? XKB_KEY_Return :
			cp == '\t' ? XKB_KEY_Tab : xkb_utf32_to_keysym(cp);
		if (!keysym_to_key(input->device->keyboard->keymap, sym,
				&codes[n], &levels[n])) {
			result_fail(result, "U+%04X cannot be typed with the keymap "
				"of '%s'", cp, device);
			goto out;
		}
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		press_with_level(input, NULL, 0, codes[i], levels[i]);
	}
	mp_test_result_v1_send_done(result, "");
out:
	free(codes);
	free(levels);
}

static void handle_pointer_move(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *device,
		int32_t dx, int32_t dy) {
	struct wl_resource *result;
	struct mp_input *input = device_request(resource, id, device,
		WLR_INPUT_DEVICE_POINTER, &result);
	if (input == NULL) {
		return;
	}
	struct wlr_event_pointer_motion event = {
		.device = input->device,
		.time_msec = now_ms(),
		.delta_x = dx,
		.delta_y = dy,
		.unaccel_dx = dx,
		.unaccel_dy = dy,
	};
	wl_signal_emit(&input->device->pointer->events.motion, &event);
	wl_signal_emit(&input->device->pointer->events.frame,
		input->device->pointer);
	mp_test_result_v1_send_done(result, "");
}

static void handle_pointer_button(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *device,
		uint32_t button) {
	struct wl_resource *result;
	struct mp_input *input = device_request(resource, id, device,
		WLR_INPUT_DEVICE_POINTER, &result);
	if (input == NULL) {
		return;
	}
	if (button < BTN_MISC || button > BTN_TASK) {
		result_fail(result, "button code %u is not a pointer button", button);
		return;
	}
	for (int pressed = 1; pressed >= 0; pressed--) {
		struct wlr_event_pointer_button event = {
			.device = input->device,
			.time_msec = now_ms(),
			.button = button,
			.state = pressed ? WLR_BUTTON_PRESSED : WLR_BUTTON_RELEASED,
		};
		wl_signal_emit(&input->device->pointer->events.button, &event);
		wl_signal_emit(&input->device->pointer->events.frame,
			input->device->pointer);
	}
	mp_test_result_v1_send_done(result, "");
}

/* ---- outputs ---- */

static void handle_add_output(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, int32_t width,
		int32_t height, const char *name) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = result_create(resource, id);
	if (result == NULL) {
		return;
	}
	if (test->server->headless_backend == NULL) {
		result_fail(result, "no headless backend to add outputs to");
		return;
	}
	if (width < 1 || height < 1 || width > 16384 || height > 16384) {
		result_fail(result, "bad output size %dx%d", width, height);
		return;
	}
	if (name[0] != '\0' && server_output_by_name(test->server, name)) {
		result_fail(result, "an output named '%s' exists already", name);
		return;
	}
	test->server->next_output_name = name[0] != '\0' ? name : NULL;
	struct wlr_output *output = wlr_headless_add_output(
		test->server->headless_backend, width, height);
	test->server->next_output_name = NULL;
	if (output == NULL || output->data == NULL) {
		result_fail(result, "cannot add output");
		return;
	}
	mp_test_result_v1_send_done(result, output->name);
}

static void handle_remove_output(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *name) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = result_create(resource, id);
	if (result == NULL) {
		return;
	}
	struct mp_output *output = server_output_by_name(test->server, name);
	if (output == NULL || !wlr_output_is_headless(output->wlr_output)) {
		result_fail(result, "no headless output named '%s'", name);
		return;
	}
	wlr_output_destroy(output->wlr_output);
	mp_test_result_v1_send_done(result, "");
}

/* ---- read-back ---- */

static void handle_screenshot(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *kind,
		const char *target, int32_t fd) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = result_create(resource, id);
	if (result == NULL) {
		close(fd);
		return;
	}
	struct wlr_box area;
	uint32_t *pixels = NULL;
	bool ok = true;
	if (strcmp(kind, "output") == 0) {
		struct mp_output *output = server_output_by_name(test->server, target);
		if (output == NULL) {
			result_fail(result, "no output named '%s'", target);
			close(fd);
			return;
		}
		area = (struct wlr_box){ 0, 0, output->wlr_output->width,
			output->wlr_output->height };
		pixels = calloc((size_t)area.width * area.height, 4);
		ok = pixels && output_read_pixels(output, &area, pixels);
	} else if (strcmp(kind, "station") == 0) {
		struct mp_station *station =
			server_station_by_name(test->server, target);
		if (station == NULL || station->n_parts == 0) {
			result_fail(result, station ? "station '%s' is offline" :
				"no station named '%s'", target);
			close(fd);
			return;
		}
		area = station->area;
		pixels = calloc((size_t)area.width * area.height, 4);
		for (size_t i = 0; ok && pixels && i < station->n_parts; i++) {
			struct mp_station_part *part = &station->parts[i];
			struct wlr_box local = {
				.x = part->box.x - part->output->lx,
				.y = part->box.y - part->output->ly,
				.width = part->box.width,
				.height = part->box.height,
			};
			uint32_t *tmp = calloc((size_t)local.width * local.height, 4);
			ok = tmp && output_read_pixels(part->output, &local, tmp);
			for (int y = 0; ok && y < local.height; y++) {
				memcpy(pixels + (size_t)(part->box.y - area.y + y) * area.width +
					(part->box.x - area.x),
					tmp + (size_t)y * local.width, (size_t)local.width * 4);
			}
			free(tmp);
		}
	} else {
		result_fail(result, "kind must be 'station' or 'output', not '%s'",
			kind);
		close(fd);
		return;
	}
	if (pixels == NULL || !ok) {
		result_fail(result, "cannot read pixels of '%s'", target);
	} else if (!util_write_all(fd, pixels, (size_t)area.width * area.height * 4)) {
		result_fail(result, "cannot write pixels: %s", strerror(errno));
	} else {
		char info[64];
		snprintf(info, sizeof(info), "%d %d", area.width, area.height);
		mp_test_result_v1_send_done(result, info);
	}
	free(pixels);
	close(fd);
}

/* The whole state: every station, session, device and output. */
static struct json_object *describe_all(struct mp_server *server) {
	struct json_object *all = json_object_new_object();
	json_object_object_add(all, "sessions_started",
		json_object_new_int64(server->next_session_id));
	struct json_object *list = json_object_new_array();
	struct mp_station *station;
	wl_list_for_each(station, &server->stations, link) {
		json_object_array_add(list, station_describe(station));
	}
	json_object_object_add(all, "stations", list);
	list = json_object_new_array();
	struct mp_session *session;
	wl_list_for_each(session, &server->sessions, link) {
		json_object_array_add(list, session_describe(session));
	}
	json_object_object_add(all, "sessions", list);
	list = json_object_new_array();
	struct mp_input *input;
	wl_list_for_each(input, &server->inputs, link) {
		json_object_array_add(list, input_describe(input));
	}
	json_object_object_add(all, "devices", list);
	list = json_object_new_array();
	struct mp_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		json_object_array_add(list, output_describe(output));
	}
	json_object_object_add(all, "outputs", list);
	return all;
}

static void handle_state(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, int32_t fd) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = result_create(resource, id);
	if (result == NULL) {
		close(fd);
		return;
	}
	struct json_object *state = describe_all(test->server);
	size_t size;
	const char *text = json_object_to_json_string_length(state,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &size);
	if (util_write_all(fd, text, size) && util_write_all(fd, "\n", 1)) {
		mp_test_result_v1_send_done(result, "");
	} else {
		result_fail(result, "cannot write state: %s", strerror(errno));
	}
	json_object_put(state);
	close(fd);
}

/* ---- waits ---- */

/* 1: holds, 0: not yet, -1: cannot be parsed (reason in *error). */
static int evaluate(struct mp_server *server, const char *condition,
		uint64_t seq, const char **error) {
	char what[16], name[80], arg[16];
	int n = sscanf(condition, "%15s %79s %15s", what, name, arg);
	if (n == 1 && strcmp(what, "idle") == 0) {
		struct mp_output *output;
		wl_list_for_each(output, &server->outputs, link) {
			if (!output_is_settled(output, seq)) {
				return 0;
			}
		}
		return 1;
	}
	if (n == 3 && strcmp(what, "views") == 0) {
		struct mp_station *station = server_station_by_name(server, name);
		char *end;
		long want = strtol(arg, &end, 10);
		if (station == NULL || *end != '\0' || want < 0) {
			*error = station ? "bad count" : "no such station";
			return -1;
		}
		return station_count_views(station) == (size_t)want;
	}
	if (n == 3 && strcmp(what, "greeter") == 0) {
		struct mp_station *station = server_station_by_name(server, name);
		if (station == NULL || station->greeter == NULL) {
			*error = "no such station";
			return -1;
		}
		struct mp_greeter *g = station->greeter;
		if (strcmp(arg, "prompt") == 0) {
			return g->answering;
		} else if (strcmp(arg, "error") == 0) {
			return g->error[0] != '\0';
		} else if (strcmp(arg, "ready") == 0) {
			return !g->busy && !g->answering && station->signin == NULL;
		} else if (strcmp(arg, "restarting") == 0) {
			return station->restart_timer != NULL;
		}
		*error = "expected prompt, error, ready or restarting";
		return -1;
	}
	if (n == 2 && strcmp(what, "sessions") == 0) {
		char *end;
		long want = strtol(name, &end, 10);
		if (*end != '\0' || want < 0) {
			*error = "bad count";
			return -1;
		}
		return wl_list_length(&server->sessions) == want;
	}
	if (n == 3 && strcmp(what, "session") == 0) {
		struct mp_station *station = server_station_by_name(server, name);
		if (station == NULL) {
			*error = "no such station";
			return -1;
		}
		if (strcmp(arg, "none") == 0) {
			return station->session == NULL;
		} else if (strcmp(arg, "any") == 0) {
			return station->session != NULL;
		}
		*error = "expected none or any";
		return -1;
	}
	*error = "unknown condition (idle, views STATION N, session STATION "
		"none|any, sessions N, greeter STATION prompt|error|ready|restarting)";
	return -1;
}

static void wait_resource_destroy(struct wl_resource *resource) {
	struct mp_test_wait *wait = wl_resource_get_user_data(resource);
	if (wait != NULL) {
		wl_list_remove(&wait->link);
		free(wait->condition);
		free(wait);
	}
}

static void handle_wait(struct wl_client *client, struct wl_resource *resource,
		uint32_t id, const char *condition) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = result_create(resource, id);
	if (result == NULL) {
		return;
	}
	const char *error = NULL;
	int holds = evaluate(test->server, condition, test->server->commit_seq,
		&error);
	if (holds < 0) {
		result_fail(result, "%s: %s", condition, error);
		return;
	}
	if (holds) {
		mp_test_result_v1_send_done(result, "");
		return;
	}
	struct mp_test_wait *wait = calloc(1, sizeof(*wait));
	if (wait == NULL) {
		result_fail(result, "out of memory");
		return;
	}
	wait->result = result;
	wait->condition = strdup(condition);
	wait->seq = test->server->commit_seq;
	wl_list_insert(test->waits.prev, &wait->link);
	wl_resource_set_implementation(result, &result_impl, wait,
		wait_resource_destroy);
}

void test_check_waits(struct mp_test *test) {
	if (test == NULL) {
		return;
	}
	struct mp_test_wait *wait, *tmp;
	wl_list_for_each_safe(wait, tmp, &test->waits, link) {
		const char *error = NULL;
		if (evaluate(test->server, wait->condition, wait->seq, &error) != 0) {
			mp_test_result_v1_send_done(wait->result, "");
			wl_resource_set_user_data(wait->result, NULL);
			wl_list_remove(&wait->link);
			free(wait->condition);
			free(wait);
		}
	}
}

/* ---- global ---- */

static void handle_destroy(struct wl_client *client,
		struct wl_resource *resource) {
	wl_resource_destroy(resource);
}

static const struct mp_test_v1_interface test_impl = {
	.destroy = handle_destroy,
	.add_keyboard = handle_add_keyboard,
	.add_pointer = handle_add_pointer,
	.remove_device = handle_remove_device,
	.key = handle_key,
	.type = handle_type,
	.pointer_move = handle_pointer_move,
	.pointer_button = handle_pointer_button,
	.add_output = handle_add_output,
	.remove_output = handle_remove_output,
	.screenshot = handle_screenshot,
	.state = handle_state,
	.wait = handle_wait,
};

static struct mp_test *test_from_resource(struct wl_resource *resource) {
	return wl_resource_get_user_data(resource);
}

static void bind_test(struct wl_client *wl_client, void *data,
		uint32_t version, uint32_t id) {
	struct mp_test *test = data;
	struct mp_client *client = client_from_wl(wl_client);
	if (client == NULL || client->kind != MP_CLIENT_TEST) {
		// The filter hides it; a client guessing the name gets an error.
		wl_client_post_implementation_error(wl_client,
			"mp_test_v1 is not for this client");
		return;
	}
	struct wl_resource *resource = wl_resource_create(wl_client,
		&mp_test_v1_interface, version, id);
	if (resource == NULL) {
		wl_client_post_no_memory(wl_client);
		return;
	}
	wl_resource_set_implementation(resource, &test_impl, test, NULL);
}

struct mp_test *test_create(struct mp_server *server) {
	struct mp_test *test = calloc(1, sizeof(*test));
	if (test == NULL) {
		return NULL;
	}
	test->server = server;
	wl_list_init(&test->waits);
	test->global = wl_global_create(server->display, &mp_test_v1_interface,
		1, test, bind_test);
	char *path = NULL;
	if (asprintf(&path, "%s/test", server->runtime_dir) < 0) {
		path = NULL;
	}
	test->socket = path ? socket_create(server, path, MP_CLIENT_TEST, NULL) :
		NULL;
	free(path);
	if (test->global == NULL || test->socket == NULL) {
		test_destroy(test);
		return NULL;
	}
	return test;
}

void test_destroy(struct mp_test *test) {
	if (test == NULL) {
		return;
	}
	struct mp_test_wait *wait, *tmp;
	wl_list_for_each_safe(wait, tmp, &test->waits, link) {
		wl_resource_set_user_data(wait->result, NULL);
		wl_list_remove(&wait->link);
		free(wait->condition);
		free(wait);
	}
	socket_destroy(test->socket);
	if (test->global != NULL) {
		wl_global_destroy(test->global);
	}
	free(test);
}

const char *test_socket_path(struct mp_test *test) {
	return test->socket->path;
}

bool test_owns_global(struct mp_test *test, const struct wl_global *global) {
	return test != NULL && test->global == global;
}
