#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include <png.h>
#include <wayland-client.h>
#include "harness.h"
#include "test-client.h"

#define START_TIMEOUT_MS 30000
#define STOP_TIMEOUT_MS 15000

const char *harness_mp_client(void) {
	return MP_CLIENT_PATH;
}

const char *harness_fork_child_library(void) {
	return FORK_CHILD_PATH;
}

const char *harness_slow_lock_library(void) {
	return SLOW_LOCK_PATH;
}

const char *harness_mpcomp(void) {
	return MPCOMP_PATH;
}

char *harness_path(struct mp_harness *h, const char *name) {
	char *path = NULL;
	if (asprintf(&path, "%s/%s", h->dir, name) < 0) {
		abort();
	}
	return path;
}

const char *harness_user(void) {
	static char name[256];
	if (name[0] == '\0') {
		struct passwd *pw = getpwuid(getuid());
		snprintf(name, sizeof(name), "%s", pw ? pw->pw_name : "root");
	}
	return name;
}

/* Replaces %DIR%, %USER%, %PAM_MATRIX% and %PAM_MPTEST% in text. */
static char *expand(const char *text, const char *dir) {
	const struct {
		const char *key, *value;
	} vars[] = {
		{ "%DIR%", dir },
		{ "%USER%", harness_user() },
		{ "%PAM_MATRIX%", PAM_WRAPPER_MODULES "/pam_matrix.so" },
		{ "%PAM_MPTEST%", PAM_MPTEST_PATH },
	};
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	for (const char *p = text; *p;) {
		bool replaced = false;
		for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
			size_t len = strlen(vars[i].key);
			if (strncmp(p, vars[i].key, len) == 0) {
				fputs(vars[i].value, f);
				p += len;
				replaced = true;
				break;
			}
		}
		if (!replaced) {
			fputc(*p++, f);
		}
	}
	fclose(f);
	return out;
}

static void write_file(const char *path, const char *text) {
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		abort();
	}
	fputs(text, f);
	fclose(f);
}

const char *harness_default_pam =
	"auth required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
	"account required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
	"password required %PAM_MATRIX% passdb=%DIR%/pam/passdb\n"
	"session required pam_permit.so\n";

static void handle_global(void *data, struct wl_registry *registry,
		uint32_t name, const char *interface, uint32_t version) {
	struct mp_harness *h = data;
	if (strcmp(interface, mp_test_v1_interface.name) == 0) {
		h->test = wl_registry_bind(registry, name, &mp_test_v1_interface, 1);
	}
}

