#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

/* Two desktop stations on the halves of one output, each with its own
 * keyboard; sessions run mp-client logging to session.log. */
static struct mp_harness *start_desktops(void **state, const char *pam,
		const char *extra_compositor) {
	char *cmd = client_cmd("00ff00", "session", NULL);
	char *config = harness_format(
		"[compositor]\nsession-command = %s\n%s"
		"[station a]\noutputs = HEADLESS-1\nsplit = left\ndevices = usb-a\n"
		"layout = es\n"
		"[station b]\noutputs = HEADLESS-1\nsplit = right\ndevices = usb-b\n",
		cmd, extra_compositor ? extra_compositor : "signin-timeout = 60\n");
	struct mp_harness *h = harness_start_pam(config, "1:1280x720",
		pam ? pam : harness_default_pam);
	free(cmd);
	free(config);
	assert_non_null(h);
	*state = h;
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-a:1.0", NULL));
	assert_true(harness_request_add_keyboard(h, "kb-b", "usb-b:1.0", NULL));
	return h;
}

/* Path of a field of the greeter at a station, in a static buffer. */
static const char *greeter(const char *station, const char *field) {
	static char path[128];
	snprintf(path, sizeof(path), "stations/%s/overlays/greeter/%s", station,
		field);
	return path;
}

/* The user signs in at a; returns the session's pid. */
static long sign_in_at_a(struct mp_harness *h) {
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "session a any"));
	assert_true(harness_wait(h, "views a 1"));
	long pid = state_long(h, "sessions/1/pid");
	assert_true(pid > 0);
	return pid;
}

/* The same user signs in at b, where the session moves. */
static void sign_in_again_at_b(struct mp_harness *h) {
	sign_in(h, "kb-b");
	assert_true(harness_wait(h, "session b any"));
	assert_true(harness_wait(h, "session a none"));
	assert_true(harness_wait(h, "views b 1"));
}

static void test_wrong_password_fails_at_its_station_only(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	assert_true(harness_type(h, "kb-a", "someone"));
	sign_in_as(h, "kb-b", harness_user(), "wrong");
	assert_true(harness_wait(h, "greeter b error"));
	char *error = harness_state_str(h, greeter("b", "error"));
	assert_non_null(error);
	assert_true(error[0] != '\0');
	free(error);
	assert_state_long(h, greeter("b", "secret_length"), 0);
	assert_state_str(h, "stations/b/state", "login");
	// a, half-way through typing, has nothing of it.
	assert_state_str(h, greeter("a", "error"), "");
	assert_state_str(h, greeter("a", "user"), "someone");
	assert_state_str(h, "stations/a/state", "login");
	// Nobody is signed in.
	assert_true(harness_wait(h, "greeter b ready"));
	assert_state_count(h, "sessions", 0);
	assert_state_long(h, "sessions_started", 0);
	assert_state_null(h, "stations/b/session");
}

static void test_wrong_password_does_not_stop_a_sign_in_elsewhere(
		void **state) {
	// Wrong password at b while a signs in rightly.
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	sign_in_as(h, "kb-b", harness_user(), "wrong");
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "greeter b error"));
	assert_true(harness_wait(h, "session a any"));
	assert_true(harness_wait(h, "views a 1"));
	assert_state_str(h, "stations/b/state", "login");
	assert_state_str(h, "sessions/1/station", "a");
	assert_state_count(h, "sessions", 1);
}

static void test_right_password_signs_in(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	assert_state_str(h, "stations/a/state", "login");
	sign_in_at_a(h);
	assert_state_str(h, "stations/a/state", "active");
	assert_state_long(h, "stations/a/session", 1);
	assert_state_str(h, "sessions/1/user", harness_user());
	assert_state_str(h, "sessions/1/station", "a");
	assert_state_str(h, "sessions/1/state", "attached");
	assert_false(harness_state_has(h, "stations/a/overlays/greeter"));
	assert_state_str(h, "stations/b/state", "login");
}

static void test_signed_in_session_is_shown_at_its_station(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	sign_in_at_a(h);
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "a");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, GREEN,
		(size_t)shot->width * shot->height, "signed-in-a-green"));
	harness_shot_free(shot);
	shot = shoot(h, "station", "b");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, GREEN, 0,
		"signed-in-b-no-green"));
	harness_shot_free(shot);
}

