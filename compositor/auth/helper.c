/* mpcomp-session: the session helper. mpcomp starts one per sign-in and
 * talks to it over a socketpair (fd given as the only argument) with the
 * framed protocol of frame.h. PAM runs here, never in the compositor:
 *
 *   START -> pam_start, pam_authenticate (prompts go to the greeter),
 *            pam_acct_mgmt -> AUTHENTICATED or FAILED
 *   OPEN  -> pam_setcred, pam_open_session, fork the session command as
 *            the user in a new session -> STARTED
 *   UNLOCK -> (while the session runs: a locked screen) pam_start with
 *            a handle of its own, pam_authenticate (prompts go to the lock
 *            screen), pam_acct_mgmt, pam_end -> UNLOCKED or UNLOCK_FAILED
 *   the command exits, or END -> every descendant gets SIGTERM, then
 *            SIGKILL after the grace period; pam_close_session,
 *            pam_setcred(DELETE) -> ENDED, exit
 *
 * We are a child subreaper: whatever the session double-forks stays our
 * descendant and is found and killed at the end. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "auth/frame.h"
#include "auth/proc.h"
#include "util.h"

struct helper {
	int fd;
	char *cgroup; // our session's cgroup v2 directory, or NULL
	struct mp_frame_reader reader;
	pam_handle_t *pam;
	bool session_open, cred_set;
	struct passwd pw;
	char *user;
	pid_t child;
	// An unlock's conversation runs: CANCEL gives it up, END ends the
	// session once it is over (grace_ms from END).
	bool unlocking, unlock_cancelled, end_requested;
	long end_grace_ms;
};

static void die(struct helper *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void die(struct helper *h, const char *fmt, ...) {
	char msg[512];
	va_list args;
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	frame_write_str(h->fd, MP_FRAME_FAILED, msg);
	if (h->pam != NULL) {
		pam_end(h->pam, PAM_ABORT);
	}
	exit(1);
}

static int conversation(int n, const struct pam_message **msgs,
		struct pam_response **out, void *data) {
	struct helper *h = data;
	if (h->unlock_cancelled || h->end_requested) {
		// mpcomp gave up this unlock and answers nothing more: a module
		// after the one that failed must not wait for it.
		return PAM_CONV_ERR;
	}
	struct pam_response *replies = calloc(n, sizeof(*replies));
	if (replies == NULL) {
		return PAM_BUF_ERR;
	}
	for (int i = 0; i < n; i++) {
		const struct pam_message *msg = msgs[i];
		uint32_t type;
		switch (msg->msg_style) {
		case PAM_PROMPT_ECHO_ON:
			type = MP_FRAME_PROMPT_ECHO_ON;
			break;
		case PAM_PROMPT_ECHO_OFF:
			type = MP_FRAME_PROMPT_ECHO_OFF;
			break;
		case PAM_ERROR_MSG:
			type = MP_FRAME_ERROR;
			break;
		case PAM_TEXT_INFO:
			type = MP_FRAME_INFO;
			break;
		default:
			goto fail;
		}
		const char *text = msg->msg ? msg->msg : "";
		if (strlen(text) > MP_FRAME_MAX_PAYLOAD) {
			goto fail;
		}
		if (!frame_write_str(h->fd, type, text)) {
			goto fail;
		}
		if (type == MP_FRAME_ERROR || type == MP_FRAME_INFO) {
			continue;
		}
		struct mp_frame frame;
		if (!frame_read_blocking(&h->reader, h->fd, &frame)) {
			goto fail; // mpcomp went away
		}
		if (frame.type != MP_FRAME_ANSWER) {
			if (h->unlocking && frame.type == MP_FRAME_CANCEL) {
				h->unlock_cancelled = true;
			} else if (h->unlocking && frame.type == MP_FRAME_END) {
				// The session is to end: PAM gives up, then it does.
				h->end_requested = true;
				h->end_grace_ms = strtol(frame.payload, NULL, 10);
			}
			goto fail; // cancelled, or not an answer: mpcomp gave up
		}
		replies[i].resp = strdup(frame.payload);
		// Do not keep the secret around in our buffer.
		explicit_bzero(h->reader.payload, sizeof(h->reader.payload));
	}
	*out = replies;
	return PAM_SUCCESS;
fail:
	for (int i = 0; i < n; i++) {
		if (replies[i].resp != NULL) {
			explicit_bzero(replies[i].resp, strlen(replies[i].resp));
			free(replies[i].resp);
		}
	}
	free(replies);
	return PAM_CONV_ERR;
}

static void copy_passwd(struct helper *h, const struct passwd *pw) {
	h->pw = *pw;
	h->pw.pw_name = strdup(pw->pw_name);
	h->pw.pw_dir = strdup(pw->pw_dir ? pw->pw_dir : "/");
	h->pw.pw_shell = strdup(pw->pw_shell && pw->pw_shell[0] ?
		pw->pw_shell : "/bin/sh");
}

static void authenticate(struct helper *h, const char *service,
		const char *user, bool autologin) {
	struct passwd *pw = getpwnam(user);
	if (pw == NULL) {
		// Same message and the same PAM delay as a wrong password.
		h->user = strdup(user);
	} else {
		copy_passwd(h, pw);
		h->user = strdup(pw->pw_name);
	}
	if (getuid() != 0 && (pw == NULL || pw->pw_uid != getuid())) {
		struct passwd *self = getpwuid(getuid());
		die(h, "only %s can sign in here (mpcomp is not running as root)",
			self ? self->pw_name : "its own user");
	}
	struct pam_conv conv = { conversation, h };
	int ret = pam_start(service, user, &conv, &h->pam);
	if (ret != PAM_SUCCESS) {
		h->pam = NULL;
		die(h, "PAM service %s: %s", service, pam_strerror(NULL, ret));
	}
	if (!autologin) {
		ret = pam_authenticate(h->pam, PAM_DISALLOW_NULL_AUTHTOK);
		if (ret != PAM_SUCCESS) {
			die(h, "%s", pam_strerror(h->pam, ret));
		}
	}
	ret = pam_acct_mgmt(h->pam, 0);
	if (ret == PAM_NEW_AUTHTOK_REQD) {
		ret = pam_chauthtok(h->pam, PAM_CHANGE_EXPIRED_AUTHTOK);
	}
	if (ret != PAM_SUCCESS) {
		die(h, "%s", pam_strerror(h->pam, ret));
	}
	if (pw == NULL) {
		die(h, "%s", pam_strerror(h->pam, PAM_USER_UNKNOWN));
	}
	char buf[1024];
	size_t len = 0;
	char num[32];
	snprintf(num, sizeof(num), "%u", (unsigned)h->pw.pw_uid);
	frame_add_field(buf, &len, sizeof(buf), "uid", num);
	snprintf(num, sizeof(num), "%u", (unsigned)h->pw.pw_gid);
	frame_add_field(buf, &len, sizeof(buf), "gid", num);
	frame_add_field(buf, &len, sizeof(buf), "user", h->pw.pw_name);
	frame_add_field(buf, &len, sizeof(buf), "home", h->pw.pw_dir);
	frame_add_field(buf, &len, sizeof(buf), "shell", h->pw.pw_shell);
	frame_write(h->fd, MP_FRAME_AUTHENTICATED, buf, len);
}

/* The session starts the way a login does: default dispositions for
 * every signal (we ignore SIGPIPE) and none blocked (we block those our
 * signalfd reads). */
