/* Nothing of a session may outlive it, nor anything of mpcomp outlive
 * mpcomp: processes, directories, sockets, whatever way they end. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

/* A session command that leaves a double-forked daemon ignoring SIGTERM
 * (its pid in DIR/daemon-NAME.pid), then runs mp-client NAME. */
static char *daemon_command(const char *name) {
	return harness_format("sh -c '(trap \"\" TERM; setsid sh -c \"echo \\$\\$ "
		"> %%DIR%%/daemon-%s.pid; exec sleep 1000\" &); exec %s --color "
		"00ff00 --log %%DIR%%/%s.log'", name, harness_mp_client(), name);
}

static pid_t read_pid(struct mp_harness *h, const char *file) {
	char *path = harness_path(h, file);
	assert_true(harness_wait_file_contains(path, "\n", 10));
	char *text = harness_read_file(path);
	free(path);
	pid_t pid = (pid_t)strtol(text, NULL, 10);
	free(text);
	assert_true(pid > 0);
	return pid;
}

static bool alive(pid_t pid) {
	return kill(pid, 0) == 0 || errno == EPERM;
}

/* Two desktop stations signing their user in at start-up (a, b: the
 * same user, so b is a kiosk to have two sessions), each with a daemon
 * that ignores SIGTERM. */
static struct mp_harness *start_two_sessions(void **state, pid_t daemons[2]) {
	char *a = daemon_command("a");
	char *b = daemon_command("b");
	char *config = harness_format(
		"[station a]\noutputs = HEADLESS-1\nsplit = left\n"
		"autologin = %%USER%%\nsession-command = %s\n"
		"[station b]\noutputs = HEADLESS-1\nsplit = right\nrole = kiosk\n"
		"autologin = %%USER%%\ncommand = %s\n", a, b);
	struct mp_harness *h = start(state, "1:1280x720", config);
	free(a);
	free(b);
	free(config);
	assert_true(harness_wait(h, "views a 1"));
	assert_true(harness_wait(h, "views b 1"));
	daemons[0] = read_pid(h, "daemon-a.pid");
	daemons[1] = read_pid(h, "daemon-b.pid");
	assert_true(alive(daemons[0]) && alive(daemons[1]));
	return h;
}

static void test_sigterm_leaves_no_session_process(void **state) {
	pid_t daemons[2];
	struct mp_harness *h = start_two_sessions(state, daemons);
	long pids[2] = { state_long(h, "sessions/1/pid"),
		state_long(h, "sessions/2/pid") };
	assert_int_equal(harness_signal(h, SIGTERM), 0);
	// Gone when mpcomp is: nothing is left to end them later.
	for (int i = 0; i < 2; i++) {
		assert_false(alive(daemons[i]));
		assert_false(alive((pid_t)pids[i]));
	}
}

static void test_sigterm_ends_locked_and_parked_sessions(void **state) {
	// A locked session and a parked one (its station went offline): no
	// process of either is left once mpcomp has exited.
	pid_t daemons[2];
	struct mp_harness *h = start_two_sessions(state, daemons);
	assert_true(harness_request_add_keyboard(h, "kb", "usb-a:1", NULL));
	assert_true(harness_action(h, "lock", "a"));
	assert_true(harness_remove_output(h, "HEADLESS-1")); // b's kiosk parks
	assert_true(harness_wait(h, "session-state 1 parked"));
	assert_true(harness_wait(h, "session-state 2 parked"));
	assert_int_equal(harness_signal(h, SIGTERM), 0);
	assert_false(alive(daemons[0]));
	assert_false(alive(daemons[1]));
}

static void test_sigint_leaves_no_session_process(void **state) {
	pid_t daemons[2];
	struct mp_harness *h = start_two_sessions(state, daemons);
	assert_int_equal(harness_signal(h, SIGINT), 0);
	assert_false(alive(daemons[0]));
	assert_false(alive(daemons[1]));
}

static void test_sighup_leaves_no_session_process(void **state) {
	// What mpcomp gets when the terminal it was started from goes: the
	// same orderly end as SIGTERM (it used to die at once).
	pid_t daemons[2];
	struct mp_harness *h = start_two_sessions(state, daemons);
	char *dir = harness_runtime_dir(h);
	assert_int_equal(harness_signal(h, SIGHUP), 0);
	assert_false(alive(daemons[0]));
	assert_false(alive(daemons[1]));
	struct stat st;
	assert_int_equal(stat(dir, &st), -1);
	free(dir);
}