static void test_signing_in_elsewhere_moves_the_session(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	long pid = sign_in_at_a(h);
	sign_in_again_at_b(h);
	// The same session and processes, now at b.
	assert_state_count(h, "sessions", 1);
	assert_state_long(h, "sessions/1/pid", pid);
	assert_state_str(h, "sessions/1/station", "b");
	assert_state_str(h, "sessions/1/state", "attached");
	assert_state_long(h, "stations/b/session", 1);
	assert_int_equal(kill((pid_t)pid, 0), 0);
	// Its seat and outputs came along: no global went away for it, and
	// its client kept its keyboard. A key typed at b comes after anything
	// the move sent it.
	assert_true(harness_type(h, "kb-b", "x"));
	assert_true(log_has(h, "session", "key x x"));
	assert_true(log_lacks(h, "session", "global-remove"));
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "b");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, GREEN,
		(size_t)shot->width * shot->height, "moved-b-green"));
	harness_shot_free(shot);
}

static void test_station_left_behind_shows_its_greeter(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	sign_in_at_a(h);
	sign_in_again_at_b(h);
	assert_state_str(h, "stations/a/state", "login");
	assert_state_null(h, "stations/a/session");
	assert_state_str(h, greeter("a", "user"), "");
	// a shows its greeter, nothing of the session: no green pixel.
	assert_true(harness_wait(h, "idle"));
	struct mp_shot *shot = shoot(h, "station", "a");
	assert_true(harness_expect_color(shot, 0, 0, 0, 0, GREEN, 0,
		"left-behind-a-no-green"));
	harness_shot_free(shot);
}

static void test_greeter_typing_uses_station_keymap(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	// Station a has a Spanish keyboard: ñ has a key of its own there.
	assert_true(harness_type(h, "kb-a", "mu\xc3\xb1oz"));
	assert_state_str(h, greeter("a", "user"), "mu\xc3\xb1oz");
	assert_true(harness_key(h, "kb-a", "BackSpace"));
	assert_state_str(h, greeter("a", "user"), "mu\xc3\xb1o");
	assert_state_str(h, greeter("a", "focus"), "user");
}

static void test_each_station_has_its_own_keymap(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	assert_true(harness_type(h, "kb-a", "\xc3\xb1"));
	assert_state_str(h, greeter("a", "user"), "\xc3\xb1");
	// b has the default (us) keymap: no ñ to type.
	assert_false(harness_type(h, "kb-b", "\xc3\xb1"));
	assert_state_str(h, greeter("b", "user"), "");
}

static void test_typing_reaches_only_its_greeter(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	assert_true(harness_type(h, "kb-a", "muno"));
	assert_true(harness_key(h, "kb-a", "Tab"));
	assert_true(harness_type(h, "kb-a", "abc"));
	// Nothing typed at a reached b.
	assert_state_str(h, "stations/b/state", "login");
	assert_state_str(h, greeter("b", "user"), "");
	assert_state_str(h, greeter("b", "focus"), "user");
	assert_state_long(h, greeter("b", "secret_length"), 0);
}

static void test_tab_and_shift_tab_move_the_focus(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	assert_true(harness_type(h, "kb-a", "muno"));
	assert_true(harness_key(h, "kb-a", "Tab"));
	assert_state_str(h, greeter("a", "focus"), "secret");
	assert_true(harness_type(h, "kb-a", "abc"));
	assert_state_long(h, greeter("a", "secret_length"), 3);
	assert_state_str(h, greeter("a", "user"), "muno");
	assert_true(harness_key(h, "kb-a", "shift+Tab"));
	assert_state_str(h, greeter("a", "focus"), "user");
	assert_state_long(h, greeter("a", "secret_length"), 3);
}

static void test_escape_clears_the_greeter(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	assert_true(harness_type(h, "kb-a", "muno"));
	assert_true(harness_key(h, "kb-a", "Tab"));
	assert_true(harness_type(h, "kb-a", "abc"));
	assert_true(harness_key(h, "kb-a", "Escape"));
	assert_state_str(h, greeter("a", "user"), "");
	assert_state_str(h, greeter("a", "focus"), "user");
	assert_state_long(h, greeter("a", "secret_length"), 0);
}

