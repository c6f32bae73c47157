#ifndef MP_HARNESS_H
#define MP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct mp_test_result_v1;

/* A real mpcomp on the headless backend with the pixman renderer, driven
 * through mp_test_v1. Everything it starts is killed and reaped by
 * harness_stop, also when a test fails half-way (cmocka teardown). */
struct mp_harness {
	pid_t pid;         // -1 once it has exited (harness_signal)
	char *dir;         // temporary directory: config, runtime dir, logs
	char *runtime_dir;
	char *socket;
	struct wl_display *display;
	struct mp_test_v1 *test;
	int stdout_fd;
	int stdin_fd; // write end of mpcomp's stdin
};

/* Paths of built programs, for station commands. */
const char *harness_mp_client(void);
const char *harness_mpcomp(void);

/* Starts mpcomp with this config text (NULL: none) and --headless spec.
 * Config text may use %DIR% for the harness directory and %USER% for
 * harness_user(). */
struct mp_harness *harness_start(const char *config, const char *headless);
/* Same with a PAM service file of its own (for service "mpcomp"); it may
 * use %DIR%, %USER%, %PAM_MATRIX% (pam_matrix.so) and %PAM_MPTEST%. The
 * default one checks passwords with pam_matrix: every test user's password
 * is "secret". */
struct mp_harness *harness_start_pam(const char *config, const char *headless,
	const char *pam_service);
extern const char *harness_default_pam;

struct mp_harness_options {
	const char *config;     // may be NULL
	const char *headless;   // --headless spec
	const char *pam;        // NULL: harness_default_pam
	// NULL: a runtime directory of its own; else this one (a second
	// mpcomp where the first one ran).
	const char *runtime_dir;
	// The machine's own PAM (/etc/pam.d), not pam_wrapper's.
	bool system_pam;
	// A library mpcomp loads first (LD_PRELOAD), may be NULL.
	const char *preload;
	// "KEY=VALUE" items of mpcomp's environment (%DIR% expanded),
	// NULL-terminated; may be NULL.
	const char *const *env;
	// Where stations.ini is kept (--state-dir); NULL: DIR/state, a
	// directory of this harness's own.
	const char *state_dir;
};
/* tests/preload/fork_child.so: forks a child at load, its pid written to
 * $MP_FORK_CHILD_PID. */
const char *harness_fork_child_library(void);
/* tests/preload/slow_lock.so: mpcomp takes its runtime directory's lock
 * $MP_SLOW_LOCK_MS late, having created $MP_SLOW_LOCK_SIGNAL. */
const char *harness_slow_lock_library(void);
/* The directory of mpcomp's runtime files (mpcomp-PID: the test socket,
 * the sessions' directories); caller frees. */
char *harness_runtime_dir(struct mp_harness *h);
struct mp_harness *harness_start_with(const struct mp_harness_options *o);
/* Sends sig to mpcomp and waits until it exits; returns its status as
 * harness_stop does. harness_stop then only cleans up. */
int harness_signal(struct mp_harness *h, int sig);
/* The same for mpcomp's whole process group (as a supervisor or a
 * terminal may signal it). */
int harness_signal_group(struct mp_harness *h, int sig);
/* The user running the tests (the one sessions are for). */
const char *harness_user(void);
/* Stops mpcomp, kills what is left of its sessions, removes the directory.
 * Returns mpcomp's exit status (0 when clean and leak-free). NULL: 0.
 * With MP_VALGRIND set, mpcomp runs under valgrind memcheck, and any
 * error it finds makes the status 97. */
int harness_stop(struct mp_harness *h);
/* Path of a file in the harness directory (static buffer per call site
 * must be freed by the caller). */
char *harness_path(struct mp_harness *h, const char *name);

/* mp_test_v1 requests; each returns false (and prints why) on failure.
 * info, when given, receives the answer (caller frees). */
bool harness_request_add_keyboard(struct mp_harness *h, const char *name,
	const char *id_path, char **station);
bool harness_request_add_pointer(struct mp_harness *h, const char *name,
	const char *id_path, char **station);
