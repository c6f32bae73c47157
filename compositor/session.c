#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_keyboard.h>
#include <wlr/util/log.h>
#include "client.h"
#include "describe.h"
#include "helper.h"
#include "place.h"
#include "server.h"
#include "session.h"
#include "vout.h"
#include "socket.h"
#include "util.h"
#include "view.h"

// How long the helper lets the session's processes go after SIGTERM
// before SIGKILL, and how much longer we wait for it to say ENDED.
#define KILL_GRACE_MS 3000
#define HELPER_SLACK_MS 5000

const char *session_state_name(enum mp_session_state state) {
	switch (state) {
	case MP_SESSION_STARTING:
		return "starting";
	case MP_SESSION_ATTACHED:
		return "attached";
	case MP_SESSION_LOCKED:
		return "locked";
	case MP_SESSION_PARKED:
		return "parked";
	case MP_SESSION_LOGGING_OFF:
		return "logging-off";
	case MP_SESSION_ENDING:
		return "ending";
	}
	return "unknown";
}

static const char *station_name(struct mp_session *session) {
	return session->place ? session->place->name : "-";
}

/* The one place where a session changes state. */
static void set_state(struct mp_session *session, enum mp_session_state state,
		const char *reason) {
	if (session->state == state) {
		return;
	}
	wlr_log(WLR_INFO, "session %u (%s) at station %s: %s -> %s: %s",
		session->id, session->user, station_name(session),
		session_state_name(session->state), session_state_name(state),
		reason);
	session->state = state;
	server_changed(session->server);
}

/* The state a running session settles in, given where it is shown and
 * whether it is locked there. */
static void settle(struct mp_session *session, const char *reason) {
	if (session->state == MP_SESSION_ATTACHED ||
			session->state == MP_SESSION_LOCKED ||
			session->state == MP_SESSION_PARKED ||
			(session->state == MP_SESSION_STARTING && session->pid > 0)) {
		set_state(session, session->place == NULL ? MP_SESSION_PARKED :
			session->locked ? MP_SESSION_LOCKED : MP_SESSION_ATTACHED,
			reason);
	}
}

bool session_is_movable(struct mp_session *session) {
	return !session->kiosk && (session->state == MP_SESSION_STARTING ||
		session->state == MP_SESSION_ATTACHED ||
		session->state == MP_SESSION_LOCKED ||
		session->state == MP_SESSION_PARKED);
}

/* ---- outputs ---- */

static void session_output_destroy(struct mp_session_output *output) {
	// Its global goes while the global filter still counts it as the
	// session's: only then are its clients told global_remove.
	wlr_output_destroy(output->wlr_output);
	wl_list_remove(&output->link);
	free(output);
}

/* A mode set through a commit: the public way (the output's backend, not
 * ours, implements it). */
static void resize_output(struct wlr_output *output, int width, int height) {
	if (output->width == width && output->height == height) {
		return;
	}
	wlr_output_set_custom_mode(output, width, height, 0);
	if (!wlr_output_commit(output)) {
		wlr_log(WLR_ERROR, "session output %s: cannot resize to %dx%d",
			output->name, width, height);
	}
}

/* Matches the session's outputs to its place's parts: resized when they
 * differ, created or destroyed only when the number of screens does. A
 * session shown nowhere keeps the outputs it had. */
static void update_outputs(struct mp_session *session) {
	const struct mp_place *place = session->place;
	if (place == NULL || place->n_parts == 0) {
		return;
	}
	size_t i = 0;
	struct mp_session_output *output, *tmp;
	wl_list_for_each_safe(output, tmp, &session->outputs, link) {
		if (i >= place->n_parts) {
			session_output_destroy(output);
			continue;
		}
		resize_output(output->wlr_output, place->parts[i].width,
			place->parts[i].height);
		i++;
	}
	for (; i < place->n_parts; i++) {
		output = calloc(1, sizeof(*output));
		if (output == NULL) {
			return;
		}
		char name[16]; // fits wlr_output.model
		snprintf(name, sizeof(name), "MP-%u", (unsigned)(i + 1));
		// Never drawn on: no frame, no timer, ever.
		output->wlr_output = vout_create(session->server->session_backend,
			session->server->display, place->parts[i].width,
			place->parts[i].height, name, false);
		if (output->wlr_output == NULL) {
			free(output);
			return;
		}
		// wl_output 3 has no name: clients tell the screens of their
		// session apart by the model, "MP-1", "MP-2" ...
		memcpy(output->wlr_output->model, name, sizeof(name));
		wlr_output_create_global(output->wlr_output);
		wl_list_insert(session->outputs.prev, &output->link);
	}
}