static void test_return_without_user_name_says_so(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	assert_true(harness_key(h, "kb-a", "Tab"));
	assert_true(harness_key(h, "kb-a", "Return"));
	assert_true(harness_wait(h, "greeter a error"));
	assert_state_str(h, greeter("a", "error"), "Type your user name first");
	assert_state_str(h, greeter("a", "focus"), "user");
	assert_state_null(h, "stations/a/signin");
}

/* PAM asks two more questions after the password: "Code 1:" and "Code 2:"
 * (answers code1 and code2), with an info message first. */
static const char *two_codes_pam =
	"auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
	"auth required %PAM_MPTEST% prompts=2 info=Second_factor_needed\n"
	"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
	"session required pam_permit.so\n";

static void test_pam_questions_are_asked_in_turn(void **state) {
	struct mp_harness *h = start_desktops(state, two_codes_pam, NULL);
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "greeter a prompt"));
	assert_state_str(h, greeter("a", "prompt"), "Code 1:");
	assert_state_str(h, "stations/a/overlays/greeter/messages/"
		"Second factor needed", "Second factor needed");
	assert_true(harness_type(h, "kb-a", "code1"));
	assert_true(harness_key(h, "kb-a", "Return"));
	assert_true(harness_wait(h, "greeter a prompt"));
	assert_state_str(h, greeter("a", "prompt"), "Code 2:");
	assert_true(harness_type(h, "kb-a", "code2"));
	assert_true(harness_key(h, "kb-a", "Return"));
	assert_true(harness_wait(h, "session a any"));
}

static void test_wrong_answer_fails_the_sign_in(void **state) {
	struct mp_harness *h = start_desktops(state, two_codes_pam, NULL);
	sign_in(h, "kb-b");
	assert_true(harness_wait(h, "greeter b prompt"));
	assert_true(harness_type(h, "kb-b", "nope"));
	assert_true(harness_key(h, "kb-b", "Return"));
	assert_true(harness_wait(h, "greeter b error"));
	assert_state_str(h, "stations/b/state", "login");
	assert_true(harness_wait(h, "greeter b ready"));
	assert_state_count(h, "sessions", 0);
}

/* PAM asks one more question after the password ("Code 1:", answer
 * code1); the helper is killed while it waits for the answer. */
static struct mp_harness *start_and_kill_helper(void **state) {
	struct mp_harness *h = start_desktops(state,
		"auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"auth required %PAM_MPTEST% prompts=1\n"
		"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"session required pam_permit.so\n", NULL);
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "greeter a prompt"));
	long helper = state_long(h, "stations/a/signin/pid");
	assert_true(helper > 0);
	assert_state_str(h, "stations/a/signin/user", harness_user());
	assert_int_equal(kill((pid_t)helper, SIGKILL), 0);
	assert_true(harness_wait(h, "greeter a error"));
	return h;
}

static void test_killed_helper_fails_the_sign_in(void **state) {
	struct mp_harness *h = start_and_kill_helper(state);
	assert_state_str(h, greeter("a", "error"),
		"The sign-in helper stopped unexpectedly");
	assert_state_str(h, "stations/a/state", "login");
	assert_state_count(h, "sessions", 0);
	assert_true(harness_wait(h, "greeter a ready"));
	assert_state_null(h, "stations/a/signin");
}

static void test_station_signs_in_after_its_helper_died(void **state) {
	struct mp_harness *h = start_and_kill_helper(state);
	assert_true(harness_wait(h, "greeter a ready"));
	assert_true(harness_key(h, "kb-a", "Escape"));
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "greeter a prompt"));
	assert_true(harness_type(h, "kb-a", "code1"));
	assert_true(harness_key(h, "kb-a", "Return"));
	assert_true(harness_wait(h, "session a any"));
	assert_state_str(h, "sessions/1/station", "a");
}