static void reset_signals(void) {
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP) {
			signal(sig, SIG_DFL);
		}
	}
	sigset_t set;
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

/* Nothing to read; what the session prints goes to the compositor's log
 * (its stderr: a file, the journal), never to its stdout, which may be a
 * pipe that is gone (and SIGPIPE kills now). */
static void redirect_stdio(void) {
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		close(null);
	}
	dup2(STDERR_FILENO, STDOUT_FILENO);
}

static void child_exec(struct helper *h, const struct mp_frame *open) {
	setsid();
	reset_signals();
	redirect_stdio();
	if (getuid() == 0) {
		if (initgroups(h->pw.pw_name, h->pw.pw_gid) < 0 ||
				setgid(h->pw.pw_gid) < 0 || setuid(h->pw.pw_uid) < 0) {
			fprintf(stderr, "mpcomp-session: cannot become %s: %s\n",
				h->pw.pw_name, strerror(errno));
			_exit(126);
		}
	}
	// The environment: PAM's, then ours on top.
	clearenv();
	char **pam_env = pam_getenvlist(h->pam);
	for (char **e = pam_env; e != NULL && *e != NULL; e++) {
		putenv(*e);
	}
	setenv("HOME", h->pw.pw_dir, 1);
	setenv("SHELL", h->pw.pw_shell, 1);
	setenv("USER", h->pw.pw_name, 1);
	setenv("LOGNAME", h->pw.pw_name, 1);
	if (getenv("PATH") == NULL) {
		setenv("PATH", h->pw.pw_uid == 0 ?
			"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" :
			"/usr/local/bin:/usr/bin:/bin:/usr/games", 1);
	}
	setenv("XDG_SESSION_TYPE", "wayland", 1);
	const char *command = NULL;
	const char *end = open->payload + open->len;
	for (const char *p = open->payload; p < end; p += strlen(p) + 1) {
		const char *eq = strchr(p, '=');
		if (eq == NULL) {
			continue;
		}
		if (strncmp(p, "command=", 8) == 0) {
			command = eq + 1;
		} else if (p[0] == '?') {
			char *key = strndup(p + 1, eq - p - 1);
			setenv(key, eq + 1, 0); // only where PAM did not set it
			free(key);
		} else {
			char *key = strndup(p, eq - p);
			setenv(key, eq + 1, 1);
			free(key);
		}
	}
	unsetenv("XDG_VTNR");
	if (chdir(h->pw.pw_dir) < 0) {
		chdir("/");
	}
	if (command == NULL) {
		_exit(127);
	}
	execl("/bin/sh", "/bin/sh", "-c", command, (char *)NULL);
	_exit(127);
}