static bool owns_global(struct mp_session *session,
		const struct wl_global *global) {
	if (session->seat != NULL && session->seat->global == global) {
		return true;
	}
	struct mp_session_output *output;
	wl_list_for_each(output, &session->outputs, link) {
		if (output->wlr_output->global == global) {
			return true;
		}
	}
	return false;
}

/* ---- windows ---- */

static struct mp_view *top_view(struct mp_session *session) {
	struct mp_view *view;
	wl_list_for_each(view, &session->views, link) {
		if (view->mapped) {
			return view;
		}
	}
	return NULL;
}

size_t session_count_views(struct mp_session *session) {
	size_t n = 0;
	struct mp_view *view;
	wl_list_for_each(view, &session->views, link) {
		n += view->mapped;
	}
	return n;
}

void session_focus(struct mp_session *session) {
	if (session->place == NULL || session->locked) {
		return; // nothing of it may take input
	}
	struct mp_view *top = top_view(session), *view;
	wl_list_for_each(view, &session->views, link) {
		view_set_activated(view, view == top);
	}
	if (top == NULL) {
		wlr_seat_keyboard_clear_focus(session->seat);
		return;
	}
	struct wlr_keyboard *kb = wlr_seat_get_keyboard(session->seat);
	wlr_seat_keyboard_notify_enter(session->seat, top->xdg_surface->surface,
		kb ? kb->keycodes : NULL, kb ? kb->num_keycodes : 0,
		kb ? &kb->modifiers : NULL);
}

/* The session output of part i of its place (MP-1 for part 0 ...), or
 * NULL. */
static struct wlr_output *part_output(struct mp_session *session, int part) {
	int i = 0;
	struct mp_session_output *output;
	wl_list_for_each(output, &session->outputs, link) {
		if (i++ == part) {
			return output->wlr_output;
		}
	}
	return NULL;
}

/* The part whose session output this is; -1 for NULL or an output that
 * is not the session's. */
static int output_part(struct mp_session *session,
		struct wlr_output *wlr_output) {
	int i = 0;
	struct mp_session_output *output;
	wl_list_for_each(output, &session->outputs, link) {
		if (output->wlr_output == wlr_output) {
			return i;
		}
		i++;
	}
	return -1;
}

/* The part of the place under its station's pointer; the first one when
 * the pointer is on none (between screens of different sizes) or the
 * station has no pointer. */
static int pointer_part(const struct mp_place *place) {
	if (!(place->capabilities & WL_SEAT_CAPABILITY_POINTER) ||
			place->cursor_x == NULL || place->cursor_y == NULL) {
		return 0;
	}
	for (size_t i = 0; i < place->n_parts; i++) {
		if (wlr_box_contains_point(&place->parts[i], *place->cursor_x,
				*place->cursor_y)) {
			return (int)i;
		}
	}
	return 0;
}

/* A window fills one part of its place (one screen of its station): the
 * one under the pointer when it is first shown mapped, then that one
 * until it moves (fullscreen on another screen) or the part is no more
 * (a station of fewer screens: the first one). Its client is told the
 * session output of that part. Shown nowhere, it keeps its part and
 * output. */
static void place_view(struct mp_session *session, struct mp_view *view) {
	static const struct wlr_box nowhere = { 0 };
	const struct mp_place *place = session->place;
	if (place == NULL || place->n_parts == 0) {
		view_place(view, &nowhere);
		return;
	}
	if (!view->part_kept) {
		view->part = pointer_part(place);
		view->part_kept = view->mapped;
	} else if (view->part < 0 || (size_t)view->part >= place->n_parts) {
		view->part = 0;
	}
	view_place(view, &place->parts[view->part]);
	view_set_output(view, part_output(session, view->part));
}

/* Fullscreen on the part of output (NULL, or not one of the session's:
 * the part it is on), or back to maximized on its part. */
static void set_fullscreen(struct mp_session *session, struct mp_view *view,
		bool fullscreen, struct wlr_output *output) {
	int part = fullscreen ? output_part(session, output) : -1;
	if (output != NULL && part < 0) {
		wlr_log(WLR_DEBUG, "session %u: fullscreen asked on output %s, "
			"not one of the session's: on the window's own", session->id,
			output->name);
	}
	if (part >= 0) {
		view->part = part;
		view->part_kept = true;
	}
	view_set_fullscreen(view, fullscreen);
	place_view(session, view);
}

static void handle_logoff_idle(void *data) {
	struct mp_session *session = data;
	session->logoff_idle = NULL;
	if (session->state == MP_SESSION_LOGGING_OFF &&
			session_count_views(session) == 0) {
		session->server->session_handler->done(session,
			"log off: every window closed", false);
	}
}

/* A log off is complete once every window is gone. That happens inside a
 * client's request (it destroys its window) or while a client is being
 * destroyed: the session, which disconnects its clients when it ends,
 * ends from an idle callback, never there. */
