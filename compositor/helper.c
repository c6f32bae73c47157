#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wlr/util/log.h>
#include "helper.h"
#include "server.h"

#ifndef MPCOMP_LIBEXECDIR
#define MPCOMP_LIBEXECDIR "/usr/local/libexec"
#endif

// A helper that does not read what we send is broken: never more queued.
#define MAX_QUEUED (4 * (MP_FRAME_HEADER + MP_FRAME_MAX_PAYLOAD))

const char *helper_phase_name(enum mp_helper_phase phase) {
	switch (phase) {
	case MP_HELPER_AUTHENTICATING:
		return "authenticating";
	case MP_HELPER_AUTHENTICATED:
		return "authenticated";
	case MP_HELPER_OPENING:
		return "opening";
	case MP_HELPER_RUNNING:
		return "running";
	case MP_HELPER_ENDING:
		return "ending";
	case MP_HELPER_DONE:
		return "done";
	}
	return "unknown";
}

struct json_object *helper_describe(struct mp_helper *helper) {
	if (helper == NULL) {
		return NULL;
	}
	struct json_object *h = json_object_new_object();
	json_object_object_add(h, "pid", json_object_new_int(helper->pid));
	json_object_object_add(h, "phase",
		json_object_new_string(helper_phase_name(helper->phase)));
	json_object_object_add(h, "unlocking",
		json_object_new_boolean(helper->unlocking));
	return h;
}

/* The helper next to our own binary (a build tree) or the installed one. */
static const char *helper_path(void) {
	static char path[PATH_MAX + 32];
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/auth/mpcomp-session", self);
			if (access(path, X_OK) == 0) {
				return path;
			}
		}
	}
	snprintf(path, sizeof(path), "%s/mpcomp-session", MPCOMP_LIBEXECDIR);
	return path;
}

static void forget_secret(struct mp_helper *helper) {
	if (helper->secret != NULL) {
		explicit_bzero(helper->secret, strlen(helper->secret));
		free(helper->secret);
		helper->secret = NULL;
	}
}

static void restart_timeout(struct mp_helper *helper) {
	int ms = helper->server->config->signin_timeout_ms;
	if (helper->timeout != NULL && ms > 0) {
		wl_event_source_timer_update(helper->timeout, ms);
	}
}

/* The unlock under way is over (answered, given up, or the session
 * ends): its secret, its prompt and its timeout with it. */
static void end_unlock(struct mp_helper *helper) {
	helper->unlocking = false;
	helper->waiting_for_user = false;
	forget_secret(helper);
	if (helper->timeout != NULL) {
		wl_event_source_timer_update(helper->timeout, 0);
	}
}

/* The helper has no more to say: no more events from its socket. */
static void stop_listening(struct mp_helper *helper) {
	helper->phase = MP_HELPER_DONE;
	helper->unlocking = false;
	if (helper->source != NULL) {
		wl_event_source_remove(helper->source);
		helper->source = NULL;
	}
	if (helper->timeout != NULL) {
		wl_event_source_remove(helper->timeout);
		helper->timeout = NULL;
	}
	forget_secret(helper);
}

/* Calls into the owner: returns false when the helper was destroyed
 * meanwhile (the caller must not touch it any more). */
#define NOTIFY(helper, event, ...) \
	do { \
		bool destroyed_ = false; \
		(helper)->destroyed = &destroyed_; \
		(helper)->listener->event((helper)->data, __VA_ARGS__); \
		if (destroyed_) { \
			return false; \
		} \
		(helper)->destroyed = NULL; \
	} while (0)

/* The helper failed or went away: the owner learns it the way that fits
 * the phase. Returns false when the helper was destroyed. */
static bool report_gone(struct mp_helper *helper, const char *reason) {
	enum mp_helper_phase phase = helper->phase;
	stop_listening(helper);
	wlr_log(WLR_INFO, "helper %d of %s: %s (%s)", (int)helper->pid,
		helper->user, reason, helper_phase_name(phase));
	if (phase == MP_HELPER_RUNNING || phase == MP_HELPER_ENDING) {
		NOTIFY(helper, ended, -1);
	} else {
		NOTIFY(helper, failed, reason);
	}
	return true;
}