static void test_killed_process_group_sessions_end(void **state) {
	// A supervisor (or kill -9 -PGID) kills mpcomp's whole process
	// group: the helpers are not in it, see mpcomp go and end their
	// sessions (they went with the group, and a session's daemon lived
	// on).
	pid_t daemons[2];
	struct mp_harness *h = start_two_sessions(state, daemons);
	assert_int_equal(harness_signal_group(h, SIGKILL), 128 + SIGKILL);
	assert_true(harness_wait_pid_gone(daemons[0], 10));
	assert_true(harness_wait_pid_gone(daemons[1], 10));
}

static void test_exit_waits_for_a_sign_in_helper(void **state) {
	// mpcomp stops while a slow PAM module authenticates someone: the
	// helper it lets go finishes that module and exits before mpcomp
	// does (it was killed in the middle of it).
	struct mp_harness_options options = {
		.config = "[station a]\noutputs = HEADLESS-1\ndevices = usb-a\n",
		.headless = "1:640x480",
		.pam = "auth required %PAM_MPTEST% delay=1500 log=%DIR%/pam.log\n"
			"account required pam_permit.so\n"
			"session required pam_permit.so\n",
	};
	struct mp_harness *h = harness_start_with(&options);
	assert_non_null(h);
	*state = h;
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-a:1.0", NULL));
	sign_in(h, "kb-a");
	assert_state_str(h, "stations/a/signin/phase", "authenticating");
	long helper = state_long(h, "stations/a/signin/pid");
	assert_int_equal(harness_signal(h, SIGTERM), 0);
	assert_false(alive((pid_t)helper));
	char *path = harness_path(h, "pam.log");
	char *log = harness_read_file(path);
	free(path);
	assert_non_null(log);
	assert_non_null(strstr(log, "auth "));
	free(log);
}

static void test_killed_compositor_sessions_end(void **state) {
	// mpcomp cannot clean up after SIGKILL: the helpers see it go and
	// end their sessions themselves.
	pid_t daemons[2];
	struct mp_harness *h = start_two_sessions(state, daemons);
	assert_int_equal(harness_signal(h, SIGKILL), 128 + SIGKILL);
	assert_true(harness_wait_pid_gone(daemons[0], 10));
	assert_true(harness_wait_pid_gone(daemons[1], 10));
}

static void test_dead_helper_session_processes_are_killed(void **state) {
	// The helper of a session dies: its processes come to mpcomp, which
	// kills them (after they came, not before).
	pid_t daemons[2];
	struct mp_harness *h = start_two_sessions(state, daemons);
	long helper = state_long(h, "sessions/1/helper/pid");
	assert_int_equal(kill((pid_t)helper, SIGKILL), 0);
	assert_true(harness_wait(h, "session-state 1 gone"));
	assert_true(harness_wait_pid_gone(daemons[0], 10));
	// The other session is not touched.
	assert_true(alive(daemons[1]));
	assert_state_str(h, "sessions/2/state", "attached");
	assert_state_str(h, "stations/a/state", "login");
}

static void test_compositor_keeps_its_own_children(void **state) {
	// A library of mpcomp's gives it a child before any session (as
	// libseat's built-in seatd does): sessions end, their helpers die,
	// mpcomp kills what comes to it from them, never that child.
	static const char *const env[] = {
		"MP_FORK_CHILD_PID=%DIR%/child.pid", NULL,
	};
	char *cmd = harness_format("exec %s", harness_mp_client());
	char *config = harness_format("[station s]\noutputs = HEADLESS-1\n"
		"role = kiosk\nautologin = %%USER%%\ncommand = %s\n", cmd);
	struct mp_harness_options options = {
		.config = config,
		.headless = "1:640x480",
		.preload = harness_fork_child_library(),
		.env = env,
	};
	struct mp_harness *h = harness_start_with(&options);
	free(cmd);
	free(config);
	assert_non_null(h);
	*state = h;
	pid_t child = read_pid(h, "child.pid");
	assert_true(harness_wait(h, "views s 1"));
	// A session ends, then a helper dies: each time mpcomp looks for
	// what is left of sessions.
	assert_int_equal(kill((pid_t)state_long(h, "sessions/1/pid"), SIGTERM),
		0);
	assert_true(harness_wait(h, "session-state 1 gone"));
	assert_true(harness_wait(h, "session-state 2 attached"));
	assert_int_equal(kill((pid_t)state_long(h, "sessions/2/helper/pid"),
		SIGKILL), 0);
	assert_true(harness_wait(h, "session-state 2 gone"));
	assert_true(alive(child));
	// At exit too: what mpcomp started itself is not a session's.
	assert_int_equal(harness_signal(h, SIGTERM), 0);
	assert_true(alive(child));
	kill(child, SIGKILL);
}