static void check_logoff(struct mp_session *session) {
	if (session->state == MP_SESSION_LOGGING_OFF &&
			session_count_views(session) == 0 &&
			session->logoff_idle == NULL) {
		session->logoff_idle = wl_event_loop_add_idle(session->server->loop,
			handle_logoff_idle, session);
	}
}

static void handle_view_map(struct mp_view *view) {
	struct mp_session *session = view->data;
	// Newest window on top, on the screen the pointer is on now.
	wl_list_remove(&view->link);
	wl_list_insert(&session->views, &view->link);
	wlr_scene_node_raise_to_top(view->node);
	place_view(session, view);
	wlr_log(WLR_DEBUG, "session %u: window '%s' mapped", session->id,
		view->xdg_surface->toplevel->title ?
		view->xdg_surface->toplevel->title : "");
	session_focus(session);
	server_changed(session->server);
	if (session->state == MP_SESSION_LOGGING_OFF) {
		view_close(view); // it came during the log off: it goes too
	}
}

static void handle_view_unmap(struct mp_view *view) {
	struct mp_session *session = view->data;
	if (session->seat->keyboard_state.focused_surface ==
			view->xdg_surface->surface) {
		wlr_seat_keyboard_clear_focus(session->seat);
	}
	session_focus(session);
	server_changed(session->server);
	check_logoff(session);
}

static void handle_view_destroy(struct mp_view *view) {
	struct mp_session *session = view->data;
	wl_list_remove(&view->link);
	server_changed(session->server);
	check_logoff(session);
}

static void handle_view_request_fullscreen(struct mp_view *view,
		bool fullscreen, struct wlr_output *output) {
	set_fullscreen(view->data, view, fullscreen, output);
}

static const struct mp_view_handler view_handler = {
	.map = handle_view_map,
	.unmap = handle_view_unmap,
	.destroy = handle_view_destroy,
	.request_fullscreen = handle_view_request_fullscreen,
};

/* A new toplevel of one of its clients. */
static void session_new_toplevel(struct mp_session *session,
		struct wlr_xdg_surface *xdg_surface) {
	if (session->state == MP_SESSION_ENDING) {
		return;
	}
	struct mp_view *view = view_create(xdg_surface, &session->tree->node,
		&view_handler, session);
	if (view == NULL) {
		return;
	}
	wl_list_insert(&session->views, &view->link);
	// Sized before its first buffer, so that it maps at the right size;
	// fullscreen at once if it asked before its first commit (wlroots
	// tells us of a toplevel only then).
	struct wlr_xdg_toplevel_requested *requested =
		&xdg_surface->toplevel->requested;
	if (requested->fullscreen) {
		set_fullscreen(session, view, true, requested->fullscreen_output);
	} else {
		place_view(session, view);
	}
}

static void handle_new_xdg_surface(struct wl_listener *listener, void *data) {
	struct wlr_xdg_surface *xdg_surface = data;
	if (xdg_surface->role == WLR_XDG_SURFACE_ROLE_POPUP) {
		view_handle_new_popup(xdg_surface);
		return;
	}
	if (xdg_surface->role != WLR_XDG_SURFACE_ROLE_TOPLEVEL) {
		return;
	}
	struct mp_client *client = client_from_wl(
		wl_resource_get_client(xdg_surface->resource));
	if (client == NULL || client->session == NULL) {
		// Only session clients can have windows on a station.
		wlr_log(WLR_DEBUG, "toplevel of a client without a session: "
			"never shown");
		return;
	}
	session_new_toplevel(client->session, xdg_surface);
}

void session_listen_xdg_shell(struct mp_server *server) {
	server->new_xdg_surface.notify = handle_new_xdg_surface;
	wl_signal_add(&server->xdg_shell->events.new_surface,
		&server->new_xdg_surface);
}

/* ---- where it is shown ---- */

/* Outputs, seat capabilities and windows follow the place. */
static void follow_place(struct mp_session *session) {
	update_outputs(session);
	wlr_seat_set_capabilities(session->seat, session->place->capabilities);
	struct mp_view *view;
	wl_list_for_each(view, &session->views, link) {
		place_view(session, view);
	}
}

/* Shows the session's windows in place, sized to it, and settles its
 * state there. */
static void enter_place(struct mp_session *session,
		const struct mp_place *place, const char *reason) {
	session->place = place;
	wlr_scene_node_reparent(&session->tree->node, &place->tree->node);
	follow_place(session);
	settle(session, reason);
	session_focus(session);
	server_changed(session->server);
}

/* Takes the session's windows out of its place: to limbo (no frames, no
 * input), menus closed, focus and devices dropped. Its seat keeps its
 * capabilities until it is shown again, so that clients keep their
 * wl_keyboard and wl_pointer (a move is seamless for them). */