/* Where a writable cgroup v2 hierarchy is ours to use, the session gets a
 * cgroup of its own, so that cgroup.kill ends all of it at once, escaped
 * daemons included. Elsewhere the /proc scan of our children does. */
static char *cgroup_create(void) {
	struct statfs fs;
	if (statfs("/sys/fs/cgroup", &fs) < 0 || fs.f_type != CGROUP2_SUPER_MAGIC) {
		return NULL;
	}
	FILE *f = fopen("/proc/self/cgroup", "r");
	if (f == NULL) {
		return NULL;
	}
	char line[4096], *own = NULL;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			own = line + 3;
			break;
		}
	}
	fclose(f);
	char *path = NULL;
	if (own == NULL || asprintf(&path, "/sys/fs/cgroup%s%smpcomp-session-%d",
			own, own[strlen(own) - 1] == '/' ? "" : "/", (int)getpid()) < 0) {
		return NULL;
	}
	char *kill_file = NULL;
	if (mkdir(path, 0755) < 0 || asprintf(&kill_file, "%s/cgroup.kill",
			path) < 0 || access(kill_file, W_OK) < 0) {
		rmdir(path);
		free(kill_file);
		free(path);
		return NULL;
	}
	free(kill_file);
	return path;
}

static void cgroup_write(const char *cgroup, const char *file,
		const char *value) {
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", cgroup, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		util_write_all(fd, value, strlen(value));
		close(fd);
	}
}

static void open_session(struct helper *h, const struct mp_frame *open) {
	int ret = pam_setcred(h->pam, PAM_ESTABLISH_CRED);
	if (ret != PAM_SUCCESS) {
		die(h, "%s", pam_strerror(h->pam, ret));
	}
	h->cred_set = true;
	ret = pam_open_session(h->pam, 0);
	if (ret != PAM_SUCCESS) {
		pam_setcred(h->pam, PAM_DELETE_CRED);
		die(h, "%s", pam_strerror(h->pam, ret));
	}
	h->session_open = true;
	h->cgroup = cgroup_create();
	h->child = fork();
	if (h->child < 0) {
		die(h, "fork: %s", strerror(errno));
	}
	if (h->child == 0) {
		close(h->fd);
		if (h->cgroup != NULL) {
			cgroup_write(h->cgroup, "cgroup.procs", "0");
		}
		child_exec(h, open);
	}
	char pid[32];
	snprintf(pid, sizeof(pid), "%d", (int)h->child);
	frame_write_str(h->fd, MP_FRAME_STARTED, pid);
}

/* The session runs and its screen is locked: its user proves who they
 * are, through a PAM handle of our own (the session's stays open, to be
 * closed at the end), as a screen locker does. Prompts go to mpcomp,
 * which answers the first hidden one with what was typed; the rest are
 * the lock screen's. Exactly one UNLOCKED or UNLOCK_FAILED answers the
 * UNLOCK, so that mpcomp can tell a late answer (of an unlock it gave up)
 * from the one it waits for. The session's signals wait in the signalfd
 * meanwhile. */