/* A device owned by the headless backend (as real ones are by theirs);
 * its name in *name (caller frees). type: "keyboard" or "pointer". */
bool harness_add_backend_device(struct mp_harness *h, const char *type,
	char **name);
bool harness_remove_device(struct mp_harness *h, const char *name);
bool harness_key(struct mp_harness *h, const char *device, const char *spec);
bool harness_type(struct mp_harness *h, const char *device, const char *text);
bool harness_move(struct mp_harness *h, const char *device, int dx, int dy);
bool harness_click(struct mp_harness *h, const char *device, uint32_t button);
bool harness_wait(struct mp_harness *h, const char *condition);
/* A wait that starts now and is awaited later, after other requests: a
 * change that comes meanwhile must answer it. */
struct mp_test_result_v1 *harness_wait_begin(struct mp_harness *h,
	const char *condition);
bool harness_wait_end(struct mp_harness *h,
	struct mp_test_result_v1 *pending, const char *condition);
/* A wait the compositor refuses (a condition it cannot parse): its reason
 * (caller frees), or NULL when it held, did not answer in time or the
 * connection was lost. */
char *harness_wait_refused(struct mp_harness *h, const char *condition);
/* name: the output's name, or NULL for the next HEADLESS-N. */
/* An action of the compositor (mp_test_v1.action): lock STATION, unlock
 * STATION, menu STATION, disconnect|suspend|logoff|end SESSION, end-all.
 * The refused form returns the reason (NULL when it was done). */
bool harness_action(struct mp_harness *h, const char *verb,
	const char *target);
char *harness_action_refused(struct mp_harness *h, const char *verb,
	const char *target);
char *harness_add_output(struct mp_harness *h, int width, int height,
	const char *name);
/* An output reporting make, model and serial as if from its EDID. */
char *harness_add_output_edid(struct mp_harness *h, int width, int height,
	const char *name, const char *make, const char *model,
	const char *serial);
bool harness_remove_output(struct mp_harness *h, const char *name);
/* A virtual device of type "keyboard" or "pointer" with the udev
 * properties of tests/data/udev/FIXTURE (or of the text given); *station
 * (may be NULL) gets the station it went to, "" for none. */
bool harness_add_device(struct mp_harness *h, const char *type,
	const char *name, const char *fixture, char **station);
bool harness_add_device_text(struct mp_harness *h, const char *type,
	const char *name, const char *properties, char **station);
/* Pixels as XRGB8888; caller frees. kind is "station" or "output". */
uint32_t *harness_screenshot(struct mp_harness *h, const char *kind,
	const char *target, int *width, int *height);
/* The state as JSON text; caller frees. */
char *harness_state(struct mp_harness *h);

/* ---- the state, read by path ----
 * A path is components joined by '/'. In an object a component is a
 * member's key; in an array it is the element whose "name", "id" (a
 * number, as text) or "type" is that text, or a string element equal to
 * it: "stations/a/overlays/greeter/user", "sessions/1/pid",
 * "devices/kb-a/station", "stations/a/devices/kb-a". New fields never
 * break a path. */
struct json_object;
/* The state parsed; caller puts (json_object_put). NULL on failure. */
struct json_object *harness_state_json(struct mp_harness *h);
/* Whether path is there; *value is NULL where it is JSON null. */
bool harness_json_lookup(struct json_object *root, const char *path,
	struct json_object **value);
/* What path names, or NULL when it is absent or null. */
/* The lines of text parsed as JSON objects, one a line (mpmgr --json):
 * an array; a line that is not JSON fails the test. */
struct json_object *harness_json_lines(const char *text);
/* The first object of list whose member key is the string value. */
struct json_object *harness_json_find(struct json_object *list,
	const char *key, const char *value);
struct json_object *harness_json_at(struct json_object *root,
	const char *path);

/* Each of these reads a fresh state. Where the path is absent or of
 * another type they print why and the whole state on stderr, so that a
 * failing test says what it saw. */