/* Menus closed, focus dropped: no input reaches the session (locked or
 * shown nowhere). */
static void drop_input(struct mp_session *session) {
	struct mp_view *view;
	wl_list_for_each(view, &session->views, link) {
		view_close_popups(view);
	}
	wlr_seat_pointer_clear_focus(session->seat);
	wlr_seat_keyboard_clear_focus(session->seat);
}

static void leave_place(struct mp_session *session) {
	session->place = NULL;
	session->locked = false; // a lock belongs to a station
	helper_unlock_cancel(session->helper);
	wlr_scene_node_reparent(&session->tree->node,
		&session->server->limbo->node);
	drop_input(session);
	struct mp_view *view;
	wl_list_for_each(view, &session->views, link) {
		place_view(session, view);
	}
	// No device of a station stays on its seat (wlroots would keep
	// listening to it after the seat is gone).
	wlr_seat_set_keyboard(session->seat, NULL);
}

void session_attach(struct mp_session *session, const struct mp_place *place,
		bool locked) {
	session->locked = locked; // before it could get focus
	enter_place(session, place, locked ? "back at its station, locked" :
		"shown at its station");
}

void session_move(struct mp_session *session, const struct mp_place *place,
		const char *reason) {
	wlr_log(WLR_INFO, "session %u (%s) moves from station %s to station "
		"%s: %s", session->id, session->user, station_name(session),
		place->name, reason);
	leave_place(session);
	enter_place(session, place, reason);
}

void session_lock(struct mp_session *session, const char *reason) {
	if (session->place == NULL || session->locked) {
		return;
	}
	session->locked = true;
	drop_input(session);
	settle(session, reason);
	server_changed(session->server);
}

void session_unlock(struct mp_session *session, const char *reason) {
	if (!session->locked) {
		return;
	}
	session->locked = false;
	helper_unlock_cancel(session->helper);
	settle(session, reason);
	session_focus(session);
	server_changed(session->server);
}

bool session_unlock_begin(struct mp_session *session, const char *secret) {
	if (!session->locked || session->helper == NULL ||
			!helper_unlock(session->helper, secret)) {
		return false;
	}
	wlr_log(WLR_INFO, "session %u (%s) at station %s: unlock asked of PAM",
		session->id, session->user, station_name(session));
	server_changed(session->server);
	return true;
}

void session_unlock_answer(struct mp_session *session, const char *text) {
	if (session->helper != NULL && session->helper->unlocking) {
		helper_answer(session->helper, text);
	}
}

void session_unlock_cancel(struct mp_session *session) {
	helper_unlock_cancel(session->helper);
	server_changed(session->server);
}

void session_place_changed(struct mp_session *session) {
	if (session->place != NULL) {
		follow_place(session);
	}
}

void session_detach(struct mp_session *session, const char *reason) {
	if (session->place == NULL) {
		return;
	}
	wlr_log(WLR_INFO, "session %u (%s) leaves station %s: %s", session->id,
		session->user, session->place->name, reason);
	leave_place(session);
	settle(session, reason);
	server_changed(session->server);
}

/* ---- input ---- */

void session_set_keyboard(struct mp_session *session,
		struct wlr_input_device *device) {
	wlr_seat_set_keyboard(session->seat, device);
}

void session_key(struct mp_session *session, struct wlr_input_device *device,
		uint32_t time_msec, uint32_t keycode, uint32_t state) {
	wlr_seat_set_keyboard(session->seat, device);
	wlr_seat_keyboard_notify_key(session->seat, time_msec, keycode, state);
}

void session_modifiers(struct mp_session *session,
		struct wlr_input_device *device) {
	wlr_seat_set_keyboard(session->seat, device);
	wlr_seat_keyboard_notify_modifiers(session->seat,
		&device->keyboard->modifiers);
}

static struct wlr_surface *surface_at(struct mp_session *session, double lx,
		double ly, double *sx, double *sy) {
	struct wlr_scene_node *node =
		wlr_scene_node_at(&session->tree->node, lx, ly, sx, sy);
	if (node == NULL || node->type != WLR_SCENE_NODE_SURFACE) {
		return NULL;
	}
	return wlr_scene_surface_from_node(node)->surface;
}

bool session_pointer_motion(struct mp_session *session, uint32_t time_msec,
		double lx, double ly) {
	double sx, sy;
	struct wlr_surface *surface = surface_at(session, lx, ly, &sx, &sy);
	if (surface == NULL) {
		wlr_seat_pointer_clear_focus(session->seat);
		return false;
	}
	wlr_seat_pointer_notify_enter(session->seat, surface, sx, sy);
	wlr_seat_pointer_notify_motion(session->seat, time_msec, sx, sy);
	return true;
}