/* The PAM service of the test below: the machine's PAM, which (unlike
 * pam_wrapper) has no limit on how many processes use it at once. */
static char system_service[64];

static int teardown_system_service(void **state) {
	unlink(system_service);
	return teardown(state);
}

static void test_many_helpers_are_never_taken_for_orphans(void **state) {
	// 66 sessions (on stations without outputs), so 66 helpers; one of
	// them dies: the other 65 and their sessions live on.
	if (getuid() != 0) {
		skip(); // a PAM service of its own needs /etc/pam.d
	}
	enum { N = 66 };
	snprintf(system_service, sizeof(system_service),
		"/etc/pam.d/mpcomp-test-%d", (int)getpid());
	FILE *f = fopen(system_service, "w");
	assert_non_null(f);
	fputs("auth required pam_permit.so\naccount required pam_permit.so\n"
		"session required pam_permit.so\n", f);
	fclose(f);
	char *config = NULL;
	size_t size = 0;
	f = open_memstream(&config, &size);
	fprintf(f, "[compositor]\npam-service = %s\n",
		strrchr(system_service, '/') + 1);
	for (int i = 0; i < N; i++) {
		fprintf(f, "[station k%d]\noutputs = NONE-%d\nrole = kiosk\n"
			"autologin = %%USER%%\ncommand = exec sleep 1000\n", i, i);
	}
	fclose(f);
	struct mp_harness_options options = {
		.config = config,
		.headless = "1:640x480",
		.system_pam = true,
	};
	struct mp_harness *h = harness_start_with(&options);
	free(config);
	assert_non_null(h);
	*state = h;
	for (int id = 1; id <= N; id++) {
		// Attached (to its station without outputs) once it runs.
		char *wait = harness_format("session-state %d attached", id);
		assert_true(harness_wait(h, wait));
		free(wait);
	}
	long helper = state_long(h, "sessions/1/helper/pid");
	assert_int_equal(kill((pid_t)helper, SIGKILL), 0);
	assert_true(harness_wait(h, "session-state 1 gone"));
	for (int id = 2; id <= N; id++) {
		char *path = harness_format("sessions/%d/pid", id);
		pid_t pid = (pid_t)state_long(h, path);
		if (!alive(pid)) {
			fail_msg("session %d lost its command %d", id, (int)pid);
		}
		free(path);
		path = harness_format("sessions/%d/helper/pid", id);
		if (!alive((pid_t)state_long(h, path))) {
			fail_msg("session %d lost its helper", id);
		}
		free(path);
	}
}

static void test_exit_removes_the_runtime_directory(void **state) {
	pid_t daemons[2];
	struct mp_harness *h = start_two_sessions(state, daemons);
	char *dir = harness_runtime_dir(h);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(harness_signal(h, SIGTERM), 0);
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);
	free(dir);
}

static void test_stale_runtime_directory_is_removed(void **state) {
	// The first mpcomp is killed with its sessions' sockets and
	// directories in place; the next one to start there removes them.
	pid_t daemons[2];
	struct mp_harness *first = start_two_sessions(state, daemons);
	char *dir = harness_runtime_dir(first);
	char *runtime = strdup(first->runtime_dir);
	assert_int_equal(harness_signal(first, SIGKILL), 128 + SIGKILL);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	struct mp_harness_options options = {
		.config = "[station a]\noutputs = HEADLESS-1\n",
		.headless = "1:640x480",
		.runtime_dir = runtime,
	};
	struct mp_harness *second = harness_start_with(&options);
	assert_non_null(second);
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);
	char *own = harness_runtime_dir(second);
	assert_int_equal(stat(own, &st), 0);
	assert_int_equal(harness_stop(second), 0);
	free(own);
	free(runtime);
	free(dir);
}