static void unlock(struct helper *h, const struct mp_frame *request) {
	const char *service = frame_field(request->payload, request->len,
		"service");
	if (service == NULL || service[0] == '\0') {
		frame_write_str(h->fd, MP_FRAME_UNLOCK_FAILED, "bad unlock request");
		return;
	}
	// The conversation reads into the reader's payload: a copy.
	char *service_copy = strdup(service);
	if (service_copy == NULL) {
		frame_write_str(h->fd, MP_FRAME_UNLOCK_FAILED, strerror(ENOMEM));
		return;
	}
	h->unlocking = true;
	h->unlock_cancelled = false;
	struct pam_conv conv = { conversation, h };
	pam_handle_t *pam = NULL;
	char reason[512];
	reason[0] = '\0';
	int ret = pam_start(service_copy, h->pw.pw_name, &conv, &pam);
	if (ret != PAM_SUCCESS) {
		snprintf(reason, sizeof(reason), "PAM service %s: %s", service_copy,
			pam_strerror(NULL, ret));
		pam = NULL;
	} else {
		ret = pam_authenticate(pam, PAM_DISALLOW_NULL_AUTHTOK);
		if (ret == PAM_SUCCESS) {
			ret = pam_acct_mgmt(pam, 0);
			// The password was right but has expired: the user is let
			// back into the session they have (it is changed at the
			// next sign-in, not on the lock screen).
			if (ret == PAM_NEW_AUTHTOK_REQD) {
				ret = PAM_SUCCESS;
			}
		}
		if (ret != PAM_SUCCESS) {
			snprintf(reason, sizeof(reason), "%s", pam_strerror(pam, ret));
		}
		pam_end(pam, ret);
	}
	free(service_copy);
	h->unlocking = false;
	if (ret == PAM_SUCCESS && !h->unlock_cancelled && !h->end_requested) {
		frame_write(h->fd, MP_FRAME_UNLOCKED, "", 0);
	} else {
		frame_write_str(h->fd, MP_FRAME_UNLOCK_FAILED,
			h->end_requested ? "the session ends" :
			h->unlock_cancelled ? "cancelled" : reason);
	}
	h->unlock_cancelled = false;
}

/* Our children: all of the session once orphans are reparented to us. */
static int signal_children(int sig) {
	return proc_signal_children(getpid(), sig, NULL, NULL);
}

static int reap(struct helper *h, int *status) {
	int n = 0, st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == h->child) {
			*status = st;
			h->child = 0;
		}
		n++;
	}
	return n;
}

/* The processes that got SIGTERM: each gets it once, also one that comes
 * to us (its parent died) during the grace period. */
struct termed {
	pid_t *pids;
	size_t n, cap;
};

