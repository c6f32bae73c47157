/* mptest: drive a running mpcomp through mp_test_v1 (tests and demo). */

#include <errno.h>
#include <linux/input-event-codes.h>
#include <png.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>
#include "test-client.h"

static const char usage[] =
	"Usage: mptest [--socket PATH] [--timeout SECONDS] [--stamp] COMMAND "
	"[ARGS]\n"
	"\n"
	"Drives an mpcomp started with --test-protocol. The socket defaults to\n"
	"$MPCOMP_TEST_SOCKET. Every answer must come within the timeout\n"
	"(default 60 s), else mptest fails. With --stamp, 'mptest: sent NS'\n"
	"goes to stderr just before the request is sent and 'mptest:\n"
	"answered NS' when its answer came (CLOCK_MONOTONIC nanoseconds).\n"
	"\n"
	"Commands:\n"
	"  add-keyboard NAME --path ID_PATH   virtual keyboard; prints its station\n"
	"  add-pointer NAME --path ID_PATH    virtual pointer; prints its station\n"
	"  add-device keyboard|pointer NAME --properties FILE\n"
	"                                     a device with recorded udev\n"
	"                                     properties (udevadm info)\n"
	"  remove-device NAME\n"
	"  key NAME KEYSPEC                   e.g. ctrl+alt+Delete, Return, a\n"
	"  type NAME TEXT\n"
	"  move NAME DX DY                    relative pointer motion\n"
	"  click NAME [left|right|middle]\n"
	"  add-output WxH [NAME]              prints the new output's name\n"
	"  remove-output NAME\n"
	"  screenshot STATION -o FILE.png\n"
	"  screenshot --output NAME -o FILE.png\n"
	"  state --json                       stations, sessions, devices, outputs\n"
	"  action VERB [TARGET]               lock|unlock|menu STATION,\n"
	"                                     disconnect|suspend|logoff|end SESSION\n"
	"                                     (id or user), end-all\n"
	"  wait-idle                          until nothing is left to draw\n"
	"  wait CONDITION...                  'idle', 'views STATION N',\n"
	"                                     'session STATION none|any', 'sessions N',\n"
	"                                     'session-state ID STATE|gone',\n"
	"                                     'station STATION STATE',\n"
	"                                     'lock STATION prompt|error|ready|busy',\n"
	"                                     'greeter STATION prompt|error|ready|\n"
	"                                     restarting|waiting',\n"
	"                                     'overlay|no-overlay STATION TYPE'\n";

static struct mp_test_v1 *test;
static int timeout_ms = 60000;
static bool stamp; // --stamp