static int handle_io(int fd, uint32_t mask, void *data);

static void update_mask(struct mp_helper *helper) {
	if (helper->source != NULL) {
		wl_event_source_fd_update(helper->source, WL_EVENT_READABLE |
			(helper->out.len > 0 ? WL_EVENT_WRITABLE : 0));
	}
}

/* Writes what the socket takes now; the rest when it is writable. A
 * helper that closed its end may have said its last words first (ENDED,
 * with its command's exit status): they are still read, and its going
 * shows when the socket's end is. */
static void write_queued(struct mp_helper *helper) {
	if (frame_queue_flush(&helper->out, helper->fd) < 0) {
		wlr_log(WLR_INFO, "helper %d of %s: its socket is closed (%s); "
			"nothing more is sent", (int)helper->pid, helper->user,
			strerror(errno));
		frame_queue_finish(&helper->out);
		helper->unwritable = true;
	}
	update_mask(helper);
}

/* Queues one frame and writes it as the socket takes it. */
static void send_frame(struct mp_helper *helper, uint32_t type,
		const void *payload, size_t len) {
	if (helper->phase == MP_HELPER_DONE || helper->unwritable) {
		return;
	}
	if (!frame_queue_push(&helper->out, type, payload, len)) {
		// It does not read what it is sent: it is broken.
		wlr_log(WLR_ERROR, "helper %d of %s: cannot send a %s frame",
			(int)helper->pid, helper->user, frame_type_name(type));
		shutdown(helper->fd, SHUT_RDWR); // seen as gone by handle_io
		update_mask(helper);
		return;
	}
	write_queued(helper);
}

static void send_answer(struct mp_helper *helper, const char *text) {
	helper->waiting_for_user = false;
	restart_timeout(helper);
	send_frame(helper, MP_FRAME_ANSWER, text, strlen(text));
}

/* Prompts and messages of a running session's helper come from an
 * unlock's conversation: the owner hears those of the unlock it waits
 * for; those of an unlock it gave up (the helper had sent them before it
 * read the CANCEL or the END) come late and are dropped. Returns whether
 * frame is such a late one. */
static bool late_unlock_frame(struct mp_helper *helper,
		const struct mp_frame *frame) {
	bool prompt = frame->type == MP_FRAME_PROMPT_ECHO_OFF ||
		frame->type == MP_FRAME_PROMPT_ECHO_ON;
	if (!prompt && frame->type != MP_FRAME_INFO &&
			frame->type != MP_FRAME_ERROR) {
		return false;
	}
	bool late;
	if (helper->phase == MP_HELPER_RUNNING) {
		late = !helper->unlocking || helper->unlocks_abandoned > 0;
	} else if (helper->phase == MP_HELPER_ENDING) {
		// Ended during an unlock: its PAM may still ask (the helper reads
		// END as the answer), which nobody answers any more. Messages may
		// be those of closing the session: they still go to the owner.
		late = prompt && helper->unlocks_abandoned > 0;
	} else {
		return false;
	}
	if (late) {
		wlr_log(WLR_DEBUG, "helper %d of %s: %s '%s' of an unlock that "
			"is over: dropped", (int)helper->pid, helper->user,
			frame_type_name(frame->type), frame->payload);
	}
	return late;
}

/* UNLOCKED or UNLOCK_FAILED: the helper answers each UNLOCK once, in
 * order, so the first answers are those of the unlocks given up. Returns
 * false when the helper was destroyed. */
static bool handle_unlock_answer(struct mp_helper *helper,
		const struct mp_frame *frame) {
	bool ok = frame->type == MP_FRAME_UNLOCKED;
	if (helper->unlocks_abandoned > 0 || !helper->unlocking) {
		// Not misbehaviour: it answered while we gave up.
		wlr_log(WLR_DEBUG, "helper %d of %s: %s of an unlock that is "
			"over: ignored", (int)helper->pid, helper->user,
			frame_type_name(frame->type));
		if (helper->unlocks_abandoned > 0 &&
				--helper->unlocks_abandoned == 0 && helper->unlocking) {
			// It gets to the unlock asked only now: its time starts.
			restart_timeout(helper);
		}
		return true;
	}
	end_unlock(helper);
	// Its owner may destroy the helper (and the frame's buffer) while it
	// still uses the reason: a copy of its own.
	char reason[MP_FRAME_MAX_PAYLOAD + 1];
	snprintf(reason, sizeof(reason), "%s",
		frame->payload[0] ? frame->payload : "The unlock failed");
	wlr_log(WLR_INFO, "helper %d of %s: %s%s", (int)helper->pid,
		helper->user, ok ? "unlocked" : "unlock failed: ",
		ok ? "" : reason);
	NOTIFY(helper, unlocked, ok, ok ? NULL : reason);
	return true;
}