static void test_starting_compositor_directory_is_kept(void **state) {
	// Two mpcomps start at once in one runtime directory: the second one's
	// sweep of stale directories comes while the first has made its own
	// but not yet locked it (held back 1 s here), and must leave it alone.
	char *runtime = harness_format("/tmp/mpcomp-race-%d", (int)getpid());
	mkdir(runtime, 0700);
	char *signal = harness_format("%s/first-is-locking", runtime);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		// The second mpcomp, as soon as the first one is in its window.
		for (int i = 0; i < 1000 && access(signal, F_OK) != 0; i++) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		struct mp_harness_options options = {
			.config = "[station a]\noutputs = HEADLESS-1\n",
			.headless = "1:640x480",
			.runtime_dir = runtime,
		};
		struct mp_harness *second = harness_start_with(&options);
		_exit(second != NULL && harness_stop(second) == 0 ? 0 : 1);
	}
	char *env_ms = "MP_SLOW_LOCK_MS=1000";
	char *env_signal = harness_format("MP_SLOW_LOCK_SIGNAL=%s", signal);
	const char *const env[] = { env_ms, env_signal, NULL };
	struct mp_harness_options options = {
		.config = "[station a]\noutputs = HEADLESS-1\n",
		.headless = "1:640x480",
		.runtime_dir = runtime,
		.preload = harness_slow_lock_library(),
		.env = env,
	};
	struct mp_harness *first = harness_start_with(&options);
	*state = first;
	int status = 0;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_non_null(first);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char *own = harness_runtime_dir(first);
	struct stat st;
	assert_int_equal(stat(own, &st), 0);
	assert_true(harness_wait(first, "idle"));
	free(own);
	unlink(signal);
	free(signal);
	free(env_signal);
	rmdir(runtime); // empty once both are gone (teardown stops the first)
	free(runtime);
}

static void test_running_compositor_directory_is_kept(void **state) {
	// A second mpcomp with the same runtime directory leaves the first
	// one's alone.
	pid_t daemons[2];
	struct mp_harness *first = start_two_sessions(state, daemons);
	struct mp_harness_options options = {
		.config = "[station a]\noutputs = HEADLESS-1\n",
		.headless = "1:640x480",
		.runtime_dir = first->runtime_dir,
	};
	struct mp_harness *second = harness_start_with(&options);
	assert_non_null(second);
	assert_int_equal(harness_stop(second), 0);
	assert_state_count(first, "sessions", 2);
	char *socket = harness_state_str(first, "sessions/1/socket");
	struct stat st;
	assert_int_equal(stat(socket, &st), 0);
	free(socket);
}

static void test_ended_session_directory_goes_with_its_files(void **state) {
	// The session filled its XDG_RUNTIME_DIR, with a link to a file
	// outside it: the directory goes, the file outside stays.
	char *cmd = harness_format("touch %%DIR%%/outside; "
		"touch \"$XDG_RUNTIME_DIR/file\"; mkdir \"$XDG_RUNTIME_DIR/sub\"; "
		"touch \"$XDG_RUNTIME_DIR/sub/deeper\"; "
		"ln -s %%DIR%%/outside \"$XDG_RUNTIME_DIR/link\"; "
		"ln -s %%DIR%% \"$XDG_RUNTIME_DIR/dirlink\"; "
		"exec %s --log %%DIR%%/s.log", harness_mp_client());
	char *config = harness_format("[station s]\noutputs = HEADLESS-1\n"
		"devices = usb-s\nautologin = %%USER%%\nsession-command = %s\n"
		"[compositor]\nlogoff-grace = 0\n", cmd);
	struct mp_harness *h = start(state, "1:640x480", config);
	free(cmd);
	free(config);
	assert_true(harness_wait(h, "views s 1"));
	char *socket = harness_state_str(h, "sessions/1/socket");
	char *dir = strndup(socket, strrchr(socket, '/') - socket);
	char *file = harness_format("%s/sub/deeper", dir);
	struct stat st;
	assert_int_equal(stat(file, &st), 0);
	assert_true(harness_request_add_keyboard(h, "kb", "usb-s:1", NULL));
	assert_true(harness_key(h, "kb", "ctrl+alt+shift+q"));
	assert_true(harness_wait(h, "sessions 0"));
	assert_int_equal(lstat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);
	char *outside = harness_path(h, "outside");
	assert_int_equal(stat(outside, &st), 0);
	assert_int_equal(stat(h->dir, &st), 0);
	free(outside);
	free(file);
	free(dir);
	free(socket);
}