/* With --stamp: what happened when, on stderr. */
static void print_stamp(const char *what) {
	if (!stamp) {
		return;
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(stderr, "mptest: %s %lld\n", what,
		(long long)now.tv_sec * 1000000000 + now.tv_nsec);
}

static void handle_global(void *data, struct wl_registry *registry,
		uint32_t name, const char *interface, uint32_t version) {
	if (strcmp(interface, mp_test_v1_interface.name) == 0) {
		test = wl_registry_bind(registry, name, &mp_test_v1_interface, 1);
	}
}

static void handle_global_remove(void *data, struct wl_registry *registry,
		uint32_t name) {
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

/* Waits for the answer; prints a failure. Returns the info or NULL. */
static char *await(struct wl_display *display,
		struct mp_test_result_v1 *result) {
	char *text;
	// The request waits in the connection's buffer until this flush.
	print_stamp("sent");
	wl_display_flush(display);
	enum mp_answer_status status =
		mp_test_await(display, result, timeout_ms, &text);
	if (status == MP_ANSWER_DONE || status == MP_ANSWER_FAILED) {
		print_stamp("answered");
	}
	switch (status) {
	case MP_ANSWER_DONE:
		return text;
	case MP_ANSWER_FAILED:
		fprintf(stderr, "mptest: %s\n", text);
		free(text);
		return NULL;
	case MP_ANSWER_TIMEOUT:
		fprintf(stderr, "mptest: no answer in %d s\n", timeout_ms / 1000);
		exit(1);
	case MP_ANSWER_LOST:
		break;
	}
	fprintf(stderr, "mptest: connection to mpcomp lost\n");
	exit(1);
}

static int print_answer(struct wl_display *display,
		struct mp_test_result_v1 *result) {
	char *info = await(display, result);
	if (info == NULL) {
		return 1;
	}
	if (info[0] != '\0') {
		printf("%s\n", info);
	}
	free(info);
	return 0;
}

static bool write_png(const char *path, const uint32_t *pixels, int width,
		int height) {
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "mptest: cannot write %s: %s\n", path,
			strerror(errno));
		return false;
	}
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
		NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	unsigned char *row = malloc((size_t)width * 3);
	if (png == NULL || info == NULL || row == NULL || setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(row);
		fclose(f);
		fprintf(stderr, "mptest: cannot encode %s\n", path);
		return false;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB,
		PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < height; y++) {
		for (int x = 0; x < width; x++) {
			uint32_t p = pixels[(size_t)y * width + x];
			row[x * 3] = p >> 16 & 0xff;
			row[x * 3 + 1] = p >> 8 & 0xff;
			row[x * 3 + 2] = p & 0xff;
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	return fclose(f) == 0;
}

static int screenshot(struct wl_display *display, const char *kind,
		const char *target, const char *path) {
	int fd = memfd_create("mptest-screenshot", MFD_CLOEXEC);
	if (fd < 0) {
		perror("mptest: memfd_create");
		return 1;
	}
	char *info = await(display, mp_test_v1_screenshot(test, kind, target, fd));
	if (info == NULL) {
		close(fd);
		return 1;
	}
	int width = 0, height = 0;
	sscanf(info, "%d %d", &width, &height);
	free(info);
	size_t size = (size_t)width * height * 4;
	uint32_t *pixels = size ? mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0) :
		MAP_FAILED;
	close(fd);
	if (pixels == MAP_FAILED) {
		fprintf(stderr, "mptest: no pixels came back\n");
		return 1;
	}
	bool ok = write_png(path, pixels, width, height);
	munmap(pixels, size);
	return ok ? 0 : 1;
}

static int state(struct wl_display *display) {
	FILE *tmp = tmpfile();
	if (tmp == NULL) {
		perror("mptest: tmpfile");
		return 1;
	}
	char *info = await(display, mp_test_v1_state(test, fileno(tmp)));
	if (info == NULL) {
		fclose(tmp);
		return 1;
	}
	free(info);
	rewind(tmp);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0) {
		fwrite(buf, 1, n, stdout);
	}
	fclose(tmp);
	return 0;
}

static int bad_usage(const char *what) {
	fprintf(stderr, "mptest: %s\n\n%s", what, usage);
	return 2;
}

static bool parse_int(const char *s, int *out) {
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < -1000000 ||
			v > 1000000) {
		return false;
	}
	*out = (int)v;
	return true;
}

