#ifndef MP_GREETER_H
#define MP_GREETER_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>
#include <xkbcommon/xkbcommon.h>

struct json_object;
struct mp_station;
struct wlr_scene_node;

#define MP_GREETER_FIELD_MAX 256
#define MP_GREETER_MESSAGES 4

enum mp_greeter_field {
	MP_GREETER_USER = 0,
	MP_GREETER_SECRET, // password, or the answer to PAM's current prompt
};

/* The sign-in screen of a station in state login, drawn by the compositor:
 * station name, clock, user name and password fields, PAM's prompts and
 * messages, an error line. */
struct mp_greeter {
	struct mp_station *station;
	struct wlr_scene_node *node; // may be NULL (no area, no font)

	char user[MP_GREETER_FIELD_MAX];
	char secret[MP_GREETER_FIELD_MAX];
	enum mp_greeter_field focus;
	char prompt[MP_GREETER_FIELD_MAX]; // label of the secret field
	bool secret_echo;                 // PAM prompt with echo on
	bool answering;                   // a PAM prompt waits for the secret
	bool busy;                        // PAM is working
	char messages[MP_GREETER_MESSAGES][MP_GREETER_FIELD_MAX];
	char error[MP_GREETER_FIELD_MAX];
	char status[MP_GREETER_FIELD_MAX]; // e.g. "Restarting in 4 s"
	bool locked_user; // kiosk: no fields at all

	struct {
		int x, y, width, height;
	} field_box[2]; // station-local, for clicks

	struct wl_event_source *clock_timer;
};

struct mp_greeter *greeter_create(struct mp_station *station);
void greeter_destroy(struct mp_greeter *greeter);
/* Draws again (the station's area or the greeter's state changed). */
void greeter_update(struct mp_greeter *greeter);
/* Clears the fields, messages and error (a new sign-in) and draws. */
void greeter_reset(struct mp_greeter *greeter);
/* The same without drawing, for a caller that draws next anyway. */
void greeter_clear(struct mp_greeter *greeter);

/* A key press on one of the station's keyboards. */
void greeter_handle_key(struct mp_greeter *greeter, xkb_keysym_t sym,
	const char *utf8, bool shift);
/* A click at station-local coordinates. */
void greeter_handle_click(struct mp_greeter *greeter, int x, int y);

/* What the sign-in tells it. */
void greeter_show_prompt(struct mp_greeter *greeter, const char *text,
	bool echo);
void greeter_add_message(struct mp_greeter *greeter, const char *text,
	bool error);
void greeter_fail(struct mp_greeter *greeter, const char *reason);
void greeter_set_status(struct mp_greeter *greeter, const char *status);
/* Its state as JSON (fields, prompt, messages, field boxes). */
struct json_object *greeter_describe(struct mp_greeter *greeter);

#endif
