/* mp_test_v1: virtual input devices. They go through the same matching
 * and routing as real ones (input.c): only their events are made here. */
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wlr/backend/headless.h>
#include <wlr/interfaces/wlr_input_device.h>
#include <wlr/interfaces/wlr_keyboard.h>
#include <wlr/interfaces/wlr_pointer.h>
#include <xkbcommon/xkbcommon.h>
#include "input.h"
#include "server.h"
#include "station.h"
#include "test/internal.h"
#include "util.h"
#include <wlr/util/log.h>

/* "keyboard" or "pointer"; else result fails. */
static bool parse_type(struct wl_resource *result, const char *type,
		enum wlr_input_device_type *kind) {
	if (strcmp(type, "keyboard") == 0) {
		*kind = WLR_INPUT_DEVICE_KEYBOARD;
	} else if (strcmp(type, "pointer") == 0) {
		*kind = WLR_INPUT_DEVICE_POINTER;
	} else {
		test_result_fail(result, "type must be keyboard or pointer, not "
			"'%s'", type);
		return false;
	}
	return true;
}

static void test_device_destroy(struct wlr_input_device *device) {
	free(device);
}

static const struct wlr_input_device_impl test_device_impl = {
	.destroy = test_device_destroy,
};

/* Makes the device, with identity (taken over and emptied), and answers
 * result. */
static void add_device(struct mp_test *test, struct wl_resource *result,
		const char *name, struct mp_identity *identity,
		enum wlr_input_device_type type) {
	if (name[0] == '\0') {
		identity_finish(identity);
		test_result_fail(result, "a device needs a name");
		return;
	}
	if (input_by_name(test->server, name)) {
		identity_finish(identity);
		test_result_fail(result, "a device named '%s' exists already", name);
		return;
	}
	// Its name is the one the test gives, whatever NAME says.
	free(identity->name);
	identity->name = strdup(name);
	struct wlr_input_device *device = calloc(1, sizeof(*device));
	if (device == NULL || identity->name == NULL) {
		free(device);
		identity_finish(identity);
		test_result_fail(result, "out of memory");
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
		identity_finish(identity);
		wlr_input_device_destroy(device);
		test_result_fail(result, "out of memory");
		return;
	}
	// The same path as a real device: matching, station, seat.
	struct mp_input *input = input_create(test->server, device, identity,
		true);
	if (input == NULL) {
		wlr_input_device_destroy(device);
		test_result_fail(result, "cannot add device '%s'", name);
		return;
	}
	mp_test_result_v1_send_done(result,
		input->station ? input->station->name : "");
}

void test_handle_add_backend_device(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *type) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = test_result_create(resource, id);
	if (result == NULL) {
		return;
	}
	enum wlr_input_device_type kind;
	if (!parse_type(result, type, &kind)) {
		return;
	}
	if (test->server->headless_backend == NULL) {
		test_result_fail(result, "no headless backend");
		return;
	}
	// The backend announces it: input.c takes it as any real device.
	struct wlr_input_device *device = wlr_headless_add_input_device(
		test->server->headless_backend, kind);
	struct mp_input *input = device ? device->data : NULL;
	if (input == NULL) {
		test_result_fail(result, "cannot add a %s", type);
		return;
	}
	mp_test_result_v1_send_done(result, input->name);
}

static const char *get_id_path(void *data, const char *key) {
	return strcmp(key, "ID_PATH") == 0 ? data : NULL;
}

/* add_keyboard, add_pointer: a device known by its ID_PATH alone. */
static void add_with_path(struct wl_resource *resource, uint32_t id,
		const char *name, const char *id_path,
		enum wlr_input_device_type type) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = test_result_create(resource, id);
	if (result == NULL) {
		return;
	}
	struct mp_identity identity = { 0 };
	char *warning = NULL;
	if (!identity_build(&identity, get_id_path,
			id_path[0] ? (void *)id_path : NULL, &warning)) {
		test_result_fail(result, "out of memory");
		return;
	}
	if (warning != NULL) {
		identity_finish(&identity);
		test_result_fail(result, "bad ID_PATH: %s", warning);
		free(warning);
		return;
	}
	add_device(test, result, name, &identity, type);
}

void test_handle_add_keyboard(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *name,
		const char *id_path) {
	add_with_path(resource, id, name, id_path, WLR_INPUT_DEVICE_KEYBOARD);
}

void test_handle_add_pointer(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *name,
		const char *id_path) {
	add_with_path(resource, id, name, id_path, WLR_INPUT_DEVICE_POINTER);
}