static void handle_global_remove(void *data, struct wl_registry *registry,
		uint32_t name) {
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

/* Reads mpcomp's stdout until the socket line comes, or it dies. */
static bool read_socket_line(struct mp_harness *h) {
	char buf[PATH_MAX + 64];
	size_t len = 0;
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (len < sizeof(buf) - 1) {
		struct pollfd pfd = { .fd = h->stdout_fd, .events = POLLIN };
		int ret = poll(&pfd, 1, START_TIMEOUT_MS);
		if (ret <= 0) {
			fprintf(stderr, "harness: mpcomp did not get ready\n");
			return false;
		}
		ssize_t n = read(h->stdout_fd, buf + len, 1);
		if (n <= 0) {
			fprintf(stderr, "harness: mpcomp exited before ready\n");
			return false;
		}
		if (buf[len] == '\n') {
			buf[len] = '\0';
			const char *prefix = "MPCOMP_TEST_SOCKET=";
			if (strncmp(buf, prefix, strlen(prefix)) == 0) {
				h->socket = strdup(buf + strlen(prefix));
				return true;
			}
			len = 0;
			continue;
		}
		len++;
	}
	return false;
}

struct mp_harness *harness_start(const char *config, const char *headless) {
	return harness_start_pam(config, headless, harness_default_pam);
}

struct mp_harness *harness_start_pam(const char *config, const char *headless,
		const char *pam_service) {
	struct mp_harness_options options = {
		.config = config,
		.headless = headless,
		.pam = pam_service,
	};
	return harness_start_with(&options);
}

/* Execs mpcomp (under valgrind memcheck when MP_VALGRIND is set). */
static void exec_mpcomp(const char *headless, const char *config_path,
		const char *admin_socket, const char *state_dir) {
	const char *argv[20];
	int n = 0;
	if (getenv("MP_VALGRIND") != NULL) {
		argv[n++] = "valgrind";
		argv[n++] = "--quiet";
		argv[n++] = "--error-exitcode=97";
		// Use after free and invalid accesses are what this lane is
		// for; leaks are the sanitizer lane's.
		argv[n++] = "--leak-check=no";
		argv[n++] = "--suppressions=" VALGRIND_SUPPRESSIONS;
	}
	argv[n++] = MPCOMP_PATH;
	argv[n++] = "--headless";
	argv[n++] = headless;
	argv[n++] = "--test-protocol";
	argv[n++] = "--admin-socket";
	argv[n++] = admin_socket;
	argv[n++] = "--state-dir";
	argv[n++] = state_dir;
	if (config_path != NULL) {
		argv[n++] = "-c";
		argv[n++] = config_path;
	}
	argv[n] = NULL;
	execvp(argv[0], (char *const *)argv);
}

struct mp_harness *harness_start_with(const struct mp_harness_options *o) {
	const char *config = o->config, *headless = o->headless;
	const char *pam_service = o->pam ? o->pam : harness_default_pam;
	struct mp_harness *h = calloc(1, sizeof(*h));
	char template[] = "/tmp/mpcomp-test-XXXXXX";
	if (mkdtemp(template) == NULL) {
		perror("harness: mkdtemp");
		free(h);
		return NULL;
	}
	h->dir = strdup(template);
	if (o->runtime_dir != NULL) {
		h->runtime_dir = strdup(o->runtime_dir);
	} else {
		h->runtime_dir = harness_path(h, "run");
		mkdir(h->runtime_dir, 0700);
	}
	h->pid = -1;
	h->stdout_fd = -1;
	h->stdin_fd = -1;

	char *config_path = NULL;
	if (config != NULL) {
		config_path = harness_path(h, "mpcomp.ini");
		char *text = expand(config, h->dir);
		write_file(config_path, text);
		free(text);
	}
	// PAM through pam_wrapper: our own service file and pam_matrix
	// accounts, no real passwords. The user's password is "secret".
	char *pam_dir = harness_path(h, "pam");
	mkdir(pam_dir, 0700);
	char *service_path = harness_format("%s/mpcomp", pam_dir);
	char *text = expand(pam_service, h->dir);
	write_file(service_path, text);
	free(text);
	free(service_path);
	char *passdb_path = harness_format("%s/passdb", pam_dir);
	// nobody too: the other user of tests that run as root.
	text = harness_format("%s:secret:mpcomp\nnobody:secret:mpcomp\n",
		harness_user());
	write_file(passdb_path, text);
	free(text);
	free(passdb_path);
	char *log_path = harness_path(h, "mpcomp.log");
	char *admin_socket = harness_path(h, "admin");
	char *state_dir = o->state_dir ? strdup(o->state_dir) :
		harness_path(h, "state");

	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		abort();
	}
	// mpcomp's stdin: a pipe nobody writes to (not /dev/null, so that a
	// session that reads /dev/null shows it was given it).
	int stdin_pipe[2];
	if (pipe2(stdin_pipe, O_CLOEXEC) < 0) {
		abort();
	}
	h->stdin_fd = stdin_pipe[1];
	h->pid = fork();
	if (h->pid == 0) {
		dup2(stdin_pipe[0], STDIN_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		int log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (log >= 0) {
			dup2(log, STDERR_FILENO);
		}
		setenv("XDG_RUNTIME_DIR", h->runtime_dir, 1);
		setenv("WLR_RENDERER", "pixman", 1);
		setenv("WLR_BACKENDS", "headless", 1);
		char *preload = harness_format("%s%s%s",
			o->system_pam ? "" : "libpam_wrapper.so",
			o->preload && !o->system_pam ? ":" : "",
			o->preload ? o->preload : "");
		if (preload[0] != '\0') {
			setenv("LD_PRELOAD", preload, 1);
		}
		free(preload);
		if (!o->system_pam) {
			setenv("PAM_WRAPPER", "1", 1);
			setenv("PAM_WRAPPER_SERVICE_DIR", pam_dir, 1);
		}
		for (const char *const *e = o->env; e != NULL && *e != NULL; e++) {
			char *item = expand(*e, h->dir);
			putenv(item); // the environment keeps it until exec
		}
		// pam_wrapper comes before the sanitizer runtime: allowed here.
		const char *asan = getenv("ASAN_OPTIONS");
		char *opts = harness_format("%s%sverify_asan_link_order=0",
			asan ? asan : "", asan && asan[0] ? ":" : "");
		setenv("ASAN_OPTIONS", opts, 1);
		unsetenv("WAYLAND_DISPLAY");
		unsetenv("DISPLAY");
		// Each test's mpcomp is the leader of a group of its own, so
		// that harness_stop can kill everything it left behind; and it
		// goes with the test even when the test is killed (a timeout).
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1) {
			_exit(127); // the test is already gone
		}
		exec_mpcomp(headless, config_path, admin_socket, state_dir);
		_exit(127);
	}
	close(pipefd[1]);
	close(stdin_pipe[0]);
	h->stdout_fd = pipefd[0];
	free(pam_dir);
	free(config_path);
	free(log_path);
	free(admin_socket);
	free(state_dir);

	if (!read_socket_line(h)) {
		harness_stop(h);
		return NULL;
	}
	h->display = wl_display_connect(h->socket);
	if (h->display == NULL) {
		fprintf(stderr, "harness: cannot connect to %s\n", h->socket);
		harness_stop(h);
		return NULL;
	}
	struct wl_registry *registry = wl_display_get_registry(h->display);
	wl_registry_add_listener(registry, &registry_listener, h);
	wl_display_roundtrip(h->display);
	wl_registry_destroy(registry);
	if (h->test == NULL) {
		fprintf(stderr, "harness: no mp_test_v1 on %s\n", h->socket);
		harness_stop(h);
		return NULL;
	}
	return h;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
		struct FTW *ftw) {
	return remove(path);
}