/* Returns false when the helper was destroyed or is done. */
static bool handle_frame(struct mp_helper *helper, struct mp_frame *frame) {
	if (late_unlock_frame(helper, frame)) {
		return true;
	}
	switch (frame->type) {
	case MP_FRAME_PROMPT_ECHO_OFF:
		if (helper->secret != NULL) {
			// What was typed in the password field (of the greeter or
			// of the lock screen) answers the first hidden prompt; later
			// prompts are asked of the user.
			send_answer(helper, helper->secret);
			forget_secret(helper);
			return true;
		}
		// fallthrough
	case MP_FRAME_PROMPT_ECHO_ON:
		// An unlock always has its user to ask.
		if (helper->autologin && !helper->unlocking) {
			helper_answer(helper, ""); // nobody to ask
			return true;
		}
		helper->waiting_for_user = true;
		if (helper->timeout != NULL) {
			wl_event_source_timer_update(helper->timeout, 0);
		}
		NOTIFY(helper, prompt, frame->payload,
			frame->type == MP_FRAME_PROMPT_ECHO_ON);
		return true;
	case MP_FRAME_INFO:
	case MP_FRAME_ERROR:
		NOTIFY(helper, message, frame->payload,
			frame->type == MP_FRAME_ERROR);
		return true;
	case MP_FRAME_AUTHENTICATED:
		if (helper->phase != MP_HELPER_AUTHENTICATING) {
			break;
		}
		helper->phase = MP_HELPER_AUTHENTICATED;
		// No timeout while it waits for OPEN (a sign-in may wait for the
		// user's last session to end); opening has one again.
		wl_event_source_timer_update(helper->timeout, 0);
		forget_secret(helper);
		const char *uid = frame_field(frame->payload, frame->len, "uid");
		const char *gid = frame_field(frame->payload, frame->len, "gid");
		const char *user = frame_field(frame->payload, frame->len, "user");
		char *end_uid = NULL, *end_gid = NULL;
		struct mp_helper_identity id = {
			.user = user,
			.uid = uid ? (uid_t)strtoul(uid, &end_uid, 10) : 0,
			.gid = gid ? (gid_t)strtoul(gid, &end_gid, 10) : 0,
		};
		char *name = user ? strdup(user) : NULL;
		if (name == NULL || user[0] == '\0' || end_uid == NULL ||
				*end_uid != '\0' || end_gid == NULL || *end_gid != '\0') {
			free(name);
			break;
		}
		free(helper->user);
		helper->user = name;
		helper->uid = id.uid;
		helper->gid = id.gid;
		id.user = helper->user;
		NOTIFY(helper, authenticated, &id);
		return true;
	case MP_FRAME_FAILED:
		if (helper->phase == MP_HELPER_RUNNING) {
			break;
		}
		stop_listening(helper);
		wlr_log(WLR_INFO, "helper %d of %s: failed: %s", (int)helper->pid,
			helper->user, frame->payload);
		// Its owner destroys the helper (and the frame's buffer) while it
		// still uses the reason: a copy of its own.
		char reason[MP_FRAME_MAX_PAYLOAD + 1];
		snprintf(reason, sizeof(reason), "%s", frame->payload);
		NOTIFY(helper, failed, reason);
		return false;
	case MP_FRAME_STARTED:
		if (helper->phase != MP_HELPER_OPENING &&
				helper->phase != MP_HELPER_ENDING) {
			break;
		}
		char *end;
		long pid = strtol(frame->payload, &end, 10);
		if (*end != '\0' || pid <= 0) {
			break;
		}
		if (helper->phase == MP_HELPER_OPENING) {
			helper->phase = MP_HELPER_RUNNING;
		}
		// Its session runs: no more timeout.
		wl_event_source_timer_update(helper->timeout, 0);
		NOTIFY(helper, started, (pid_t)pid);
		return true;
	case MP_FRAME_ENDED:
		if (helper->phase != MP_HELPER_RUNNING &&
				helper->phase != MP_HELPER_ENDING) {
			break;
		}
		stop_listening(helper);
		NOTIFY(helper, ended, (int)strtol(frame->payload, NULL, 10));
		return false;
	case MP_FRAME_UNLOCKED:
	case MP_FRAME_UNLOCK_FAILED:
		if (helper->phase != MP_HELPER_RUNNING &&
				helper->phase != MP_HELPER_ENDING) {
			break; // only a session's helper is asked to unlock
		}
		return handle_unlock_answer(helper, frame);
	default:
		break;
	}
	wlr_log(WLR_ERROR, "helper %d of %s sent %s while %s: dropped",
		(int)helper->pid, helper->user, frame_type_name(frame->type),
		helper_phase_name(helper->phase));
	report_gone(helper, "The sign-in helper misbehaved");
	return false;
}

