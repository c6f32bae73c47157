#ifndef MP_HARNESS_H
#define MP_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A real mpcomp on the headless backend with the pixman renderer, driven
 * through mp_test_v1. Everything it starts is killed and reaped by
 * harness_stop, also when a test fails half-way (cmocka teardown). */
struct mp_harness {
	pid_t pid;
	char *dir;         // temporary directory: config, runtime dir, logs
	char *runtime_dir;
	char *socket;
	struct wl_display *display;
	struct mp_test_v1 *test;
	int stdout_fd;
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
/* The user running the tests (the one sessions are for). */
const char *harness_user(void);
/* Stops mpcomp, kills what is left of its sessions, removes the directory.
 * Returns mpcomp's exit status (0 when clean and leak-free). NULL: 0. */
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
bool harness_remove_device(struct mp_harness *h, const char *name);
bool harness_key(struct mp_harness *h, const char *device, const char *spec);
bool harness_type(struct mp_harness *h, const char *device, const char *text);
bool harness_move(struct mp_harness *h, const char *device, int dx, int dy);
bool harness_click(struct mp_harness *h, const char *device, uint32_t button);
bool harness_wait(struct mp_harness *h, const char *condition);
/* name: the output's name, or NULL for the next HEADLESS-N. */
char *harness_add_output(struct mp_harness *h, int width, int height,
	const char *name);
bool harness_remove_output(struct mp_harness *h, const char *name);
/* Pixels as XRGB8888; caller frees. kind is "station" or "output". */
uint32_t *harness_screenshot(struct mp_harness *h, const char *kind,
	const char *target, int *width, int *height);
/* The state as JSON text; caller frees. */
char *harness_state(struct mp_harness *h);
/* Integer field of the object that holds "name":"NAME" inside the given
 * JSON array ("stations", "sessions", ...); -1 if absent. A nested object
 * field is given as "cursor.x". */
long harness_state_int(const char *json, const char *array, const char *name,
	const char *field);

/* Waits (inotify, no sleeps) until the file contains text, up to timeout
 * seconds. */
bool harness_wait_file_contains(const char *path, const char *text,
	int timeout_s);
char *harness_read_file(const char *path);

/* Counts pixels equal to rgb (0xRRGGBB) in a region. */
size_t harness_count_color(const uint32_t *pixels, int width, int x, int y,
	int w, int h, uint32_t rgb);

#endif

#ifndef MP_HARNESS_EXTRA
#define MP_HARNESS_EXTRA
/* Waits (pidfd, no sleeps) until process pid is gone. */
bool harness_wait_pid_gone(pid_t pid, int timeout_s);
/* snprintf into a new string; caller frees. */
char *harness_format(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
#endif
