#ifndef MP_GREETER_H
#define MP_GREETER_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>
#include "overlay/overlay.h"

#define MP_GREETER_FIELD_MAX 256
#define MP_GREETER_MESSAGES 4

enum mp_greeter_field {
	MP_GREETER_USER = 0,
	MP_GREETER_SECRET, // password, or the answer to PAM's current prompt
};

enum mp_greeter_mode {
	MP_GREETER_SIGNIN, // a free station's: user name and password fields
	MP_GREETER_STATUS, // a kiosk's: a status line only, no fields
	MP_GREETER_LOCK,   // a locked station's: the locked user's password
};

/* The sign-in screen of a free station, drawn by the compositor on the
 * station's first output: station name, clock, user name and password
 * fields, PAM's prompts and messages, an error line. A kiosk's shows only
 * a status ("Starting…", "Restarting in 4 s"). It reports SUBMIT (user,
 * password), ANSWER (to a prompt) and CANCEL (Escape).
 *
 * In LOCK mode it is the station's lock screen ("lock" in describe): the
 * same screen with the locked user shown and one password field only;
 * SUBMIT reports the locked user. */
struct mp_greeter {
	struct mp_overlay base;
	struct wlr_scene_node *node; // may be NULL (no area, no font)

	char user[MP_GREETER_FIELD_MAX]; // LOCK: the locked user, not editable
	char secret[MP_GREETER_FIELD_MAX];
	enum mp_greeter_field focus;
	char prompt[MP_GREETER_FIELD_MAX]; // label of the secret field
	bool secret_echo;                 // PAM prompt with echo on
	bool answering;                   // a PAM prompt waits for the secret
	bool busy;                        // PAM is working
	char messages[MP_GREETER_MESSAGES][MP_GREETER_FIELD_MAX];
	char error[MP_GREETER_FIELD_MAX];
	char status[MP_GREETER_FIELD_MAX];
	enum mp_greeter_mode mode;

	struct {
		int x, y, width, height;
	} field_box[2]; // relative to where it is drawn (the first part);
	                // empty for a field that is not shown

	struct wl_event_source *clock_timer;
};

/* locked_user: LOCK mode's user (NULL: none); ignored by the others. */
struct mp_greeter *greeter_create(struct mp_server *server,
	const struct mp_place *place, struct wlr_scene_tree *parent,
	enum mp_greeter_mode mode, const char *locked_user,
	void (*report)(void *data, const struct mp_intent *intent), void *data);

/* What the station's sign-in tells it. */
void greeter_show_prompt(struct mp_greeter *greeter, const char *text,
	bool echo);
void greeter_add_message(struct mp_greeter *greeter, const char *text,
	bool error);
/* The sign-in is over without a session: the reason is shown. */
void greeter_fail(struct mp_greeter *greeter, const char *reason);
void greeter_set_status(struct mp_greeter *greeter, const char *status);
/* Busy (PAM works, or the sign-in waits): typing is not taken. No longer
 * busy: the status line of what was in progress goes too. */
void greeter_set_busy(struct mp_greeter *greeter, bool busy);

#endif
