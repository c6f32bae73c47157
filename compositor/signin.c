#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wlr/util/log.h>
#include "overlay/greeter.h"
#include "server.h"
#include "session.h"
#include "signin.h"
#include "station.h"

#ifndef MPCOMP_LIBEXECDIR
#define MPCOMP_LIBEXECDIR "/usr/local/libexec"
#endif

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

static struct mp_greeter *greeter_of(struct mp_signin *signin) {
	return signin->station ? signin->station->greeter : NULL;
}

/* The sign-in failed: say why on the greeter, forget the helper. */
static void fail(struct mp_signin *signin, const char *reason) {
	struct mp_station *station = signin->station;
	wlr_log(WLR_INFO, "station %s: sign-in of %s failed: %s",
		station ? station->name : "?", signin->user, reason);
	if (station != NULL) {
		station_signin_failed(station, reason);
	}
	signin_destroy(signin);
}

/* Returns false when the signin was destroyed on the way. */
static bool handle_frame(struct mp_signin *signin, struct mp_frame *frame) {
	struct mp_greeter *greeter = greeter_of(signin);
	switch (frame->type) {
	case MP_FRAME_PROMPT_ECHO_OFF:
		if (signin->password != NULL) {
			// What was typed in the password field answers the first
			// hidden prompt; later prompts are asked on the greeter.
			signin_answer(signin, signin->password);
			explicit_bzero(signin->password, strlen(signin->password));
			free(signin->password);
			signin->password = NULL;
			break;
		}
		// fallthrough
	case MP_FRAME_PROMPT_ECHO_ON:
		if (greeter == NULL || signin->autologin) {
			signin_answer(signin, ""); // nobody to ask
			break;
		}
		signin->waiting_for_user = true;
		if (signin->timeout != NULL) {
			wl_event_source_timer_update(signin->timeout, 0);
		}
		greeter_show_prompt(greeter, frame->payload,
			frame->type == MP_FRAME_PROMPT_ECHO_ON);
		break;
	case MP_FRAME_INFO:
	case MP_FRAME_ERROR:
		if (greeter != NULL) {
			greeter_add_message(greeter, frame->payload,
				frame->type == MP_FRAME_ERROR);
		}
		break;
	case MP_FRAME_AUTHENTICATED:
		if (signin->timeout != NULL) {
			wl_event_source_remove(signin->timeout);
			signin->timeout = NULL;
		}
		return session_signed_in(signin, frame->payload, frame->len);
	case MP_FRAME_FAILED:
		fail(signin, frame->payload);
		return false;
	case MP_FRAME_STARTED:
		if (signin->session != NULL) {
			session_command_started(signin->session,
				(pid_t)strtol(frame->payload, NULL, 10));
		}
		break;
	case MP_FRAME_ENDED:
		if (signin->session != NULL) {
			session_helper_ended(signin->session,
				(int)strtol(frame->payload, NULL, 10));
		} else {
			signin_destroy(signin);
		}
		return false;
	default:
		wlr_log(WLR_ERROR, "session helper of %s sent %s: dropped",
			signin->user, frame_type_name(frame->type));
		if (signin->session != NULL) {
			session_helper_ended(signin->session, -1);
		} else {
			fail(signin, "The sign-in helper misbehaved");
		}
		return false;
	}
	return true;
}

static int handle_readable(int fd, uint32_t mask, void *data) {
	struct mp_signin *signin = data;
	long n = frame_reader_fill(&signin->reader, fd);
	if (n <= 0 && !(n < 0 && errno == EAGAIN)) {
		// The helper is gone.
		if (signin->session != NULL) {
			session_helper_ended(signin->session, -1);
		} else {
			fail(signin, "The sign-in helper stopped unexpectedly");
		}
		return 0;
	}
	struct mp_frame frame;
	int ret;
	while ((ret = frame_reader_next(&signin->reader, &frame)) == 1) {
		if (!handle_frame(signin, &frame)) {
			return 0; // destroyed
		}
	}
	if (ret < 0) {
		if (signin->session != NULL) {
			session_helper_ended(signin->session, -1);
		} else {
			fail(signin, "The sign-in helper misbehaved");
		}
	}
	return 0;
}