void session_pointer_button(struct mp_session *session, uint32_t time_msec,
		double lx, double ly, uint32_t button, uint32_t state) {
	double sx, sy;
	struct wlr_surface *surface = surface_at(session, lx, ly, &sx, &sy);
	if (surface != session->seat->pointer_state.focused_surface) {
		// The window under the pointer came there without the pointer
		// moving (it mapped, the session was shown): it gets the
		// pointer before the button.
		if (surface != NULL) {
			wlr_seat_pointer_notify_enter(session->seat, surface, sx, sy);
		} else {
			wlr_seat_pointer_clear_focus(session->seat);
		}
	}
	if (state == WLR_BUTTON_PRESSED) {
		struct mp_view *view = view_from_surface(surface);
		if (view != NULL && view->data == session &&
				view != top_view(session)) {
			// Raise and focus the clicked window.
			wl_list_remove(&view->link);
			wl_list_insert(&session->views, &view->link);
			wlr_scene_node_raise_to_top(view->node);
			session_focus(session);
		}
	}
	wlr_seat_pointer_notify_button(session->seat, time_msec, button, state);
}

void session_pointer_axis(struct mp_session *session, uint32_t time_msec,
		enum wlr_axis_orientation orientation, double delta,
		int32_t delta_discrete, enum wlr_axis_source source) {
	wlr_seat_pointer_notify_axis(session->seat, time_msec, orientation,
		delta, delta_discrete, source);
}

void session_pointer_frame(struct mp_session *session) {
	wlr_seat_pointer_notify_frame(session->seat);
}

void session_pointer_leave(struct mp_session *session) {
	wlr_seat_pointer_clear_focus(session->seat);
}

struct wlr_surface *session_scanout_surface(struct mp_session *session,
		int *lx, int *ly) {
	struct mp_view *view = top_view(session);
	if (view == NULL || !wl_list_empty(&view->xdg_surface->popups) ||
			!wlr_scene_node_coords(view->node, lx, ly)) {
		return NULL;
	}
	return view->xdg_surface->surface;
}

/* ---- clients ---- */

static void handle_client(void *data, struct wl_client *wl_client) {
	struct mp_session *session = data;
	struct mp_client *client = client_from_wl(wl_client);
	if (client == NULL) {
		wl_client_destroy(wl_client);
		return;
	}
	client->kind = MP_CLIENT_SESSION;
	client->session = session;
	client->owns_global = owns_global;
	wl_list_remove(&client->session_link);
	wl_list_insert(&session->clients, &client->session_link);
}

static void handle_request_set_selection(struct wl_listener *listener,
		void *data) {
	struct mp_session *session =
		wl_container_of(listener, session, request_set_selection);
	struct wlr_seat_request_set_selection_event *event = data;
	wlr_seat_set_selection(session->seat, event->source, event->serial);
}

/* ---- the helper ---- */

static void finish(struct mp_session *session);

static void handle_helper_prompt(void *data, const char *text, bool echo) {
	struct mp_session *session = data;
	if (session->helper->unlocking) {
		session->server->session_handler->unlock_prompt(session, text, echo);
		return;
	}
	// A PAM session module asking something: nobody to ask any more.
	wlr_log(WLR_INFO, "session %u (%s): PAM asks '%s' while opening the "
		"session; answered with nothing", session->id, session->user, text);
	helper_answer(session->helper, "");
}

static void handle_helper_message(void *data, const char *text, bool error) {
	struct mp_session *session = data;
	wlr_log(error ? WLR_ERROR : WLR_INFO, "session %u (%s): PAM says: %s",
		session->id, session->user, text);
	if (session->helper->unlocking) {
		session->server->session_handler->unlock_message(session, text,
			error);
	}
}

static void handle_helper_unlocked(void *data, bool ok, const char *reason) {
	struct mp_session *session = data;
	wlr_log(WLR_INFO, "session %u (%s) at station %s: unlock %s%s%s",
		session->id, session->user, station_name(session),
		ok ? "granted" : "refused", ok ? "" : ": ", ok ? "" : reason);
	if (session->locked) {
		session->server->session_handler->unlocked(session, ok, reason);
	}
	server_changed(session->server);
}

static void handle_helper_authenticated(void *data,
		const struct mp_helper_identity *id) {
	// Not after the hand-over (the helper checks its phase).
}

/* The helper has no more to say: an ending session is over, any other
 * is done on its own (reason; failed: it could not start). */
static void helper_over(struct mp_session *session, const char *reason,
		bool failed) {
	helper_destroy(session->helper);
	session->helper = NULL;
	if (session->state == MP_SESSION_ENDING) {
		finish(session);
	} else {
		session->server->session_handler->done(session, reason, failed);
	}
}

static void handle_helper_failed(void *data, const char *reason) {
	// PAM could not open the session (or the helper went away before
	// the command ran): nothing of it runs.
	helper_over(data, reason, true);
}