static void test_hanging_helper_times_out(void **state) {
	struct mp_harness *h = start_desktops(state,
		"auth required %PAM_MPTEST% delay=20000\n"
		"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"session required pam_permit.so\n", "signin-timeout = 1\n");
	sign_in(h, "kb-a");
	assert_true(harness_wait(h, "greeter a error"));
	assert_state_str(h, greeter("a", "error"), "Sign-in timed out");
	assert_state_str(h, "stations/a/state", "login");
	assert_state_count(h, "sessions", 0);
	assert_true(harness_wait(h, "greeter a ready"));
}

/* Moves the pointer to the middle of a field of a's greeter, and clicks. */
static void click_box(struct mp_harness *h, const char *box) {
	long v[4];
	const char *keys[] = { "x", "y", "width", "height" };
	for (int i = 0; i < 4; i++) {
		char *path = harness_format("%s/%s", greeter("a", box), keys[i]);
		v[i] = state_long(h, path);
		free(path);
	}
	long cx = state_long(h, "stations/a/cursor/x");
	long cy = state_long(h, "stations/a/cursor/y");
	assert_true(harness_move(h, "mouse-a", (int)(v[0] + v[2] / 2 - cx),
		(int)(v[1] + v[3] / 2 - cy)));
	assert_true(harness_click(h, "mouse-a", 0x110)); // BTN_LEFT
}

static struct mp_harness *start_with_mouse(void **state) {
	struct mp_harness *h = start_desktops(state, NULL, NULL);
	assert_true(harness_request_add_pointer(h, "mouse-a", "usb-a:1.1",
		NULL));
	return h;
}

static void test_click_on_password_field_focuses_it(void **state) {
	struct mp_harness *h = start_with_mouse(state);
	click_box(h, "secret_box");
	assert_state_str(h, greeter("a", "focus"), "secret");
	assert_true(harness_type(h, "kb-a", "pw"));
	assert_state_str(h, greeter("a", "focus"), "secret");
	assert_state_long(h, greeter("a", "secret_length"), 2);
	assert_state_str(h, greeter("a", "user"), "");
}

static void test_click_on_user_field_focuses_it(void **state) {
	struct mp_harness *h = start_with_mouse(state);
	click_box(h, "secret_box");
	assert_state_str(h, greeter("a", "focus"), "secret");
	click_box(h, "user_box");
	assert_state_str(h, greeter("a", "focus"), "user");
	assert_true(harness_type(h, "kb-a", "x"));
	assert_state_str(h, greeter("a", "user"), "x");
	assert_state_str(h, greeter("a", "focus"), "user");
	assert_state_long(h, greeter("a", "secret_length"), 0);
}

static long count_lines(const char *path, const char *prefix) {
	char *text = harness_read_file(path);
	long n = 0;
	for (char *p = text; p && (p = strstr(p, prefix)) != NULL; p++) {
		n++;
	}
	free(text);
	return n;
}

static double now_s(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_slow_pam_does_not_stall_others(void **state) {
	// a: PAM takes 2 s. b: a kiosk whose client animates all along.
	char *anim = client_cmd("0000ff", "anim", "--animate");
	char *config = harness_format(
		"[station a]\noutputs = HEADLESS-1\nsplit = left\ndevices = usb-a\n"
		"session-command = %s\n"
		"[station b]\noutputs = HEADLESS-1\nsplit = right\n"
		"role = kiosk\nautologin = %%USER%%\ncommand = %s\n",
		harness_mp_client(), anim);
	struct mp_harness *h = harness_start_pam(config, "1:1280x720",
		"auth required %PAM_MPTEST% delay=2000\n"
		"auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"session required pam_permit.so\n");
	free(anim);
	free(config);
	assert_non_null(h);
	*state = h;
	assert_true(harness_wait(h, "views b 1"));
	char *log = log_path(h, "anim");
	assert_true(harness_wait_file_contains(log, "frame 10\n", 10));
	assert_true(harness_request_add_keyboard(h, "kb-a", "usb-a:1", NULL));

	sign_in(h, "kb-a");
	double t0 = now_s();
	long f0 = count_lines(log, "frame ");
	assert_true(harness_wait(h, "session a any"));
	double t1 = now_s();
	long f1 = count_lines(log, "frame ");
	free(log);
	double seconds = t1 - t0, rate = (f1 - f0) / seconds;
	fprintf(stderr, "sign-in took %.2f s; station b got %.1f frames/s\n",
		seconds, rate);
	assert_true(seconds >= 1.9);
	// Headless outputs run at 60 Hz; allow for a loaded 2-core CI box.
	assert_true(rate >= 30);
}

/* Station a signs its user in at start-up. The session leaves a
 * double-forked daemon that ignores SIGTERM (its pid in daemon.pid), and
 * its window (mp-client logging to session.log) does not close when
 * asked: log off must still end it all. PAM logs the session's open and
 * close to pam.log. */
struct logoff_info {
	long pid;     // the session command
	pid_t daemon;
	char *socket; // the session's Wayland socket
};

static struct mp_harness *start_logoff(void **state,
		struct logoff_info *info) {
	char *cmd = harness_format("#!/bin/sh\n"
		"(trap '' TERM; setsid sh -c 'echo $$ > \"$1/daemon.pid\"; "
		"exec sleep 1000' sh \"$1\" &)\n"
		"exec %s --color 00ff00 --log \"$1/session.log\" --ignore-close\n",
		harness_mp_client());
	// Written before mpcomp starts: autologin runs it at once.
	char script_dir[] = "/tmp/mpcomp-script-XXXXXX";
	assert_non_null(mkdtemp(script_dir));
	char *script = harness_format("%s/session.sh", script_dir);
	FILE *f = fopen(script, "w");
	assert_non_null(f);
	fputs(cmd, f);
	fclose(f);
	free(cmd);
	char *config = harness_format("[compositor]\nlogoff-grace = 0.3\n"
		"[station a]\noutputs = HEADLESS-1\ndevices = usb-a\n"
		"autologin = %%USER%%\nsession-command = sh %s %%DIR%%\n", script);
	struct mp_harness *h = harness_start_pam(config, "1:640x480",
		"auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"session required %PAM_MPTEST% log=%DIR%/pam.log\n");
	free(config);
	*state = h;
	bool mapped = h != NULL && harness_wait(h, "views a 1");
	unlink(script); // read by now, or never will be
	rmdir(script_dir);
	free(script);
	assert_non_null(h);
	assert_true(mapped);

	char *pid_path = harness_path(h, "daemon.pid");
	assert_true(harness_wait_file_contains(pid_path, "\n", 5));
	char *text = harness_read_file(pid_path);
	free(pid_path);
	info->daemon = (pid_t)strtol(text, NULL, 10);
	free(text);
	assert_true(info->daemon > 0);
	assert_int_equal(kill(info->daemon, 0), 0);
	info->pid = state_long(h, "sessions/1/pid");
	assert_true(info->pid > 0);
	info->socket = harness_state_str(h, "sessions/1/socket");
	assert_non_null(info->socket);
	assert_true(harness_request_add_keyboard(h, "kb", "usb-a:1", NULL));
	assert_true(log_has(h, "session", "keyboard-enter"));
	return h;
}

/* The user presses the log-off key; returns once the session is gone. */
static void log_off(struct mp_harness *h) {
	assert_true(harness_key(h, "kb", "ctrl+alt+shift+q"));
	assert_true(harness_wait(h, "session a none"));
	assert_true(harness_wait(h, "sessions 0"));
}

static void test_logoff_asks_windows_to_close(void **state) {
	struct logoff_info info;
	struct mp_harness *h = start_logoff(state, &info);
	log_off(h);
	assert_true(log_has(h, "session", "close"));
	free(info.socket);
}

static void test_logoff_key_does_not_reach_the_session(void **state) {
	struct logoff_info info;
	struct mp_harness *h = start_logoff(state, &info);
	log_off(h);
	// The log is complete once its client is gone.
	assert_true(harness_wait_pid_gone((pid_t)info.pid, 10));
	assert_true(log_lacks(h, "session", "key q"));
	assert_true(log_lacks(h, "session", "key Q"));
	free(info.socket);
}

static void test_logoff_ends_the_session(void **state) {
	struct logoff_info info;
	struct mp_harness *h = start_logoff(state, &info);
	log_off(h);
	assert_state_count(h, "sessions", 0);
	assert_state_str(h, "stations/a/state", "login");
	assert_state_null(h, "stations/a/session");
	assert_state_str(h, greeter("a", "type"), "greeter");
	free(info.socket);
}

static void test_logoff_kills_every_session_process(void **state) {
	struct logoff_info info;
	struct mp_harness *h = start_logoff(state, &info);
	log_off(h);
	assert_true(harness_wait_pid_gone((pid_t)info.pid, 10));
	assert_true(harness_wait_pid_gone(info.daemon, 10));
	free(info.socket);
}

static void test_logoff_removes_the_socket(void **state) {
	struct logoff_info info;
	struct mp_harness *h = start_logoff(state, &info);
	log_off(h);
	struct stat st;
	assert_int_equal(stat(info.socket, &st), -1);
	*strrchr(info.socket, '/') = '\0';
	assert_int_equal(stat(info.socket, &st), -1);
	free(info.socket);
}

static void test_logoff_closes_the_pam_session(void **state) {
	struct logoff_info info;
	struct mp_harness *h = start_logoff(state, &info);
	log_off(h);
	char *pam_log = harness_path(h, "pam.log");
	char *expect = harness_format("open %s\nclose %s\n", harness_user(),
		harness_user());
	assert_true(harness_wait_file_contains(pam_log, expect, 10));
	char *pam = harness_read_file(pam_log);
	assert_string_equal(pam, expect);
	free(expect);
	free(pam);
	free(pam_log);
	free(info.socket);
}

/* Station a signs its user in at start-up; the session command writes its
 * environment (with PAM's MPTEST_FROM_PAM=yes) to env.txt. Returns the
 * environment with a newline before every line; caller frees. */
static char *session_environment(void **state) {
	char *cmd = harness_format("env > %%DIR%%/env.txt; exec %s",
		harness_mp_client());
	char *config = harness_format("[station a]\noutputs = HEADLESS-1\n"
		"autologin = %%USER%%\nsession-command = %s\n", cmd);
	struct mp_harness *h = harness_start_pam(config, "1:640x480",
		"auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"session required %PAM_MPTEST% env=MPTEST_FROM_PAM=yes\n");
	free(cmd);
	free(config);
	assert_non_null(h);
	*state = h;
	assert_true(harness_wait(h, "views a 1"));
	char *path = harness_path(h, "env.txt");
	char *env = harness_read_file(path);
	free(path);
	assert_non_null(env);
	char *full = harness_format("\n%s", env);
	free(env);
	return full;
}

static void test_session_gets_its_environment(void **state) {
	char *full = session_environment(state);
	struct passwd *pw = getpwuid(getuid());
	char *expect[] = {
		harness_format("\nUSER=%s\n", pw->pw_name),
		harness_format("\nLOGNAME=%s\n", pw->pw_name),
		harness_format("\nHOME=%s\n", pw->pw_dir),
		strdup("\nXDG_SESSION_TYPE=wayland\n"),
		strdup("\nXDG_SESSION_CLASS=user\n"),
		strdup("\nMPCOMP_STATION=a\n"),
		strdup("\nMPTEST_FROM_PAM=yes\n"),
		strdup("\nSHELL="),
		strdup("\nPATH="),
		strdup("\nXDG_RUNTIME_DIR="),
		strdup("/session-1/wayland-0\n"),
	};
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		if (strstr(full, expect[i]) == NULL) {
			fail_msg("environment lacks '%s':%s", expect[i], full);
		}
		free(expect[i]);
	}
	free(full);
}

static void test_session_environment_has_nothing_of_mpcomp(void **state) {
	char *full = session_environment(state);
	const char *absent[] = { "\nXDG_VTNR=", "\nLD_PRELOAD=", "\nPAM_WRAPPER",
		"\nXDG_SEAT=" };
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		if (strstr(full, absent[i]) != NULL) {
			fail_msg("environment has '%s':%s", absent[i], full);
		}
	}
	free(full);
}

/* A kiosk station k with a red mp-client logging to kiosk.log, and a
 * keyboard kb there. */
static struct mp_harness *start_kiosk(void **state) {
	char *cmd = client_cmd("ff0000", "kiosk", NULL);
	char *config = harness_format("[station k]\noutputs = HEADLESS-1\n"
		"devices = usb-k\nrole = kiosk\nautologin = %%USER%%\n"
		"command = %s\n", cmd);
	struct mp_harness *h = start(state, "1:640x480", config);
	free(cmd);
	free(config);
	assert_true(harness_wait(h, "views k 1"));
	return h;
}

/* Kills the command of session id, whose pid must differ from *last_pid
 * (updated); returns once the kiosk waits to restart it. */
static void kill_kiosk_command(struct mp_harness *h, int id, long *last_pid) {
	char path[64];
	snprintf(path, sizeof(path), "sessions/%d/pid", id);
	long pid = state_long(h, path);
	assert_true(pid > 0 && pid != *last_pid);
	*last_pid = pid;
	assert_int_equal(kill((pid_t)pid, SIGKILL), 0);
	assert_true(harness_wait(h, "greeter k restarting"));
}

static void test_kiosk_shows_restarting_screen(void **state) {
	struct mp_harness *h = start_kiosk(state);
	long pid = 0;
	kill_kiosk_command(h, 1, &pid);
	assert_state_bool(h, "stations/k/kiosk/restarting", true);
	assert_state_str(h, greeter("k", "status"), "Restarting in 1 s");
	assert_state_str(h, "stations/k/state", "login");
}

static void test_kiosk_restarts_its_command(void **state) {
	struct mp_harness *h = start_kiosk(state);
	long pid = 0;
	kill_kiosk_command(h, 1, &pid);
	assert_true(harness_wait(h, "views k 1"));
	long new_pid = state_long(h, "sessions/2/pid");
	assert_true(new_pid > 0 && new_pid != pid);
	assert_state_str(h, "stations/k/state", "active");
	assert_state_bool(h, "stations/k/kiosk/restarting", false);
}

static void test_kiosk_restart_delay_doubles(void **state) {
	struct mp_harness *h = start_kiosk(state);
	const long expected[] = { 1000, 2000, 4000, 8000, 16000 };
	long pid = 0;
	for (int i = 0; i < 5; i++) {
		if (i > 0) {
			assert_true(harness_wait(h, "views k 1"));
		}
		kill_kiosk_command(h, i + 1, &pid);
		assert_state_long(h, "stations/k/kiosk/restart_delay_ms",
			expected[i]);
		char *status = harness_format("Restarting in %ld s",
			expected[i] / 1000);
		assert_state_str(h, greeter("k", "status"), status);
		free(status);
	}
}

static void test_kiosk_user_cannot_log_off(void **state) {
	struct mp_harness *h = start_kiosk(state);
	assert_true(harness_request_add_keyboard(h, "kb", "usb-k:1", NULL));
	assert_true(log_has(h, "kiosk", "keyboard-enter"));
	long pid = state_long(h, "sessions/1/pid");
	// Ctrl+Alt+Shift+Q does nothing at a kiosk.
	assert_true(harness_key(h, "kb", "ctrl+alt+shift+q"));
	assert_true(harness_type(h, "kb", "z"));
	assert_true(log_has(h, "kiosk", "key z z"));
	assert_true(log_lacks(h, "kiosk", "close"));
	assert_state_str(h, "stations/k/state", "active");
	assert_state_long(h, "sessions/1/pid", pid);
}

static void test_throwaway_user(void **state) {
	if (getuid() != 0) {
		skip(); // only root can create users and switch to them
	}
	char name[32];
	snprintf(name, sizeof(name), "mptest%d", (int)getpid() % 100000);
	char *add = harness_format("useradd --no-create-home --home-dir /nonexistent "
		"--shell /bin/sh --groups audio %s", name);
	assert_int_equal(system(add), 0);
	free(add);
	struct passwd *pw = getpwnam(name);
	assert_non_null(pw);
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;

	char out_dir[] = "/tmp/mpcomp-id-XXXXXX";
	assert_non_null(mkdtemp(out_dir));
	chown(out_dir, uid, gid);
	char *id_path = harness_format("%s/id.txt", out_dir);
	char *cmd = harness_format("id > %s; exec %s", id_path,
		harness_mp_client());
	char *config = harness_format("[station a]\noutputs = HEADLESS-1\n"
		"devices = usb-a\nsession-command = %s\n", cmd);
	struct mp_harness *h = harness_start_pam(config, "1:640x480",
		"auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
		"session required pam_permit.so\n");
	free(cmd);
	free(config);
	*state = h;
	bool ok = h != NULL;
	if (ok) {
		// pam_matrix's accounts for this test: the new user's too.
		char *passdb = harness_path(h, "pam/passdb");
		FILE *f = fopen(passdb, "a");
		fprintf(f, "%s:pw:mpcomp\n", name);
		fclose(f);
		free(passdb);
		ok = harness_request_add_keyboard(h, "kb", "usb-a:1", NULL);
	}
	if (ok) {
		sign_in_as(h, "kb", name, "pw");
		ok = harness_wait(h, "views a 1");
	}
	char *id = ok ? harness_read_file(id_path) : NULL;
	unlink(id_path);
	rmdir(out_dir);
	free(id_path);
	char *del = harness_format("userdel %s", name);
	// The user goes when the test is over, also when it failed or
	// mpcomp did not exit cleanly.
	int stopped = 0;
	if (h != NULL) {
		*state = NULL;
		stopped = harness_stop(h);
	}
	int deleted = system(del);
	free(del);
	assert_int_equal(stopped, 0);
	assert_int_equal(deleted, 0);
	assert_true(ok);
	assert_non_null(id);
	char *want = harness_format("uid=%u(%s) gid=%u(", (unsigned)uid, name,
		(unsigned)gid);
	if (strstr(id, want) == NULL || strstr(id, "(audio)") == NULL) {
		fail_msg("id says '%s', want '%s...' and group audio", id, want);
	}
	free(want);
	free(id);
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			test_wrong_password_fails_at_its_station_only, teardown),
		cmocka_unit_test_teardown(
			test_wrong_password_does_not_stop_a_sign_in_elsewhere,
			teardown),
		cmocka_unit_test_teardown(test_right_password_signs_in, teardown),
		cmocka_unit_test_teardown(
			test_signed_in_session_is_shown_at_its_station, teardown),
		cmocka_unit_test_teardown(
			test_signing_in_elsewhere_moves_the_session, teardown),
		cmocka_unit_test_teardown(
			test_station_left_behind_shows_its_greeter, teardown),
		cmocka_unit_test_teardown(test_greeter_typing_uses_station_keymap,
			teardown),
		cmocka_unit_test_teardown(test_each_station_has_its_own_keymap,
			teardown),
		cmocka_unit_test_teardown(test_typing_reaches_only_its_greeter,
			teardown),
		cmocka_unit_test_teardown(test_tab_and_shift_tab_move_the_focus,
			teardown),
		cmocka_unit_test_teardown(test_escape_clears_the_greeter, teardown),
		cmocka_unit_test_teardown(test_return_without_user_name_says_so,
			teardown),
		cmocka_unit_test_teardown(test_pam_questions_are_asked_in_turn,
			teardown),
		cmocka_unit_test_teardown(test_wrong_answer_fails_the_sign_in,
			teardown),
		cmocka_unit_test_teardown(test_killed_helper_fails_the_sign_in,
			teardown),
		cmocka_unit_test_teardown(
			test_station_signs_in_after_its_helper_died, teardown),
		cmocka_unit_test_teardown(test_hanging_helper_times_out, teardown),
		cmocka_unit_test_teardown(test_click_on_password_field_focuses_it,
			teardown),
		cmocka_unit_test_teardown(test_click_on_user_field_focuses_it,
			teardown),
		cmocka_unit_test_teardown(test_slow_pam_does_not_stall_others,
			teardown),
		cmocka_unit_test_teardown(test_logoff_asks_windows_to_close,
			teardown),
		cmocka_unit_test_teardown(
			test_logoff_key_does_not_reach_the_session, teardown),
		cmocka_unit_test_teardown(test_logoff_ends_the_session, teardown),
		cmocka_unit_test_teardown(test_logoff_kills_every_session_process,
			teardown),
		cmocka_unit_test_teardown(test_logoff_removes_the_socket, teardown),
		cmocka_unit_test_teardown(test_logoff_closes_the_pam_session,
			teardown),
		cmocka_unit_test_teardown(test_session_gets_its_environment,
			teardown),
		cmocka_unit_test_teardown(
			test_session_environment_has_nothing_of_mpcomp, teardown),
		cmocka_unit_test_teardown(test_kiosk_shows_restarting_screen,
			teardown),
		cmocka_unit_test_teardown(test_kiosk_restarts_its_command, teardown),
		cmocka_unit_test_teardown(test_kiosk_restart_delay_doubles,
			teardown),
		cmocka_unit_test_teardown(test_kiosk_user_cannot_log_off, teardown),
		cmocka_unit_test_teardown(test_throwaway_user, teardown),
	};
	return RUN_TESTS(tests);
}