/* A text file of at most 64 KiB, NULL if it cannot be read. */
static char *read_text(const char *path) {
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return NULL;
	}
	char *buf = malloc(65537);
	size_t n = buf ? fread(buf, 1, 65536, f) : 0;
	bool ok = buf != NULL && !ferror(f) && n < 65536;
	fclose(f);
	if (!ok) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int run(struct wl_display *display, int argc, char *argv[]) {
	const char *cmd = argv[0];
	if (strcmp(cmd, "add-keyboard") == 0 || strcmp(cmd, "add-pointer") == 0) {
		if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--path") == 0)) {
			return bad_usage("expected NAME [--path ID_PATH]");
		}
		const char *path = argc == 4 ? argv[3] : "";
		return print_answer(display, cmd[4] == 'k' ?
			mp_test_v1_add_keyboard(test, argv[1], path) :
			mp_test_v1_add_pointer(test, argv[1], path));
	} else if (strcmp(cmd, "add-device") == 0 && argc == 5 &&
			strcmp(argv[3], "--properties") == 0) {
		char *text = read_text(argv[4]);
		if (text == NULL) {
			fprintf(stderr, "mptest: cannot read %s\n", argv[4]);
			return 1;
		}
		int ret = print_answer(display,
			mp_test_v1_add_device(test, argv[1], argv[2], text));
		free(text);
		return ret;
	} else if (strcmp(cmd, "remove-device") == 0 && argc == 2) {
		return print_answer(display, mp_test_v1_remove_device(test, argv[1]));
	} else if (strcmp(cmd, "key") == 0 && argc == 3) {
		return print_answer(display, mp_test_v1_key(test, argv[1], argv[2]));
	} else if (strcmp(cmd, "type") == 0 && argc == 3) {
		return print_answer(display, mp_test_v1_type(test, argv[1], argv[2]));
	} else if (strcmp(cmd, "move") == 0 && argc == 4) {
		int dx, dy;
		if (!parse_int(argv[2], &dx) || !parse_int(argv[3], &dy)) {
			return bad_usage("DX and DY must be integers from -1000000 "
				"to 1000000");
		}
		return print_answer(display,
			mp_test_v1_pointer_move(test, argv[1], dx, dy));
	} else if (strcmp(cmd, "click") == 0 && (argc == 2 || argc == 3)) {
		const char *which = argc == 3 ? argv[2] : "left";
		uint32_t button = strcmp(which, "left") == 0 ? BTN_LEFT :
			strcmp(which, "right") == 0 ? BTN_RIGHT :
			strcmp(which, "middle") == 0 ? BTN_MIDDLE : 0;
		if (button == 0) {
			return bad_usage("button must be left, right or middle");
		}
		return print_answer(display,
			mp_test_v1_pointer_button(test, argv[1], button));
	} else if (strcmp(cmd, "add-output") == 0 && (argc == 2 || argc == 3)) {
		int w, h;
		char extra;
		if (sscanf(argv[1], "%dx%d%c", &w, &h, &extra) != 2) {
			return bad_usage("size must be WxH");
		}
		return print_answer(display,
			mp_test_v1_add_output(test, w, h, argc == 3 ? argv[2] : ""));
	} else if (strcmp(cmd, "remove-output") == 0 && argc == 2) {
		return print_answer(display, mp_test_v1_remove_output(test, argv[1]));
	} else if (strcmp(cmd, "screenshot") == 0) {
		if (argc == 4 && strcmp(argv[2], "-o") == 0) {
			return screenshot(display, "station", argv[1], argv[3]);
		} else if (argc == 5 && strcmp(argv[1], "--output") == 0 &&
				strcmp(argv[3], "-o") == 0) {
			return screenshot(display, "output", argv[2], argv[4]);
		}
		return bad_usage("expected STATION -o FILE or --output NAME -o FILE");
	} else if (strcmp(cmd, "state") == 0 &&
			(argc == 1 || (argc == 2 && strcmp(argv[1], "--json") == 0))) {
		return state(display);
	} else if (strcmp(cmd, "action") == 0 && (argc == 2 || argc == 3)) {
		return print_answer(display,
			mp_test_v1_action(test, argv[1], argc == 3 ? argv[2] : ""));
	} else if (strcmp(cmd, "wait-idle") == 0 && argc == 1) {
		return print_answer(display, mp_test_v1_wait(test, "idle"));
	} else if (strcmp(cmd, "wait") == 0 && argc >= 2) {
		char condition[256] = "";
		for (int i = 1; i < argc; i++) {
			if (strlen(condition) + strlen(argv[i]) + 2 > sizeof(condition)) {
				return bad_usage("condition too long");
			}
			strcat(condition, i > 1 ? " " : "");
			strcat(condition, argv[i]);
		}
		return print_answer(display, mp_test_v1_wait(test, condition));
	}
	return bad_usage("unknown command or wrong arguments");
}

int main(int argc, char *argv[]) {
	const char *socket = getenv("MPCOMP_TEST_SOCKET");
	int first = 1;
	while (first < argc && argv[first][0] == '-' && argv[first][1] == '-') {
		if (strcmp(argv[first], "--stamp") == 0) {
			stamp = true;
			first++;
			continue;
		}
		if (first + 1 >= argc) {
			break;
		}
		if (strcmp(argv[first], "--socket") == 0) {
			socket = argv[first + 1];
		} else if (strcmp(argv[first], "--timeout") == 0) {
			char *end;
			long seconds = strtol(argv[first + 1], &end, 10);
			if (*end != '\0' || seconds < 1 || seconds > 86400) {
				return bad_usage("--timeout takes 1 to 86400 seconds");
			}
			timeout_ms = (int)seconds * 1000;
		} else {
			break;
		}
		first += 2;
	}
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
			strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (first >= argc) {
		return bad_usage("no command");
	}
	if (socket == NULL || socket[0] == '\0') {
		fprintf(stderr, "mptest: no socket: set MPCOMP_TEST_SOCKET or give "
			"--socket PATH\n");
		return 2;
	}
	struct wl_display *display = wl_display_connect(socket);
	if (display == NULL) {
		fprintf(stderr, "mptest: cannot connect to %s: %s\n", socket,
			strerror(errno));
		return 1;
	}
	struct wl_registry *registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, NULL);
	wl_display_roundtrip(display);
	if (test == NULL) {
		fprintf(stderr, "mptest: %s offers no mp_test_v1\n", socket);
		wl_display_disconnect(display);
		return 1;
	}
	int ret = run(display, argc - first, argv + first);
	mp_test_v1_destroy(test);
	wl_registry_destroy(registry);
	wl_display_roundtrip(display);
	wl_display_disconnect(display);
	return ret;
}