static void test_orphaned_process_gets_sigterm_first(void **state) {
	// A program started by the session command keeps running after the
	// command ends (it comes to the helper): at the end it gets SIGTERM
	// like every process of the session, to save its work, before any
	// SIGKILL.
	char *cmd = strdup("sh -c 'trap \"echo TERM >> %DIR%/trap.log; exit 0\" "
		"TERM; echo started >> %DIR%/trap.log; while :; do sleep 0.2; "
		"done' & exec sleep 1000");
	char *config = harness_format("[station s]\noutputs = HEADLESS-1\n"
		"autologin = %%USER%%\nsession-command = %s\n"
		"[compositor]\nlogoff-grace = 0\n", cmd);
	struct mp_harness *h = start(state, "1:640x480", config);
	free(cmd);
	free(config);
	char *path = harness_path(h, "trap.log");
	assert_true(harness_wait_file_contains(path, "started", 10));
	assert_true(harness_wait(h, "session-state 1 attached"));
	assert_true(harness_request_add_keyboard(h, "kb", "", NULL));
	assert_true(harness_key(h, "kb", "ctrl+alt+shift+q"));
	assert_true(harness_wait(h, "sessions 0"));
	char *log = harness_read_file(path);
	assert_string_equal(log, "started\nTERM\n");
	free(log);
	free(path);
}

static void test_session_has_default_signals(void **state) {
	// Nothing ignored, nothing blocked: as after a login.
	char *cmd = harness_format("grep -E '^Sig(Ign|Blk):' /proc/self/status "
		"> %%DIR%%/signals; exec %s", harness_mp_client());
	struct mp_harness *h = start_session_command(state, cmd);
	free(cmd);
	char *path = harness_path(h, "signals");
	char *text = harness_read_file(path);
	free(path);
	assert_non_null(text);
	assert_string_equal(text, "SigBlk:\t0000000000000000\n"
		"SigIgn:\t0000000000000000\n");
	free(text);
}

static void test_session_output_goes_to_the_log(void **state) {
	// What a session prints goes to mpcomp's log, not to its stdout (a
	// pipe that may be closed); it reads nothing.
	// (The text is made by printf: mpcomp's log names the command.)
	char *cmd = harness_format("printf 'printed-by-the-%%s\\n' session; "
		"readlink /proc/self/fd/0 > %%DIR%%/stdin; exec %s",
		harness_mp_client());
	struct mp_harness *h = start_session_command(state, cmd);
	free(cmd);
	char *log = harness_path(h, "mpcomp.log");
	assert_true(harness_wait_file_contains(log, "printed-by-the-session", 10));
	free(log);
	char *path = harness_path(h, "stdin");
	char *text = harness_read_file(path);
	free(path);
	assert_string_equal(text, "/dev/null\n");
	free(text);
}

static void test_kiosk_does_not_restart_while_mpcomp_exits(void **state) {
	// The kiosk's command ends at once and would be restarted 1 s later;
	// mpcomp takes 3 s to end the other session (its daemon ignores
	// SIGTERM): no kiosk restart may happen in that time.
	char *desk = daemon_command("a");
	char *config = harness_format(
		"[station a]\noutputs = HEADLESS-1\nsplit = left\n"
		"autologin = %%USER%%\nsession-command = %s\n"
		"[station k]\noutputs = HEADLESS-1\nsplit = right\nrole = kiosk\n"
		"autologin = %%USER%%\ncommand = echo started >> %%DIR%%/kiosk\n",
		desk);
	struct mp_harness *h = start(state, "1:1280x720", config);
	free(desk);
	free(config);
	assert_true(harness_wait(h, "views a 1"));
	pid_t daemon = read_pid(h, "daemon-a.pid");
	assert_true(harness_wait(h, "greeter k restarting"));
	char *path = harness_path(h, "kiosk");
	char *before = harness_read_file(path);
	assert_non_null(before);
	assert_int_equal(harness_signal(h, SIGTERM), 0);
	char *after = harness_read_file(path);
	assert_string_equal(after, before);
	assert_false(alive(daemon));
	free(before);
	free(after);
	free(path);
}