static void handle_helper_started(void *data, pid_t pid) {
	struct mp_session *session = data;
	session->pid = pid;
	wlr_log(WLR_INFO, "session %u (%s): started '%s' as pid %d on %s",
		session->id, session->user, session->command, (int)pid,
		session->socket ? session->socket->path : "(closed)");
	settle(session, "its command started");
	server_changed(session->server);
}

static void handle_helper_ended(void *data, int status) {
	struct mp_session *session = data;
	if (status >= 0 && WIFSIGNALED(status)) {
		wlr_log(WLR_INFO, "session %u (%s): its processes are over (its "
			"command was killed by signal %d)", session->id, session->user,
			WTERMSIG(status));
	} else if (status >= 0) {
		wlr_log(WLR_INFO, "session %u (%s): its processes are over (its "
			"command exited with %d)", session->id, session->user,
			WEXITSTATUS(status));
	} else {
		wlr_log(WLR_ERROR, "session %u (%s): its helper went away; its "
			"processes are killed as they come to us", session->id,
			session->user);
	}
	session->pid = 0;
	helper_over(session, status >= 0 ? "its command exited" :
		"its helper went away", false);
}

static const struct mp_helper_listener helper_listener = {
	.prompt = handle_helper_prompt,
	.message = handle_helper_message,
	.authenticated = handle_helper_authenticated,
	.failed = handle_helper_failed,
	.started = handle_helper_started,
	.ended = handle_helper_ended,
	.unlocked = handle_helper_unlocked,
};

/* ---- life ---- */

static void session_destroy(struct mp_session *session);