static int handle_io(int fd, uint32_t mask, void *data) {
	struct mp_helper *helper = data;
	if (mask & WL_EVENT_WRITABLE) {
		write_queued(helper);
	}
	if (!(mask & (WL_EVENT_READABLE | WL_EVENT_HANGUP | WL_EVENT_ERROR))) {
		return 0;
	}
	long n = frame_reader_fill(&helper->reader, fd);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		return 0;
	}
	if (n <= 0) {
		report_gone(helper, "The sign-in helper stopped unexpectedly");
		return 0;
	}
	struct mp_frame frame;
	int ret;
	while ((ret = frame_reader_next(&helper->reader, &frame)) == 1) {
		if (!handle_frame(helper, &frame)) {
			return 0; // destroyed or done
		}
	}
	if (ret < 0) {
		report_gone(helper, "The sign-in helper misbehaved");
	}
	return 0;
}

/* Gives up the unlock under way: the helper is told (it ends the PAM
 * conversation and answers UNLOCK_FAILED, which is then ignored). */
static void abandon_unlock(struct mp_helper *helper) {
	end_unlock(helper);
	helper->unlocks_abandoned++;
	send_frame(helper, MP_FRAME_CANCEL, NULL, 0);
}

/* Returns false when the helper was destroyed. */
static bool unlock_timed_out(struct mp_helper *helper) {
	wlr_log(WLR_INFO, "helper %d of %s: the unlock took too long; given "
		"up", (int)helper->pid, helper->user);
	// Only the unlock is given up: the helper still keeps the session.
	abandon_unlock(helper);
	NOTIFY(helper, unlocked, false, "The unlock took too long");
	return true;
}

static int handle_timeout(void *data) {
	struct mp_helper *helper = data;
	if (helper->unlocking) {
		unlock_timed_out(helper);
		return 0;
	}
	report_gone(helper, "Sign-in timed out");
	return 0;
}