void test_handle_add_device(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *type,
		const char *name, const char *properties) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = test_result_create(resource, id);
	if (result == NULL) {
		return;
	}
	enum wlr_input_device_type kind;
	if (!parse_type(result, type, &kind)) {
		return;
	}
	struct mp_identity identity = { 0 };
	char *error = NULL;
	if (!identity_parse(&identity, properties, &error)) {
		test_result_fail(result, "not udev properties: %s",
			error ? error : "out of memory");
		free(error);
		return;
	}
	// What a real device's malformed properties do: logged, left out.
	if (error != NULL) {
		wlr_log(WLR_ERROR, "test device %s: udev properties left out: %s",
			name, error);
		free(error);
	}
	add_device(test, result, name, &identity, kind);
}

/* A device this protocol added, or NULL (result failed). */
static struct mp_input *find_test_device(struct mp_test *test,
		struct wl_resource *result, const char *name) {
	struct mp_input *input = input_by_name(test->server, name);
	if (input == NULL || !input->is_test) {
		test_result_fail(result, "no test device named '%s'", name);
		return NULL;
	}
	return input;
}

void test_handle_remove_device(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *name) {
	struct mp_test *test = test_from_resource(resource);
	struct wl_resource *result = test_result_create(resource, id);
	if (result == NULL) {
		return;
	}
	struct mp_input *input = find_test_device(test, result, name);
	if (input == NULL) {
		return;
	}
	// Destroying the device runs input_destroy through its signal.
	wlr_input_device_destroy(input->device);
	mp_test_result_v1_send_done(result, "");
}

static void send_key(struct mp_input *input, uint32_t code, bool pressed) {
	struct wlr_event_keyboard_key event = {
		.time_msec = (uint32_t)util_now_ms(),
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
	*result = test_result_create(resource, id);
	if (*result == NULL) {
		return NULL;
	}
	struct mp_input *input = find_test_device(test_from_resource(resource),
		*result, device);
	if (input != NULL && input->device->type != type) {
		test_result_fail(*result, "device '%s' is not a %s", device,
			type == WLR_INPUT_DEVICE_KEYBOARD ? "keyboard" : "pointer");
		return NULL;
	}
	return input;
}

void test_handle_key(struct wl_client *client, struct wl_resource *resource,
		uint32_t id, const char *device, const char *keyspec) {
	struct wl_resource *result;
	struct mp_input *input = device_request(resource, id, device,
		WLR_INPUT_DEVICE_KEYBOARD, &result);
	if (input == NULL) {
		return;
	}
	char *spec = strdup(keyspec);
	if (spec == NULL) {
		test_result_fail(result, "out of memory");
		return;
	}
	uint32_t mods[8];
	size_t n_mods = 0;
	char *key = spec, *plus;
	while ((plus = strchr(key, '+')) != NULL && plus[1] != '\0') {
		*plus = '\0';
		uint32_t code = modifier_code(key);
		if (code == 0 || n_mods == 8) {
			test_result_fail(result, "unknown modifier '%s' in '%s'", key,
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
		test_result_fail(result, "no key '%s' in the keymap of '%s'", key,
			device);
		free(spec);
		return;
	}
	free(spec);
	press_with_level(input, mods, n_mods, code, level);
	mp_test_result_v1_send_done(result, "");
}

void test_handle_type(struct wl_client *client, struct wl_resource *resource,
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
	if (codes == NULL || levels == NULL) {
		test_result_fail(result, "out of memory");
		goto out;
	}
	for (const char *p = text; *p;) {
		uint32_t cp;
		if (!util_utf8_next(&p, &cp)) {
			test_result_fail(result, "text is not valid UTF-8");
			goto out;
		}
		xkb_keysym_t sym = cp == '\n' ? XKB_KEY_Return :
			cp == '\t' ? XKB_KEY_Tab : xkb_utf32_to_keysym(cp);
		if (!keysym_to_key(input->device->keyboard->keymap, sym,
				&codes[n], &levels[n])) {
			test_result_fail(result, "U+%04X cannot be typed with the keymap "
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

void test_handle_pointer_move(struct wl_client *client,
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
		.time_msec = (uint32_t)util_now_ms(),
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

void test_handle_pointer_button(struct wl_client *client,
		struct wl_resource *resource, uint32_t id, const char *device,
		uint32_t button) {
	struct wl_resource *result;
	struct mp_input *input = device_request(resource, id, device,
		WLR_INPUT_DEVICE_POINTER, &result);
	if (input == NULL) {
		return;
	}
	if (button < BTN_MISC || button > BTN_TASK) {
		test_result_fail(result, "button code %u is not a pointer button", button);
		return;
	}
	for (int pressed = 1; pressed >= 0; pressed--) {
		struct wlr_event_pointer_button event = {
			.device = input->device,
			.time_msec = (uint32_t)util_now_ms(),
			.button = button,
			.state = pressed ? WLR_BUTTON_PRESSED : WLR_BUTTON_RELEASED,
		};
		wl_signal_emit(&input->device->pointer->events.button, &event);
		wl_signal_emit(&input->device->pointer->events.frame,
			input->device->pointer);
	}
	mp_test_result_v1_send_done(result, "");
}