struct mp_session *session_create(struct mp_server *server,
		const struct mp_helper_identity *id, bool kiosk,
		struct mp_helper *helper, const char *seat_name) {
	struct mp_session *session = calloc(1, sizeof(*session));
	if (session == NULL) {
		return NULL;
	}
	session->server = server;
	session->id = server->next_session_id + 1;
	session->uid = id->uid;
	session->gid = id->gid;
	session->user = strdup(id->user);
	session->kiosk = kiosk;
	session->state = MP_SESSION_STARTING;
	session->started = time(NULL);
	wl_list_init(&session->clients);
	wl_list_init(&session->views);
	wl_list_init(&session->outputs);
	wl_list_init(&session->link);
	wl_list_init(&session->request_set_selection.link);
	if (session->user == NULL) {
		goto error;
	}

	if (asprintf(&session->dir, "%s/session-%u", server->runtime_dir,
			session->id) < 0) {
		session->dir = NULL;
		goto error;
	}
	if (mkdir(session->dir, 0700) < 0) {
		wlr_log_errno(WLR_ERROR, "session %u: mkdir %s", session->id,
			session->dir);
		free(session->dir);
		session->dir = NULL;
		goto error;
	}
	char *path = NULL;
	if (asprintf(&path, "%s/wayland-0", session->dir) < 0) {
		goto error;
	}
	session->socket = socket_create(server, path, handle_client, session);
	free(path);
	if (session->socket == NULL) {
		goto error;
	}
	// Its user's way to mpmgr (lock, disconnect, log off their own
	// session) without the admin socket, which is admin-group's.
	if (asprintf(&path, "%s/mpcomp-admin", session->dir) < 0) {
		goto error;
	}
	session->admin_socket = socket_create(server, path, client_accept_admin,
		NULL);
	free(path);
	if (session->admin_socket == NULL) {
		goto error;
	}
	// The directory and sockets belong to the user, 0700: the sockets
	// first, while only root can touch the directory, and never through
	// a link (the user could put one there once the directory is theirs).
	if (getuid() == 0 && (fchownat(AT_FDCWD, session->socket->path, id->uid,
			id->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
			fchownat(AT_FDCWD, session->admin_socket->path, id->uid,
			id->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
			chown(session->dir, id->uid, id->gid) < 0)) {
		wlr_log_errno(WLR_ERROR, "session %u: chown", session->id);
		goto error;
	}

	session->tree = wlr_scene_tree_create(&server->limbo->node);
	session->seat = wlr_seat_create(server->display, seat_name);
	if (session->tree == NULL || session->seat == NULL) {
		goto error;
	}
	session->seat->data = session;
	session->request_set_selection.notify = handle_request_set_selection;
	wl_signal_add(&session->seat->events.request_set_selection,
		&session->request_set_selection);

	server->next_session_id = session->id;
	session->helper = helper;
	helper_set_listener(helper, &helper_listener, session);
	wl_list_insert(server->sessions.prev, &session->link);
	wlr_log(WLR_INFO, "session %u (%s): created (%s)", session->id,
		session->user, kiosk ? "kiosk" : "desktop");
	server_changed(server);
	return session;

error:
	wlr_log(WLR_ERROR, "cannot create a session for %s", id->user);
	session_destroy(session);
	return NULL;
}

static void add_env(char *buf, size_t *len, const char *key,
		const char *value) {
	if (!frame_add_field(buf, len, MP_FRAME_MAX_PAYLOAD, key, value)) {
		wlr_log(WLR_ERROR, "session environment too large: %s dropped", key);
	}
}

void session_start(struct mp_session *session, const char *command,
		const char *seat) {
	struct mp_server *server = session->server;
	free(session->command);
	session->command = strdup(command);
	if (session->command == NULL) {
		server->session_handler->done(session,
			"Cannot start the session (out of memory)", true);
		return;
	}
	char buf[MP_FRAME_MAX_PAYLOAD];
	size_t n = 0;
	add_env(buf, &n, "WAYLAND_DISPLAY", session->socket->path);
	add_env(buf, &n, "?XDG_RUNTIME_DIR", session->dir);
	// Never XDG_SEAT: logind knows seat0 and its own seats, not ours, and
	// pam_systemd refuses a session on a seat it does not know. The
	// session runs seatless (class user, type wayland); its station's
	// name reaches it as MPCOMP_STATION.
	add_env(buf, &n, "MPCOMP_STATION", seat);
	add_env(buf, &n, "MPCOMP_ADMIN_SOCKET", session->admin_socket->path);
	add_env(buf, &n, "XDG_SESSION_TYPE", "wayland");
	add_env(buf, &n, "XDG_SESSION_CLASS", "user");
	for (size_t i = 0; i < server->n_session_env; i++) {
		char *eq = strchr(server->session_env[i], '=');
		char *key = strndup(server->session_env[i],
			(size_t)(eq - server->session_env[i]));
		if (key != NULL) {
			add_env(buf, &n, key, eq + 1);
		}
		free(key);
	}
	add_env(buf, &n, "command", command);
	helper_open(session->helper, buf, n);
}

static int handle_logoff_timer(void *data) {
	struct mp_session *session = data;
	wl_event_source_remove(session->logoff_timer);
	session->logoff_timer = NULL;
	session->server->session_handler->done(session,
		"log off: grace period over", false);
	return 0;
}

void session_logoff(struct mp_session *session) {
	if (session->state == MP_SESSION_LOGGING_OFF ||
			session->state == MP_SESSION_ENDING) {
		return;
	}
	int grace = session->server->config->logoff_grace_ms;
	set_state(session, MP_SESSION_LOGGING_OFF, "log off");
	struct mp_view *view;
	wl_list_for_each(view, &session->views, link) {
		view_close(view);
	}
	if (session_count_views(session) == 0 || grace == 0) {
		session->server->session_handler->done(session, "log off", false);
		return;
	}
	wlr_log(WLR_INFO, "session %u (%s): windows asked to close, %d ms "
		"grace", session->id, session->user, grace);
	session->logoff_timer = wl_event_loop_add_timer(session->server->loop,
		handle_logoff_timer, session);
	if (session->logoff_timer == NULL) {
		session->server->session_handler->done(session, "log off", false);
		return;
	}
	wl_event_source_timer_update(session->logoff_timer, grace);
}

/* No timer of its log off, no new clients, then none of the old ones. */
static void disconnect(struct mp_session *session) {
	if (session->logoff_timer != NULL) {
		wl_event_source_remove(session->logoff_timer);
		session->logoff_timer = NULL;
	}
	if (session->logoff_idle != NULL) {
		wl_event_source_remove(session->logoff_idle);
		session->logoff_idle = NULL;
	}
	socket_destroy(session->socket);
	session->socket = NULL;
	socket_destroy(session->admin_socket);
	session->admin_socket = NULL;
	struct mp_client *client, *tmp;
	wl_list_for_each_safe(client, tmp, &session->clients, session_link) {
		wl_client_destroy(client->client);
	}
}

/* The session is over: nothing of it may stay. */
static void finish(struct mp_session *session) {
	struct mp_server *server = session->server;
	wlr_log(WLR_INFO, "session %u (%s): gone", session->id, session->user);
	server->session_handler->destroy(session);
	session_destroy(session);
	server_changed(server); // one session fewer, wherever it was
	// Its processes, if its helper could not end them, come to us and
	// are killed as they are reaped (compositor.c).
}

static int handle_kill_timer(void *data) {
	struct mp_session *session = data;
	wlr_log(WLR_ERROR, "session %u (%s): its helper did not end it in "
		"time; the helper is killed", session->id, session->user);
	finish(session);
	return 0;
}

void session_end(struct mp_session *session, const char *reason) {
	if (session->state == MP_SESSION_ENDING) {
		return;
	}
	set_state(session, MP_SESSION_ENDING, reason); // logged with its station
	if (session->place != NULL) {
		leave_place(session);
	}
	disconnect(session);
	if (session->helper == NULL ||
			(session->helper->phase != MP_HELPER_OPENING &&
			session->helper->phase != MP_HELPER_RUNNING)) {
		// Nothing runs (or its helper is gone): over now.
		finish(session);
		return;
	}
	// The helper kills every process of the session (SIGTERM, then
	// SIGKILL), closes the PAM session and says ENDED.
	helper_end(session->helper, KILL_GRACE_MS);
	session->kill_timer = wl_event_loop_add_timer(session->server->loop,
		handle_kill_timer, session);
	if (session->kill_timer != NULL) {
		wl_event_source_timer_update(session->kill_timer,
			KILL_GRACE_MS + HELPER_SLACK_MS);
	}
}

void session_kill(struct mp_session *session) {
	set_state(session, MP_SESSION_ENDING, "the compositor exits now");
	if (session->place != NULL) {
		leave_place(session);
	}
	finish(session);
}

static void session_destroy(struct mp_session *session) {
	if (session == NULL) {
		return;
	}
	// A helper still there did not end the session: it is killed.
	helper_kill(session->helper);
	if (session->kill_timer != NULL) {
		wl_event_source_remove(session->kill_timer);
	}
	if (session->parking.home_timer != NULL) {
		wl_event_source_remove(session->parking.home_timer);
	}
	if (session->parking.limit_timer != NULL) {
		wl_event_source_remove(session->parking.limit_timer);
	}
	if (session->end_warning.timer != NULL) {
		wl_event_source_remove(session->end_warning.timer);
	}
	free(session->parking.home);
	disconnect(session);
	struct mp_session_output *output, *tmp;
	wl_list_for_each_safe(output, tmp, &session->outputs, link) {
		session_output_destroy(output);
	}
	wl_list_remove(&session->request_set_selection.link);
	if (session->seat != NULL) {
		// No device may stay set on a seat that goes (wlroots 0.15 would
		// keep its listeners on the device's signals).
		wlr_seat_set_keyboard(session->seat, NULL);
		wlr_seat_destroy(session->seat);
	}
	if (session->tree != NULL) {
		wlr_scene_node_destroy(&session->tree->node);
	}
	if (session->dir != NULL && !util_remove_tree(session->dir)) {
		wlr_log_errno(WLR_ERROR, "session %u: cannot remove %s",
			session->id, session->dir);
	}
	wl_list_remove(&session->link);
	free(session->dir);
	free(session->command);
	free(session->user);
	free(session);
}

struct mp_session *session_by_id(struct mp_server *server, uint32_t id) {
	struct mp_session *session;
	wl_list_for_each(session, &server->sessions, link) {
		if (session->id == id) {
			return session;
		}
	}
	return NULL;
}

struct mp_session *session_for_uid(struct mp_server *server, uid_t uid) {
	struct mp_session *session;
	wl_list_for_each(session, &server->sessions, link) {
		if (session->uid == uid && !session->kiosk) {
			return session;
		}
	}
	return NULL;
}

struct json_object *session_describe(struct mp_session *session) {
	struct json_object *s = json_object_new_object();
	json_object_object_add(s, "id", json_object_new_int64(session->id));
	json_object_object_add(s, "user", json_object_new_string(session->user));
	json_object_object_add(s, "uid", json_object_new_int64(session->uid));
	json_object_object_add(s, "state",
		json_object_new_string(session_state_name(session->state)));
	json_object_object_add(s, "station", session->place ?
		json_object_new_string(session->place->name) : NULL);
	json_object_object_add(s, "kiosk", json_object_new_boolean(session->kiosk));
	json_object_object_add(s, "pid", json_object_new_int(session->pid));
	json_object_object_add(s, "helper", helper_describe(session->helper));
	json_object_object_add(s, "started",
		json_object_new_int64((int64_t)session->started));
	json_object_object_add(s, "clients",
		json_object_new_int(wl_list_length(&session->clients)));
	json_object_object_add(s, "views",
		json_object_new_int((int)session_count_views(session)));
	json_object_object_add(s, "socket",
		describe_string(session->socket ? session->socket->path : NULL));
	struct json_object *parked = NULL;
	if (session->state == MP_SESSION_PARKED) {
		parked = json_object_new_object();
		json_object_object_add(parked, "reason",
			json_object_new_string(session->parking.reason));
		json_object_object_add(parked, "since",
			json_object_new_int64((int64_t)session->parking.since));
		json_object_object_add(parked, "home",
			describe_string(session->parking.home));
	}
	json_object_object_add(s, "parked", parked);
	json_object_object_add(s, "unlocking", json_object_new_boolean(
		session->helper != NULL && session->helper->unlocking));
	return s;
}