static bool spare_termed(pid_t pid, void *data) {
	struct termed *t = data;
	for (size_t i = 0; i < t->n; i++) {
		if (t->pids[i] == pid) {
			return true;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		pid_t *pids = realloc(t->pids, cap * sizeof(*pids));
		if (pids == NULL) {
			return false; // it gets SIGTERM again: no harm
		}
		t->pids = pids;
		t->cap = cap;
	}
	t->pids[t->n++] = pid;
	return false;
}

/* Whether any child is left, dead or alive, without reaping one (its
 * status may be the command's). */
static bool has_children(void) {
	siginfo_t info = { 0 };
	return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

/* SIGTERM to every process of the session, SIGKILL after grace_ms, until
 * nothing is left. */
static void kill_everything(struct helper *h, int sigfd, long grace_ms,
		int *status) {
	struct termed termed = { 0 };
	int64_t deadline = util_now_ms() + grace_ms;
	for (;;) {
		int64_t left = deadline - util_now_ms();
		if (left > 0) {
			proc_signal_children(getpid(), SIGTERM, spare_termed, &termed);
		}
		reap(h, status);
		if (!has_children()) {
			break;
		}
		if (left <= 0) {
			if (h->cgroup != NULL) {
				cgroup_write(h->cgroup, "cgroup.kill", "1");
			}
			signal_children(SIGKILL);
			left = 50;
		}
		struct pollfd pfd = { .fd = sigfd, .events = POLLIN };
		if (poll(&pfd, 1, (int)(left < 50 ? left : 50)) > 0) {
			struct signalfd_siginfo info;
			while (read(sigfd, &info, sizeof(info)) > 0) {
				// drain: reaping happens above
			}
		}
	}
	free(termed.pids);
}

int main(int argc, char *argv[]) {
	struct helper h = { .fd = -1 };
	if (argc != 2) {
		fprintf(stderr, "usage: mpcomp-session FD (started by mpcomp)\n");
		return 2;
	}
	h.fd = atoi(argv[1]);
	if (h.fd < 3 || fcntl(h.fd, F_GETFD) < 0) {
		fprintf(stderr, "mpcomp-session: bad fd %s\n", argv[1]);
		return 2;
	}
	fcntl(h.fd, F_SETFD, FD_CLOEXEC);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);

	struct mp_frame frame;
	if (!frame_read_blocking(&h.reader, h.fd, &frame) ||
			frame.type != MP_FRAME_START) {
		return 1;
	}
	const char *service = frame_field(frame.payload, frame.len, "service");
	const char *user = frame_field(frame.payload, frame.len, "user");
	const char *autologin = frame_field(frame.payload, frame.len, "autologin");
	if (service == NULL || user == NULL || user[0] == '\0') {
		die(&h, "bad start request");
	}
	char *service_copy = strdup(service);
	char *user_copy = strdup(user);
	authenticate(&h, service_copy, user_copy,
		autologin != NULL && strcmp(autologin, "1") == 0);
	free(service_copy);
	free(user_copy);

	if (!frame_read_blocking(&h.reader, h.fd, &frame) ||
			frame.type != MP_FRAME_OPEN) {
		// Cancelled (the user's session exists and moves instead).
		pam_end(h.pam, PAM_SUCCESS);
		return 0;
	}

	// Signals through a signalfd from now on; the child unblocks them.
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	// A session module may converse while the session opens, which reads
	// into the reader's buffer: OPEN's environment and command are kept
	// apart.
	static char open_payload[MP_FRAME_MAX_PAYLOAD + 1];
	memcpy(open_payload, frame.payload, frame.len + 1);
	frame.payload = open_payload;
	open_session(&h, &frame);

	int status = 0;
	long grace_ms = 5000;
	for (;;) {
		struct pollfd pfds[2] = {
			{ .fd = h.fd, .events = POLLIN },
			{ .fd = sigfd, .events = POLLIN },
		};
		if (poll(pfds, 2, -1) < 0 && errno != EINTR) {
			break;
		}
		bool stop = false;
		if (pfds[1].revents & POLLIN) {
			struct signalfd_siginfo info;
			while (read(sigfd, &info, sizeof(info)) > 0) {
				if (info.ssi_signo != SIGCHLD) {
					stop = true; // told to go: end the session
				}
			}
			reap(&h, &status);
			if (h.child == 0) {
				stop = true; // the session command is over
			}
		}
		if (pfds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			long n = frame_reader_fill(&h.reader, h.fd);
			if (n <= 0) {
				grace_ms = 1000; // mpcomp is gone
				stop = true;
			}
			// An unlock's conversation reads with blocking reads from the
			// same reader: what they took beyond their frames is still in
			// it, handled here before poll waits for more.
			while (frame_reader_next(&h.reader, &frame) == 1) {
				if (frame.type == MP_FRAME_END) {
					grace_ms = strtol(frame.payload, NULL, 10);
					stop = true;
				} else if (frame.type == MP_FRAME_UNLOCK && stop) {
					frame_write_str(h.fd, MP_FRAME_UNLOCK_FAILED,
						"the session ends");
				} else if (frame.type == MP_FRAME_UNLOCK) {
					unlock(&h, &frame);
					if (h.end_requested) {
						grace_ms = h.end_grace_ms;
						stop = true;
					}
				}
				// Anything else is late (the CANCEL of an unlock that was
				// over already) or not for now: ignored.
			}
		}
		if (stop) {
			break;
		}
	}
	kill_everything(&h, sigfd, grace_ms, &status);
	if (h.cgroup != NULL) {
		// Anything that escaped to another parent is still in here.
		cgroup_write(h.cgroup, "cgroup.kill", "1");
		// Killed processes take a moment to leave; then the group goes.
		for (int i = 0; i < 100 && rmdir(h.cgroup) < 0 && errno == EBUSY;
				i++) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		free(h.cgroup);
	}
	pam_close_session(h.pam, 0);
	pam_setcred(h.pam, PAM_DELETE_CRED);
	pam_end(h.pam, PAM_SUCCESS);
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", status);
	frame_write_str(h.fd, MP_FRAME_ENDED, buf);
	return 0;
}