/* Forks a child (sleeping until killed) whose pid is pid, through
 * ns_last_pid; 0 when that pid could not be had. */
static pid_t fork_with_pid(pid_t pid) {
	for (int tries = 0; tries < 20; tries++) {
		int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			return 0;
		}
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "%d", (int)pid - 1);
		bool ok = write(fd, buf, n) == n;
		close(fd);
		if (!ok) {
			return 0;
		}
		pid_t child = fork();
		if (child == 0) {
			setpgid(0, 0); // a process group of that number
			pause();
			_exit(0);
		}
		if (child == pid) {
			return child;
		}
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		// The number is free once its parent has reaped it: no event
		// tells us when that is.
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	return 0;
}

static void test_recycled_process_group_is_not_killed(void **state) {
	// Closing the PAM session takes 2 s after the session's processes
	// are gone. Meanwhile another process gets the number of the
	// session's process group: ending the session must not kill it.
	if (getuid() != 0) {
		skip(); // only root can choose a pid (ns_last_pid)
	}
	char *cmd = harness_format("exec %s --log %%DIR%%/s.log",
		harness_mp_client());
	char *config = harness_format("[station s]\noutputs = HEADLESS-1\n"
		"autologin = %%USER%%\nsession-command = %s\n", cmd);
	struct mp_harness_options options = {
		.config = config,
		.headless = "1:640x480",
		.pam = "auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
			"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
			"session required %PAM_MPTEST% close_delay=2000\n",
	};
	struct mp_harness *h = harness_start_with(&options);
	free(cmd);
	free(config);
	assert_non_null(h);
	*state = h;
	assert_true(harness_wait(h, "views s 1"));
	pid_t leader = (pid_t)state_long(h, "sessions/1/pid");
	assert_int_equal(kill(leader, SIGTERM), 0);
	assert_true(harness_wait_pid_gone(leader, 10));
	pid_t impostor = fork_with_pid(leader);
	if (impostor == 0) {
		skip(); // another process took the number first
	}
	bool gone = harness_wait(h, "sessions 0");
	// Our child: still running, not killed (a zombie answers kill(0)).
	bool survived = waitpid(impostor, NULL, WNOHANG) == 0;
	kill(impostor, SIGKILL);
	waitpid(impostor, NULL, 0);
	assert_true(gone);
	assert_true(survived);
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sigterm_leaves_no_session_process,
			teardown),
		cmocka_unit_test_teardown(test_sigint_leaves_no_session_process,
			teardown),
		cmocka_unit_test_teardown(test_sighup_leaves_no_session_process,
			teardown),
		cmocka_unit_test_teardown(test_killed_process_group_sessions_end,
			teardown),
		cmocka_unit_test_teardown(test_exit_waits_for_a_sign_in_helper,
			teardown),
		cmocka_unit_test_teardown(test_killed_compositor_sessions_end,
			teardown),
		cmocka_unit_test_teardown(
			test_dead_helper_session_processes_are_killed, teardown),
		cmocka_unit_test_teardown(
			test_many_helpers_are_never_taken_for_orphans,
			teardown_system_service),
		cmocka_unit_test_teardown(test_compositor_keeps_its_own_children,
			teardown),
		cmocka_unit_test_teardown(
			test_starting_compositor_directory_is_kept, teardown),
		cmocka_unit_test_teardown(
			test_sigterm_ends_locked_and_parked_sessions, teardown),
		cmocka_unit_test_teardown(test_exit_removes_the_runtime_directory,
			teardown),
		cmocka_unit_test_teardown(test_stale_runtime_directory_is_removed,
			teardown),
		cmocka_unit_test_teardown(test_running_compositor_directory_is_kept,
			teardown),
		cmocka_unit_test_teardown(
			test_ended_session_directory_goes_with_its_files, teardown),
		cmocka_unit_test_teardown(test_orphaned_process_gets_sigterm_first,
			teardown),
		cmocka_unit_test_teardown(test_session_has_default_signals,
			teardown),
		cmocka_unit_test_teardown(test_session_output_goes_to_the_log,
			teardown),
		cmocka_unit_test_teardown(
			test_kiosk_does_not_restart_while_mpcomp_exits, teardown),
		cmocka_unit_test_teardown(
			test_recycled_process_group_is_not_killed, teardown),
	};
	return RUN_TESTS(tests);
}