/* A string field, copied (caller frees); NULL otherwise. */
char *harness_state_str(struct mp_harness *h, const char *path);
/* Whether an integer field is there (then in *value). */
bool harness_state_long(struct mp_harness *h, const char *path, long *value);
bool harness_state_bool(struct mp_harness *h, const char *path, bool *value);
/* The length of an array; -1 otherwise. */
long harness_state_count(struct mp_harness *h, const char *path);
/* Whether the field is there and null. */
bool harness_state_null(struct mp_harness *h, const char *path);
/* Whether the field equals want; on a difference both values and the
 * state are printed. */
bool harness_state_str_is(struct mp_harness *h, const char *path,
	const char *want);
bool harness_state_long_is(struct mp_harness *h, const char *path, long want);
bool harness_state_bool_is(struct mp_harness *h, const char *path, bool want);
bool harness_state_count_is(struct mp_harness *h, const char *path,
	long want);
/* Whether path is there (null counts), printing nothing: for checks that
 * something is absent. */
bool harness_state_has(struct mp_harness *h, const char *path);

/* Waits (inotify, no sleeps) until the file contains text, up to timeout
 * seconds. */
bool harness_wait_file_contains(const char *path, const char *text,
	int timeout_s);
char *harness_read_file(const char *path);

/* Counts pixels equal to rgb (0xRRGGBB) in a region. */
size_t harness_count_color(const uint32_t *pixels, int width, int x, int y,
	int w, int h, uint32_t rgb);

/* ---- checked pixels ---- */
/* A screenshot with what it shows, for checks that explain themselves. */
struct mp_shot {
	char *kind, *target; // "station" or "output", and its name
	char *dir;           // the harness directory (PNG fallback)
	int width, height;
	uint32_t *pixels;    // XRGB8888
};
/* Takes a screenshot; NULL (and a message) on failure. */
struct mp_shot *harness_shoot(struct mp_harness *h, const char *kind,
	const char *target);
void harness_shot_free(struct mp_shot *shot);
/* Whether the pixels equal to rgb in the region x, y, w, h (w or h of 0:
 * to the right or bottom edge) number between min and max. If not, the
 * screenshot is written as $MP_TEST_LOG_DIR/EXE-LABEL.png (else in the
 * harness directory), and the counts and the path are printed. */
bool harness_expect_color_range(const struct mp_shot *shot, int x, int y,
	int w, int h, uint32_t rgb, size_t min, size_t max, const char *label);
/* Exactly count such pixels. */
bool harness_expect_color(const struct mp_shot *shot, int x, int y, int w,
	int h, uint32_t rgb, size_t count, const char *label);
/* ---- mpmgr ---- */
const char *harness_mpmgr_path(void);
/* mpcomp's admin socket (in the harness directory); caller frees. */
char *harness_admin_socket(struct mp_harness *h);
/* How mpmgr runs: as another user (uid -1: as the test), and through
 * which socket (NULL: mpcomp's admin socket), given with --socket or,
 * with no_socket_option, as MPCOMP_ADMIN_SOCKET. */
struct mp_mpmgr_run {
	int uid, gid;
	const gid_t *groups;
	size_t n_groups;
	const char *socket;
	bool no_socket_option;
};
/* Runs mpmgr with args (NULL-terminated) and waits for it; its stdout
 * and stderr in *out and *err (may be NULL; caller frees). Returns its
 * exit status, -1 when it did not exit. */
int harness_mpmgr_as(struct mp_harness *h, const struct mp_mpmgr_run *run,
	char **out, char **err, const char *const *args);
/* As the test, with the arguments given up to a NULL. */
int harness_mpmgr(struct mp_harness *h, char **out, char **err, ...);

/* Writes the screenshot as PNG; false (and a message) on failure. */
bool harness_write_png(const struct mp_shot *shot, const char *path);

#endif

#ifndef MP_HARNESS_EXTRA
#define MP_HARNESS_EXTRA
/* Waits (pidfd, no sleeps) until process pid is gone. */
bool harness_wait_pid_gone(pid_t pid, int timeout_s);
/* snprintf into a new string; caller frees. */
char *harness_format(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
#endif