struct mp_helper *helper_spawn(struct mp_server *server, const char *user,
		const char *secret, bool autologin,
		const struct mp_helper_listener *listener, void *data) {
	struct mp_helper *helper = calloc(1, sizeof(*helper));
	if (helper == NULL) {
		return NULL;
	}
	helper->server = server;
	helper->fd = -1;
	helper->autologin = autologin;
	helper->listener = listener;
	helper->data = data;
	helper->user = strdup(user);
	helper->out.max = MAX_QUEUED;
	helper->secret = secret && secret[0] ? strdup(secret) : NULL;
	wl_list_init(&helper->link);
	int fds[2] = { -1, -1 };
	if (helper->user == NULL || (secret && secret[0] && !helper->secret) ||
			socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
		goto error;
	}
	const char *path = helper_path();
	pid_t pid = fork();
	if (pid < 0) {
		goto error;
	}
	if (pid == 0) {
		// A process group of its own: a signal to ours (a terminal's
		// Ctrl-C, a supervisor killing the group) is for mpcomp, which
		// ends the sessions; if mpcomp dies, the helpers still end them.
		setpgid(0, 0);
		// The helper starts with default dispositions and no signal
		// blocked (the event loop blocks those it handles).
		sigset_t set;
		sigemptyset(&set);
		sigprocmask(SIG_SETMASK, &set, NULL);
		signal(SIGPIPE, SIG_DFL);
		int fd = dup(fds[1]); // without FD_CLOEXEC
		char arg[16];
		snprintf(arg, sizeof(arg), "%d", fd);
		execl(path, "mpcomp-session", arg, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	helper->pid = pid;
	helper->fd = fds[0];
	wl_list_insert(&server->helpers, &helper->link);
	fcntl(helper->fd, F_SETFL, O_NONBLOCK);
	helper->source = wl_event_loop_add_fd(server->loop, helper->fd,
		WL_EVENT_READABLE, handle_io, helper);
	helper->timeout = wl_event_loop_add_timer(server->loop, handle_timeout,
		helper);
	if (helper->source == NULL || helper->timeout == NULL) {
		helper_kill(helper);
		return NULL;
	}
	restart_timeout(helper);

	char buf[1024];
	size_t len = 0;
	if (!frame_add_field(buf, &len, sizeof(buf), "service",
			server->config->pam_service) ||
			!frame_add_field(buf, &len, sizeof(buf), "user", user) ||
			!frame_add_field(buf, &len, sizeof(buf), "autologin",
				autologin ? "1" : "0")) {
		helper_kill(helper);
		return NULL;
	}
	send_frame(helper, MP_FRAME_START, buf, len);
	wlr_log(WLR_INFO, "helper %d: signing in %s%s", (int)pid, user,
		autologin ? " (automatic)" : "");
	return helper;

error:
	if (fds[0] >= 0) {
		close(fds[0]);
		close(fds[1]);
	}
	forget_secret(helper);
	free(helper->user);
	free(helper);
	return NULL;
}

void helper_set_listener(struct mp_helper *helper,
		const struct mp_helper_listener *listener, void *data) {
	helper->listener = listener;
	helper->data = data;
}

void helper_answer(struct mp_helper *helper, const char *text) {
	// PAM asks while it authenticates, session modules may ask while it
	// opens the session, and an unlock's conversation asks while the
	// session runs: there only what was asked is answered (an answer
	// nobody asked for would answer the next question).
	bool unlock_prompt = helper->phase == MP_HELPER_RUNNING &&
		helper->unlocking && helper->waiting_for_user;
	if (helper->phase != MP_HELPER_AUTHENTICATING &&
			helper->phase != MP_HELPER_OPENING && !unlock_prompt) {
		return;
	}
	send_answer(helper, text);
}

void helper_open(struct mp_helper *helper, const char *payload, size_t len) {
	if (helper->phase != MP_HELPER_AUTHENTICATED) {
		return;
	}
	helper->phase = MP_HELPER_OPENING;
	restart_timeout(helper); // opening the PAM session may hang too
	send_frame(helper, MP_FRAME_OPEN, payload, len);
}

void helper_end(struct mp_helper *helper, int grace_ms) {
	// While it opens the session, the helper reads this once it has.
	if (helper->phase != MP_HELPER_OPENING &&
			helper->phase != MP_HELPER_RUNNING) {
		return;
	}
	if (helper->unlocking) {
		// The helper reads END in the unlock's conversation: PAM gives
		// up, then the session ends. What it sent meanwhile is late.
		wlr_log(WLR_INFO, "helper %d of %s: the session ends during an "
			"unlock", (int)helper->pid, helper->user);
		end_unlock(helper);
		helper->unlocks_abandoned++;
	}
	helper->phase = MP_HELPER_ENDING;
	char buf[16];
	snprintf(buf, sizeof(buf), "%d", grace_ms);
	send_frame(helper, MP_FRAME_END, buf, strlen(buf));
}

bool helper_unlock(struct mp_helper *helper, const char *secret) {
	// A helper that closed its end cannot be asked: it is about to be
	// seen gone. One that still checks a password given up (cancelled,
	// timed out) is not asked again until it answered: cancelled checks
	// must not queue up in front of the next one.
	if (helper->phase != MP_HELPER_RUNNING || helper->unlocking ||
			helper->unwritable || helper->unlocks_abandoned > 0) {
		return false;
	}
	char buf[1024];
	size_t len = 0;
	if (!frame_add_field(buf, &len, sizeof(buf), "service",
			helper->server->config->pam_service)) {
		return false;
	}
	forget_secret(helper); // none while the session runs, but never two
	if (secret != NULL && secret[0] != '\0') {
		helper->secret = strdup(secret);
		if (helper->secret == NULL) {
			return false;
		}
	}
	helper->unlocking = true;
	helper->waiting_for_user = false;
	restart_timeout(helper);
	wlr_log(WLR_INFO, "helper %d of %s: unlocking%s", (int)helper->pid,
		helper->user, helper->unlocks_abandoned > 0 ?
		" (after the answer to an unlock given up)" : "");
	send_frame(helper, MP_FRAME_UNLOCK, buf, len);
	return true;
}

void helper_unlock_cancel(struct mp_helper *helper) {
	if (helper == NULL || !helper->unlocking) {
		return;
	}
	wlr_log(WLR_INFO, "helper %d of %s: unlock cancelled", (int)helper->pid,
		helper->user);
	abandon_unlock(helper);
}

// How long a helper that was let go may take to end by itself.
#define CLOSING_GRACE_MS 5000

static void helper_free(struct mp_helper *helper) {
	if (helper->kill_timer != NULL) {
		wl_event_source_remove(helper->kill_timer);
	}
	if (helper->fd >= 0) {
		close(helper->fd);
	}
	wl_list_remove(&helper->link);
	free(helper->user);
	free(helper);
}

static int handle_kill_timer(void *data) {
	struct mp_helper *helper = data;
	wlr_log(WLR_ERROR, "helper %d of %s: still running %d ms after it was "
		"let go; killed", (int)helper->pid, helper->user, CLOSING_GRACE_MS);
	kill(helper->pid, SIGKILL); // our child, not reaped yet: still its pid
	wl_event_source_remove(helper->kill_timer);
	helper->kill_timer = NULL;
	return 0;
}

/* Its owner is done with it: nothing more is read or sent. */
static void let_go(struct mp_helper *helper) {
	if (helper->destroyed != NULL) {
		*helper->destroyed = true;
		helper->destroyed = NULL;
	}
	stop_listening(helper);
	helper->listener = NULL;
	frame_queue_finish(&helper->out);
	explicit_bzero(&helper->reader, sizeof(helper->reader));
}

void helper_destroy(struct mp_helper *helper) {
	if (helper == NULL) {
		return;
	}
	let_go(helper);
	if (helper->pid <= 0) {
		helper_free(helper);
		return;
	}
	// The helper sees its socket close and ends on its own; it is freed
	// when it is reaped.
	close(helper->fd);
	helper->fd = -1;
	helper->closing = true;
	helper->kill_timer = wl_event_loop_add_timer(helper->server->loop,
		handle_kill_timer, helper);
	if (helper->kill_timer == NULL) {
		kill(helper->pid, SIGKILL);
	} else {
		wl_event_source_timer_update(helper->kill_timer, CLOSING_GRACE_MS);
	}
}

void helper_kill(struct mp_helper *helper) {
	if (helper == NULL) {
		return;
	}
	let_go(helper);
	if (helper->pid > 0) {
		// Its session's processes (if any) come to the compositor,
		// which kills them when the helper is reaped.
		kill(helper->pid, SIGKILL);
	}
	helper_free(helper);
}

void helper_kill_all(struct mp_server *server) {
	struct mp_helper *helper, *tmp;
	wl_list_for_each_safe(helper, tmp, &server->helpers, link) {
		helper_kill(helper);
	}
}

bool helper_reaped(struct mp_server *server, pid_t pid) {
	struct mp_helper *helper;
	wl_list_for_each(helper, &server->helpers, link) {
		if (helper->pid == pid) {
			helper->pid = 0;
			if (helper->closing) {
				helper_free(helper); // nobody owns it any more
			}
			return true; // else its socket tells its owner the rest
		}
	}
	return false;
}

bool helper_is_running(struct mp_server *server, pid_t pid) {
	struct mp_helper *helper;
	wl_list_for_each(helper, &server->helpers, link) {
		if (helper->pid == pid) {
			return true;
		}
	}
	return false;
}