/* Waits up to ms for process pid to exit (a child of ours then waits to
 * be reaped). 1: it exited; 0: not in time; -1: no pidfd for it (errno:
 * ESRCH when there is no such process). */
static int poll_exit(pid_t pid, int ms) {
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0) {
		return -1;
	}
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret = poll(&pfd, 1, ms);
	close(fd);
	return ret > 0;
}

/* Waits for our child pid up to ms; returns its status or -1. */
static int wait_pid(pid_t pid, int ms) {
	int status;
	int exited = poll_exit(pid, ms);
	if (exited == 0) {
		return -1;
	}
	if (exited > 0) {
		return waitpid(pid, &status, 0) == pid ? status : -1;
	}
	// No pidfd on this kernel: poll the exit of the process we
	// signalled, there is no other event to wait on.
	for (int waited = 0; waited <= ms; waited += 5) {
		pid_t ret = waitpid(pid, &status, WNOHANG);
		if (ret == pid) {
			return status;
		}
		if (ret < 0) {
			return -1;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
	}
	return -1;
}

/* Makes a wait status a number: the exit code, or 128 + the signal. */
static int exit_code(int status) {
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void disconnect(struct mp_harness *h) {
	if (h->test != NULL) {
		mp_test_v1_destroy(h->test);
		h->test = NULL;
	}
	if (h->display != NULL) {
		wl_display_flush(h->display);
		wl_display_disconnect(h->display);
		h->display = NULL;
	}
}

char *harness_runtime_dir(struct mp_harness *h) {
	// The test socket is in it.
	return strndup(h->socket, strrchr(h->socket, '/') - h->socket);
}

/* Sends sig to target (mpcomp, or its process group) and waits for
 * mpcomp to exit. */
static int signal_and_wait(struct mp_harness *h, pid_t target, int sig) {
	disconnect(h);
	if (h->pid <= 0) {
		return -1;
	}
	kill(target, sig);
	int status = wait_pid(h->pid, STOP_TIMEOUT_MS);
	if (status < 0) {
		fprintf(stderr, "harness: mpcomp did not exit on signal %d\n", sig);
		return -1;
	}
	h->pid = -1;
	return exit_code(status);
}

int harness_signal(struct mp_harness *h, int sig) {
	return signal_and_wait(h, h->pid, sig);
}

int harness_signal_group(struct mp_harness *h, int sig) {
	// mpcomp leads a process group of its own (see harness_start_with).
	return signal_and_wait(h, -h->pid, sig);
}

int harness_stop(struct mp_harness *h) {
	if (h == NULL) {
		return 0;
	}
	int result = 0;
	disconnect(h);
	if (h->pid > 0) {
		kill(h->pid, SIGTERM);
		int status = wait_pid(h->pid, STOP_TIMEOUT_MS);
		if (status < 0) {
			fprintf(stderr, "harness: mpcomp did not exit, SIGKILL\n");
			kill(h->pid, SIGKILL);
			waitpid(h->pid, &status, 0);
			result = -1;
		} else {
			result = exit_code(status);
		}
		// Whatever is left in its group (it should be nothing).
		kill(-h->pid, SIGKILL);
	}
	if (result != 0) {
		char *log = harness_path(h, "mpcomp.log");
		char *text = harness_read_file(log);
		fprintf(stderr, "harness: mpcomp exit status %d; its log:\n%s\n",
			result, text ? text : "(none)");
		free(text);
		free(log);
	}
	if (h->stdout_fd >= 0) {
		close(h->stdout_fd);
	}
	if (h->stdin_fd >= 0) {
		close(h->stdin_fd);
	}
	if (getenv("MP_KEEP_TEST_DIR") == NULL) {
		nftw(h->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	free(h->socket);
	free(h->runtime_dir);
	free(h->dir);
	free(h);
	return result;
}

/* ---- requests ---- */

/* Every answer comes within this, or the test fails (never hangs). */
#define ANSWER_TIMEOUT_MS 30000

static bool await(struct mp_harness *h, struct mp_test_result_v1 *result,
		const char *what, char **info) {
	char *text;
	enum mp_answer_status status = mp_test_await(h->display, result,
		ANSWER_TIMEOUT_MS, &text);
	if (status == MP_ANSWER_TIMEOUT) {
		fprintf(stderr, "harness: %s: no answer in %d s\n", what,
			ANSWER_TIMEOUT_MS / 1000);
		return false;
	} else if (status == MP_ANSWER_LOST) {
		fprintf(stderr, "harness: %s: connection lost\n", what);
		return false;
	} else if (status == MP_ANSWER_FAILED) {
		fprintf(stderr, "harness: %s: %s\n", what, text);
		free(text);
		return false;
	}
	if (info != NULL) {
		*info = text;
	} else {
		free(text);
	}
	return true;
}

bool harness_request_add_keyboard(struct mp_harness *h, const char *name,
		const char *id_path, char **station) {
	return await(h, mp_test_v1_add_keyboard(h->test, name, id_path),
		"add_keyboard", station);
}

bool harness_request_add_pointer(struct mp_harness *h, const char *name,
		const char *id_path, char **station) {
	return await(h, mp_test_v1_add_pointer(h->test, name, id_path),
		"add_pointer", station);
}

bool harness_add_backend_device(struct mp_harness *h, const char *type,
		char **name) {
	return await(h, mp_test_v1_add_backend_device(h->test, type),
		"add_backend_device", name);
}

bool harness_remove_device(struct mp_harness *h, const char *name) {
	return await(h, mp_test_v1_remove_device(h->test, name), "remove_device",
		NULL);
}

bool harness_key(struct mp_harness *h, const char *device, const char *spec) {
	return await(h, mp_test_v1_key(h->test, device, spec), "key", NULL);
}

bool harness_type(struct mp_harness *h, const char *device, const char *text) {
	return await(h, mp_test_v1_type(h->test, device, text), "type", NULL);
}

bool harness_move(struct mp_harness *h, const char *device, int dx, int dy) {
	return await(h, mp_test_v1_pointer_move(h->test, device, dx, dy), "move",
		NULL);
}

bool harness_click(struct mp_harness *h, const char *device,
		uint32_t button) {
	return await(h, mp_test_v1_pointer_button(h->test, device, button),
		"click", NULL);
}

bool harness_wait(struct mp_harness *h, const char *condition) {
	return await(h, mp_test_v1_wait(h->test, condition), condition, NULL);
}

struct mp_test_result_v1 *harness_wait_begin(struct mp_harness *h,
		const char *condition) {
	struct mp_test_result_v1 *result = mp_test_v1_wait(h->test, condition);
	mp_test_listen(result);
	wl_display_flush(h->display);
	return result;
}

bool harness_wait_end(struct mp_harness *h,
		struct mp_test_result_v1 *pending, const char *condition) {
	return await(h, pending, condition, NULL);
}

/* The reason a request was refused (caller frees), or NULL (said on
 * stderr, as what) when it was done, got no answer, or the connection
 * was lost. */
static char *refused(struct mp_harness *h, struct mp_test_result_v1 *result,
		const char *what) {
	char *text = NULL;
	enum mp_answer_status status = mp_test_await(h->display, result,
		ANSWER_TIMEOUT_MS, &text);
	if (status == MP_ANSWER_FAILED) {
		return text;
	}
	fprintf(stderr, "harness: %s was not refused: %s\n", what,
		status == MP_ANSWER_DONE ? "it was done" :
		status == MP_ANSWER_TIMEOUT ? "no answer" : "connection lost");
	free(text);
	return NULL;
}

char *harness_wait_refused(struct mp_harness *h, const char *condition) {
	char *what = harness_format("wait '%s'", condition);
	char *text = refused(h, mp_test_v1_wait(h->test, condition), what);
	free(what);
	return text;
}

bool harness_action(struct mp_harness *h, const char *verb,
		const char *target) {
	return await(h, mp_test_v1_action(h->test, verb, target ? target : ""),
		"action", NULL);
}

char *harness_action_refused(struct mp_harness *h, const char *verb,
		const char *target) {
	char *what = harness_format("action %s %s", verb, target ? target : "");
	char *text = refused(h,
		mp_test_v1_action(h->test, verb, target ? target : ""), what);
	free(what);
	return text;
}

char *harness_add_output(struct mp_harness *h, int width, int height,
		const char *name_wanted) {
	char *name = NULL;
	await(h, mp_test_v1_add_output(h->test, width, height,
		name_wanted ? name_wanted : ""), "add_output", &name);
	return name;
}

char *harness_add_output_edid(struct mp_harness *h, int width, int height,
		const char *name_wanted, const char *make, const char *model,
		const char *serial) {
	char *name = NULL;
	await(h, mp_test_v1_add_output_edid(h->test, width, height,
		name_wanted ? name_wanted : "", make, model, serial),
		"add_output_edid", &name);
	return name;
}

bool harness_add_device(struct mp_harness *h, const char *type,
		const char *name, const char *fixture, char **station) {
	char *path = harness_format("%s/tests/data/udev/%s",
		getenv("MP_SOURCE_ROOT") ? getenv("MP_SOURCE_ROOT") : ".", fixture);
	char *text = harness_read_file(path);
	free(path);
	if (text == NULL) {
		return false;
	}
	bool ok = harness_add_device_text(h, type, name, text, station);
	free(text);
	return ok;
}

bool harness_add_device_text(struct mp_harness *h, const char *type,
		const char *name, const char *properties, char **station) {
	return await(h, mp_test_v1_add_device(h->test, type, name, properties),
		"add_device", station);
}

bool harness_remove_output(struct mp_harness *h, const char *name) {
	return await(h, mp_test_v1_remove_output(h->test, name), "remove_output",
		NULL);
}

uint32_t *harness_screenshot(struct mp_harness *h, const char *kind,
		const char *target, int *width, int *height) {
	int fd = memfd_create("harness-screenshot", MFD_CLOEXEC);
	char *info = NULL;
	if (!await(h, mp_test_v1_screenshot(h->test, kind, target, fd),
			"screenshot", &info)) {
		close(fd);
		return NULL;
	}
	*width = *height = 0;
	sscanf(info, "%d %d", width, height);
	free(info);
	size_t size = (size_t)*width * *height * 4;
	uint32_t *pixels = malloc(size);
	if (pixels == NULL || pread(fd, pixels, size, 0) != (ssize_t)size) {
		free(pixels);
		pixels = NULL;
	}
	close(fd);
	return pixels;
}

char *harness_state(struct mp_harness *h) {
	int fd = memfd_create("harness-state", MFD_CLOEXEC);
	if (!await(h, mp_test_v1_state(h->test, fd), "state", NULL)) {
		close(fd);
		return NULL;
	}
	off_t size = lseek(fd, 0, SEEK_END);
	char *text = calloc(1, size + 1);
	if (pread(fd, text, size, 0) != size) {
		free(text);
		text = NULL;
	}
	close(fd);
	return text;
}

/* ---- the state, read by path ---- */

struct json_object *harness_state_json(struct mp_harness *h) {
	char *text = harness_state(h);
	if (text == NULL) {
		return NULL;
	}
	enum json_tokener_error error;
	struct json_object *root = json_tokener_parse_verbose(text, &error);
	if (root == NULL) {
		fprintf(stderr, "harness: state is not JSON (%s):\n%s\n",
			json_tokener_error_desc(error), text);
	}
	free(text);
	return root;
}

/* Whether an array element is the one a path component names. */
static bool element_named(struct json_object *element, const char *name) {
	if (json_object_is_type(element, json_type_string)) {
		return strcmp(json_object_get_string(element), name) == 0;
	}
	if (!json_object_is_type(element, json_type_object)) {
		return false;
	}
	const char *keys[] = { "name", "id", "type" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct json_object *key;
		if (!json_object_object_get_ex(element, keys[i], &key)) {
			continue;
		}
		if (json_object_is_type(key, json_type_string) &&
				strcmp(json_object_get_string(key), name) == 0) {
			return true;
		}
		if (json_object_is_type(key, json_type_int)) {
			char number[32];
			snprintf(number, sizeof(number), "%" PRId64,
				json_object_get_int64(key));
			if (strcmp(number, name) == 0) {
				return true;
			}
		}
	}
	return false;
}

static const char *type_name(struct json_object *value) {
	return value == NULL ? "null" :
		json_type_to_name(json_object_get_type(value));
}

/* Follows path from root. On failure, *why (when given) says where it
 * stopped; caller frees. */
static bool lookup(struct json_object *root, const char *path,
		struct json_object **value, char **why) {
	struct json_object *node = root;
	const char *p = path;
	while (*p != '\0') {
		size_t len = strcspn(p, "/");
		char *name = strndup(p, len);
		int at = (int)(p - path);
		struct json_object *next = NULL;
		bool found = false;
		if (json_object_is_type(node, json_type_object)) {
			found = json_object_object_get_ex(node, name, &next);
		} else if (json_object_is_type(node, json_type_array)) {
			size_t n = json_object_array_length(node);
			for (size_t i = 0; i < n && !found; i++) {
				next = json_object_array_get_idx(node, i);
				found = element_named(next, name);
			}
		}
		if (!found && why != NULL) {
			// The part of the path that was there.
			char *where = at > 0 ? strndup(path, at - 1) :
				strdup("(the top)");
			*why = node == NULL ?
				harness_format("%s is null, it has no '%s'", where, name) :
				harness_format("no %s '%s' in %s %s",
				json_object_is_type(node, json_type_array) ? "element" :
				"member", name, type_name(node), where);
			free(where);
		}
		free(name);
		if (!found) {
			return false;
		}
		node = next;
		p += len;
		if (*p == '/') {
			p++;
		}
	}
	*value = node;
	return true;
}

bool harness_json_lookup(struct json_object *root, const char *path,
		struct json_object **value) {
	return lookup(root, path, value, NULL);
}

struct json_object *harness_json_lines(const char *text) {
	struct json_object *list = json_object_new_array();
	const char *p = text;
	while (*p != '\0') {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *line = strndup(p, len);
		struct json_object *o = json_tokener_parse(line);
		if (o == NULL) {
			fprintf(stderr, "not a JSON object: %s\n", line);
			abort();
		}
		json_object_array_add(list, o);
		free(line);
		p += len + (end ? 1 : 0);
	}
	return list;
}

struct json_object *harness_json_find(struct json_object *list,
		const char *key, const char *value) {
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *o = json_object_array_get_idx(list, i);
		struct json_object *v;
		if (json_object_object_get_ex(o, key, &v) && v != NULL &&
				strcmp(json_object_get_string(v), value) == 0) {
			return o;
		}
	}
	return NULL;
}

struct json_object *harness_json_at(struct json_object *root,
		const char *path) {
	struct json_object *value = NULL;
	return lookup(root, path, &value, NULL) ? value : NULL;
}

static void print_state(struct json_object *root) {
	fprintf(stderr, "harness: the state was:\n%s\n",
		json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
		JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* Reads a fresh state and the value at path, which must be of type (or
 * null, when type is json_type_null). Returns the root (caller puts) with
 * *value set, or NULL after printing why and the state. */
static struct json_object *state_value(struct mp_harness *h,
		const char *path, enum json_type type, struct json_object **value) {
	struct json_object *root = harness_state_json(h);
	if (root == NULL) {
		return NULL;
	}
	char *why = NULL;
	bool ok = lookup(root, path, value, &why);
	if (!ok) {
		fprintf(stderr, "harness: state has no %s: %s\n", path, why);
		free(why);
	} else if (type == json_type_null ? *value != NULL :
			!json_object_is_type(*value, type)) {
		fprintf(stderr, "harness: state's %s is %s %s, not %s\n", path,
			type_name(*value), *value ? json_object_to_json_string_ext(
			*value, JSON_C_TO_STRING_NOSLASHESCAPE) : "",
			json_type_to_name(type));
		ok = false;
	}
	if (!ok) {
		print_state(root);
		json_object_put(root);
		return NULL;
	}
	return root;
}

char *harness_state_str(struct mp_harness *h, const char *path) {
	struct json_object *value;
	struct json_object *root = state_value(h, path, json_type_string, &value);
	if (root == NULL) {
		return NULL;
	}
	char *copy = strdup(json_object_get_string(value));
	json_object_put(root);
	return copy;
}

bool harness_state_long(struct mp_harness *h, const char *path,
		long *result) {
	struct json_object *value;
	struct json_object *root = state_value(h, path, json_type_int, &value);
	if (root == NULL) {
		return false;
	}
	*result = (long)json_object_get_int64(value);
	json_object_put(root);
	return true;
}

bool harness_state_bool(struct mp_harness *h, const char *path,
		bool *result) {
	struct json_object *value;
	struct json_object *root = state_value(h, path, json_type_boolean,
		&value);
	if (root == NULL) {
		return false;
	}
	*result = json_object_get_boolean(value);
	json_object_put(root);
	return true;
}

long harness_state_count(struct mp_harness *h, const char *path) {
	struct json_object *value;
	struct json_object *root = state_value(h, path, json_type_array, &value);
	if (root == NULL) {
		return -1;
	}
	long n = (long)json_object_array_length(value);
	json_object_put(root);
	return n;
}

bool harness_state_null(struct mp_harness *h, const char *path) {
	struct json_object *value;
	struct json_object *root = state_value(h, path, json_type_null, &value);
	bool is_null = root != NULL;
	json_object_put(root);
	return is_null;
}

/* Prints a field that is not what a test wants, with the state. */
static bool differs(struct mp_harness *h, const char *path, const char *got,
		const char *want) {
	fprintf(stderr, "harness: state's %s is %s, want %s\n", path, got, want);
	struct json_object *root = harness_state_json(h);
	if (root != NULL) {
		print_state(root);
		json_object_put(root);
	}
	return false;
}

bool harness_state_str_is(struct mp_harness *h, const char *path,
		const char *want) {
	char *got = harness_state_str(h, path);
	if (got == NULL) {
		return false;
	}
	bool same = strcmp(got, want) == 0;
	if (!same) {
		char *a = harness_format("\"%s\"", got);
		char *b = harness_format("\"%s\"", want);
		differs(h, path, a, b);
		free(a);
		free(b);
	}
	free(got);
	return same;
}

bool harness_state_long_is(struct mp_harness *h, const char *path,
		long want) {
	long got;
	if (!harness_state_long(h, path, &got)) {
		return false;
	}
	if (got != want) {
		char *a = harness_format("%ld", got);
		char *b = harness_format("%ld", want);
		differs(h, path, a, b);
		free(a);
		free(b);
	}
	return got == want;
}

bool harness_state_bool_is(struct mp_harness *h, const char *path,
		bool want) {
	bool got;
	if (!harness_state_bool(h, path, &got)) {
		return false;
	}
	if (got != want) {
		differs(h, path, got ? "true" : "false", want ? "true" : "false");
	}
	return got == want;
}

bool harness_state_count_is(struct mp_harness *h, const char *path,
		long want) {
	long got = harness_state_count(h, path);
	if (got < 0) {
		return false;
	}
	if (got != want) {
		char *a = harness_format("%ld long", got);
		char *b = harness_format("%ld", want);
		differs(h, path, a, b);
		free(a);
		free(b);
	}
	return got == want;
}

bool harness_state_has(struct mp_harness *h, const char *path) {
	struct json_object *root = harness_state_json(h);
	struct json_object *value;
	bool found = root != NULL && lookup(root, path, &value, NULL);
	json_object_put(root);
	return found;
}

char *harness_read_file(const char *path) {
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return NULL;
	}
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		fwrite(buf, 1, n, mem);
	}
	fclose(f);
	fclose(mem);
	return text;
}

static bool file_contains(const char *path, const char *text) {
	char *content = harness_read_file(path);
	bool found = content != NULL && strstr(content, text) != NULL;
	free(content);
	return found;
}

bool harness_wait_file_contains(const char *path, const char *text,
		int timeout_s) {
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	char *dir = strdup(path);
	char *slash = strrchr(dir, '/');
	if (slash != NULL) {
		*slash = '\0';
	}
	inotify_add_watch(fd, dir, IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE);
	free(dir);
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	bool found = file_contains(path, text);
	while (!found) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = timeout_s * 1000L - ((now.tv_sec - start.tv_sec) * 1000L +
			(now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0) {
			break;
		}
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, (int)left) > 0) {
			char buf[4096];
			while (read(fd, buf, sizeof(buf)) > 0) {
				// drain
			}
		}
		found = file_contains(path, text);
	}
	close(fd);
	if (!found) {
		char *content = harness_read_file(path);
		fprintf(stderr, "harness: %s never contained '%s'; it has:\n%s\n",
			path, text, content ? content : "(no file)");
		free(content);
	}
	return found;
}

size_t harness_count_color(const uint32_t *pixels, int width, int x, int y,
		int w, int h, uint32_t rgb) {
	size_t n = 0;
	for (int j = y; j < y + h; j++) {
		for (int i = x; i < x + w; i++) {
			n += (pixels[(size_t)j * width + i] & 0xffffff) == rgb;
		}
	}
	return n;
}

/* ---- checked pixels ---- */

struct mp_shot *harness_shoot(struct mp_harness *h, const char *kind,
		const char *target) {
	struct mp_shot *shot = calloc(1, sizeof(*shot));
	shot->pixels = harness_screenshot(h, kind, target, &shot->width,
		&shot->height);
	if (shot->pixels == NULL) {
		fprintf(stderr, "harness: no screenshot of %s %s\n", kind, target);
		free(shot);
		return NULL;
	}
	shot->kind = strdup(kind);
	shot->target = strdup(target);
	shot->dir = strdup(h->dir);
	return shot;
}

void harness_shot_free(struct mp_shot *shot) {
	if (shot == NULL) {
		return;
	}
	free(shot->kind);
	free(shot->target);
	free(shot->dir);
	free(shot->pixels);
	free(shot);
}

bool harness_write_png(const struct mp_shot *shot, const char *path) {
	size_t stride = (size_t)shot->width * 3;
	uint8_t *rgb = malloc(stride * shot->height);
	if (rgb == NULL) {
		return false;
	}
	for (size_t i = 0; i < (size_t)shot->width * shot->height; i++) {
		rgb[i * 3] = (shot->pixels[i] >> 16) & 0xff;
		rgb[i * 3 + 1] = (shot->pixels[i] >> 8) & 0xff;
		rgb[i * 3 + 2] = shot->pixels[i] & 0xff;
	}
	png_image image = {
		.version = PNG_IMAGE_VERSION,
		.width = (png_uint_32)shot->width,
		.height = (png_uint_32)shot->height,
		.format = PNG_FORMAT_RGB,
	};
	bool ok = png_image_write_to_file(&image, path, 0, rgb,
		(png_int_32)stride, NULL) != 0;
	if (!ok) {
		fprintf(stderr, "harness: cannot write %s: %s\n", path,
			image.message);
	}
	png_image_free(&image);
	free(rgb);
	return ok;
}

/* Where a failing check leaves its screenshot: LOGDIR/EXE-LABEL.png, the
 * label made safe for a file name. Caller frees. */
static char *failure_png_path(const struct mp_shot *shot, const char *label) {
	const char *dir = getenv("MP_TEST_LOG_DIR");
	if (dir == NULL || dir[0] == '\0') {
		dir = shot->dir;
	}
	char *path = harness_format("%s/%s-%s.png", dir,
		program_invocation_short_name, label);
	for (char *p = path + strlen(dir) + 1; *p; p++) {
		bool safe = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
			*p == '.';
		if (!safe) {
			*p = '-';
		}
	}
	return path;
}

bool harness_expect_color_range(const struct mp_shot *shot, int x, int y,
		int w, int h, uint32_t rgb, size_t min, size_t max,
		const char *label) {
	if (shot == NULL) {
		fprintf(stderr, "harness: %s: no screenshot\n", label);
		return false;
	}
	w = w > 0 ? w : shot->width - x;
	h = h > 0 ? h : shot->height - y;
	if (x < 0 || y < 0 || x + w > shot->width || y + h > shot->height) {
		fprintf(stderr, "harness: %s: region %d,%d %dx%d is outside the "
			"%dx%d screenshot of %s %s\n", label, x, y, w, h, shot->width,
			shot->height, shot->kind, shot->target);
		return false;
	}
	size_t n = harness_count_color(shot->pixels, shot->width, x, y, w, h,
		rgb);
	if (n >= min && n <= max) {
		return true;
	}
	char *want = min == max ? harness_format("%zu", min) :
		harness_format("%zu to %zu", min, max);
	fprintf(stderr, "harness: %s: %zu pixels of #%06x in %d,%d %dx%d of "
		"%s %s, want %s\n", label, n, rgb, x, y, w, h, shot->kind,
		shot->target, want);
	free(want);
	char *path = failure_png_path(shot, label);
	char *dir = strndup(path, strrchr(path, '/') - path);
	mkdir(dir, 0755); // where it is not there yet
	free(dir);
	if (harness_write_png(shot, path)) {
		fprintf(stderr, "harness: %s: screenshot in %s\n", label, path);
	}
	free(path);
	return false;
}

bool harness_expect_color(const struct mp_shot *shot, int x, int y, int w,
		int h, uint32_t rgb, size_t count, const char *label) {
	return harness_expect_color_range(shot, x, y, w, h, rgb, count, count,
		label);
}

bool harness_wait_pid_gone(pid_t pid, int timeout_s) {
	int exited = poll_exit(pid, timeout_s * 1000);
	return exited < 0 ? errno == ESRCH : exited == 1;
}

char *harness_format(const char *fmt, ...) {
	va_list args;
	va_start(args, fmt);
	char *out = NULL;
	if (vasprintf(&out, fmt, args) < 0) {
		abort();
	}
	va_end(args);
	return out;
}

const char *harness_mpmgr_path(void) {
	return MPMGR_PATH;
}

char *harness_admin_socket(struct mp_harness *h) {
	return harness_path(h, "admin");
}

/* Reads fd to its end into a new string. */
static char *read_all(int fd) {
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	for (;;) {
		if (len + 1024 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

int harness_mpmgr_as(struct mp_harness *h, const struct mp_mpmgr_run *run,
		char **out, char **err, const char *const *args) {
	int outp[2], errp[2];
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		abort();
	}
	char *socket = run && run->socket ? strdup(run->socket) :
		harness_admin_socket(h);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(outp[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		if (run != NULL && run->uid >= 0) {
			gid_t gid = (gid_t)run->gid;
			if (setgroups(run->n_groups, run->groups) < 0 ||
					setresgid(gid, gid, gid) < 0 ||
					setresuid((uid_t)run->uid, (uid_t)run->uid,
						(uid_t)run->uid) < 0) {
				perror("harness: cannot become another user");
				_exit(126);
			}
		}
		unsetenv("MPCOMP_ADMIN_SOCKET");
		const char *argv[64];
		int n = 0;
		argv[n++] = MPMGR_PATH;
		if (run == NULL || !run->no_socket_option) {
			argv[n++] = "--socket";
			argv[n++] = socket;
		} else {
			setenv("MPCOMP_ADMIN_SOCKET", socket, 1);
		}
		for (size_t i = 0; args[i] != NULL && n < 63; i++) {
			argv[n++] = args[i];
		}
		argv[n] = NULL;
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	free(socket);
	close(outp[1]);
	close(errp[1]);
	// mpmgr's output is small: its stderr is read once stdout ends.
	char *o = read_all(outp[0]);
	char *e = read_all(errp[0]);
	close(outp[0]);
	close(errp[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (e[0] != '\0') {
		fprintf(stderr, "mpmgr said on stderr: %s", e);
	}
	if (out != NULL) {
		*out = o;
	} else {
		free(o);
	}
	if (err != NULL) {
		*err = e;
	} else {
		free(e);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int harness_mpmgr(struct mp_harness *h, char **out, char **err, ...) {
	const char *args[64];
	size_t n = 0;
	va_list ap;
	va_start(ap, err);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && n < 63) {
		args[n++] = a;
	}
	va_end(ap);
	args[n] = NULL;
	return harness_mpmgr_as(h, NULL, out, err, args);
}