static int handle_timeout(void *data) {
	struct mp_signin *signin = data;
	fail(signin, "Sign-in timed out");
	return 0;
}

struct mp_signin *signin_start(struct mp_station *station, const char *user,
		const char *password, bool autologin) {
	struct mp_server *server = station->server;
	signin_cancel(station->signin);

	int fds[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
		station_signin_failed(station, "Cannot start the sign-in helper");
		return NULL;
	}
	const char *path = helper_path();
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		station_signin_failed(station, "Cannot start the sign-in helper");
		return NULL;
	}
	if (pid == 0) {
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
	fcntl(fds[0], F_SETFL, O_NONBLOCK);

	struct mp_signin *signin = calloc(1, sizeof(*signin));
	signin->server = server;
	signin->station = station;
	signin->pid = pid;
	signin->fd = fds[0];
	signin->user = strdup(user);
	signin->password = password && password[0] ? strdup(password) : NULL;
	signin->autologin = autologin;
	signin->source = wl_event_loop_add_fd(server->loop, signin->fd,
		WL_EVENT_READABLE, handle_readable, signin);
	signin->timeout = wl_event_loop_add_timer(server->loop, handle_timeout,
		signin);
	if (signin->timeout != NULL && server->config->signin_timeout_ms > 0) {
		wl_event_source_timer_update(signin->timeout,
			server->config->signin_timeout_ms);
	}
	wl_list_insert(&server->signins, &signin->link);
	station->signin = signin;

	char buf[1024];
	size_t len = 0;
	frame_add_field(buf, &len, sizeof(buf), "service",
		server->config->pam_service);
	frame_add_field(buf, &len, sizeof(buf), "user", user);
	frame_add_field(buf, &len, sizeof(buf), "autologin", autologin ? "1" : "0");
	if (!frame_write(signin->fd, MP_FRAME_START, buf, len)) {
		fail(signin, "Cannot talk to the sign-in helper");
		return NULL;
	}
	wlr_log(WLR_INFO, "station %s: sign-in of %s started (helper pid %d%s)",
		station->name, user, pid, autologin ? ", automatic" : "");
	return signin;
}

void signin_answer(struct mp_signin *signin, const char *text) {
	if (signin == NULL || signin->fd < 0) {
		return;
	}
	signin->waiting_for_user = false;
	if (signin->timeout != NULL &&
			signin->server->config->signin_timeout_ms > 0) {
		wl_event_source_timer_update(signin->timeout,
			signin->server->config->signin_timeout_ms);
	}
	frame_write_str(signin->fd, MP_FRAME_ANSWER, text);
}

void signin_cancel(struct mp_signin *signin) {
	if (signin == NULL || signin->session != NULL) {
		return;
	}
	frame_write(signin->fd, MP_FRAME_CANCEL, NULL, 0);
	signin_destroy(signin);
}

void signin_end_session(struct mp_signin *signin, int grace_ms) {
	char buf[16];
	snprintf(buf, sizeof(buf), "%d", grace_ms);
	if (signin->fd >= 0) {
		frame_write_str(signin->fd, MP_FRAME_END, buf);
	}
}

void signin_destroy(struct mp_signin *signin) {
	if (signin == NULL) {
		return;
	}
	if (signin->station != NULL && signin->station->signin == signin) {
		signin->station->signin = NULL;
	}
	if (signin->source != NULL) {
		wl_event_source_remove(signin->source);
	}
	if (signin->timeout != NULL) {
		wl_event_source_remove(signin->timeout);
	}
	if (signin->fd >= 0) {
		close(signin->fd);
	}
	if (signin->pid > 0 && signin->session == NULL) {
		// A sign-in that did not open a session has nothing to clean up:
		// the helper may go at once.
		kill(signin->pid, SIGKILL);
	}
	if (signin->password != NULL) {
		explicit_bzero(signin->password, strlen(signin->password));
		free(signin->password);
	}
	wl_list_remove(&signin->link);
	free(signin->user);
	free(signin);
}

void signin_handle_exit(struct mp_server *server, pid_t pid, int status) {
	struct mp_signin *signin;
	wl_list_for_each(signin, &server->signins, link) {
		if (signin->pid == pid) {
			signin->pid = 0;
			return; // its socket tells the rest (EOF)
		}
	}
}
