/* mpmgr thumbnail: a station's pixels into a wl_shm buffer, then a PNG. */

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "mpmgr.h"

#define MAX_SIZE 4096  // the protocol's limit on each side

/* The station that target means: its name, else the one showing the
 * session of that id or user, as mpcomp itself reads a station argument.
 * Resolved here because the size comes from the station's area. */
static struct mpmgr_station *resolve(struct mpmgr *mgr, const char *target) {
	if (target[0] == '\0') {
		return NULL;  // not the user of a session whose uid has no name
	}
	struct mpmgr_station *st = mpmgr_find_station(mgr, target);
	if (st != NULL) {
		return st;
	}
	char *end;
	errno = 0;
	unsigned long id = strtoul(target, &end, 10);
	bool numeric = target[0] >= '0' && target[0] <= '9' && *end == '\0' &&
		errno == 0 && id <= UINT32_MAX;
	struct mpmgr_session *s;
	wl_list_for_each(s, &mgr->sessions, link) {
		if (s->removed || s->cur.station[0] == '\0') {
			continue;
		}
		if ((numeric && s->cur.id == id) ||
				(!numeric && strcmp(s->cur.user, target) == 0)) {
			return mpmgr_find_station(mgr, s->cur.station);
		}
	}
	return NULL;
}

struct png_error_ctx {
	const char *path;
	int err;          // errno of a failed write, 0: none
	char message[128];
};

static void png_error_fn(png_structp png, png_const_charp message) {
	struct png_error_ctx *ctx = png_get_error_ptr(png);
	snprintf(ctx->message, sizeof(ctx->message), "%s", message);
	png_longjmp(png, 1);
}

static void png_warning_fn(png_structp png, png_const_charp message) {
}

static void png_write_fn(png_structp png, png_bytep data, size_t length) {
	FILE *f = png_get_io_ptr(png);
	if (fwrite(data, 1, length, f) != length) {
		struct png_error_ctx *ctx = png_get_error_ptr(png);
		ctx->err = errno ? errno : EIO;
		png_error(png, "write failed");
	}
}

static void png_flush_fn(png_structp png) {
}

/* Writes the xrgb8888 pixels to f as an 8-bit RGB PNG; false with the
 * reason in ctx on failure. */
static bool encode_png(FILE *f, const uint32_t *pixels, uint32_t width,
		uint32_t height, struct png_error_ctx *ctx) {
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, ctx,
		png_error_fn, png_warning_fn);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	unsigned char *row = malloc((size_t)width * 3);
	if (png == NULL || info == NULL || row == NULL) {
		snprintf(ctx->message, sizeof(ctx->message), "out of memory");
		png_destroy_write_struct(&png, &info);
		free(row);
		return false;
	}
	// Nothing set between here and a longjmp is read after it.
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(row);
		return false;
	}
	png_set_write_fn(png, f, png_write_fn, png_flush_fn);
	png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB,
		PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (uint32_t y = 0; y < height; y++) {
		const uint32_t *src = pixels + (size_t)y * width;
		for (uint32_t x = 0; x < width; x++) {
			row[x * 3] = src[x] >> 16 & 0xff;
			row[x * 3 + 1] = src[x] >> 8 & 0xff;
			row[x * 3 + 2] = src[x] & 0xff;
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	return true;
}

/* Writes the PNG next to path and renames it into place, so that path
 * never holds half a picture. Returns the exit status. */
static int write_png(const char *path, const uint32_t *pixels,
		uint32_t width, uint32_t height) {
	size_t len = strlen(path) + sizeof(".tmp");
	char *tmp = mpmgr_xalloc(len);
	snprintf(tmp, len, "%s.tmp", path);
	struct png_error_ctx ctx = { .path = path };
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (f == NULL) {
		fprintf(stderr, "mpmgr: thumbnail: cannot write %s: %s\n", tmp,
			strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return 1;
	}
	bool ok = encode_png(f, pixels, width, height, &ctx);
	if (fclose(f) != 0 && ok) {
		ok = false;
		ctx.err = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		ctx.err = errno;
	}
	if (!ok) {
		fprintf(stderr, "mpmgr: thumbnail: cannot write %s: %s\n", path,
			ctx.err ? strerror(ctx.err) : ctx.message);
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : 1;
}

int mpmgr_thumbnail(struct mpmgr *mgr, const char *target, uint32_t width,
		uint32_t height, const char *path) {
	struct mpmgr_station *st = resolve(mgr, target);
	if (st == NULL) {
		fprintf(stderr, "mpmgr: thumbnail: no station '%s'\n", target);
		return 1;
	}
	if (width == 0) {
		if (st->cur.width <= 0 || st->cur.height <= 0) {
			fprintf(stderr, "mpmgr: thumbnail: station '%s' has no output\n",
				st->cur.name);
			return 1;
		}
		width = (uint32_t)st->cur.width;
		height = (uint32_t)st->cur.height;
		// a station wider than the limit: the same picture, smaller
		if (width > MAX_SIZE || height > MAX_SIZE) {
			double scale = (double)MAX_SIZE /
				(width > height ? width : height);
			width = (uint32_t)(width * scale) ? (uint32_t)(width * scale) : 1;
			height = (uint32_t)(height * scale) ?
				(uint32_t)(height * scale) : 1;
		}
	}
	if (mgr->shm == NULL) {
		fprintf(stderr, "mpmgr: thumbnail: %s offers no wl_shm\n",
			mgr->socket_path);
		return 1;
	}
	// At most 4096 * 4096 * 4 bytes: 64 MiB, within wl_shm's int32 sizes.
	int32_t stride = (int32_t)width * 4;
	size_t size = (size_t)stride * height;
	int fd = memfd_create("mpmgr-thumbnail", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
		fprintf(stderr, "mpmgr: thumbnail: cannot make a buffer: %s\n",
			strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		return 1;
	}
	uint32_t *pixels = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		fd, 0);
	if (pixels == MAP_FAILED) {
		fprintf(stderr, "mpmgr: thumbnail: cannot map a buffer: %s\n",
			strerror(errno));
		close(fd);
		return 1;
	}
	struct wl_shm_pool *pool = wl_shm_create_pool(mgr->shm, fd, (int32_t)size);
	struct wl_buffer *buffer = wl_shm_pool_create_buffer(pool, 0,
		(int32_t)width, (int32_t)height, stride, WL_SHM_FORMAT_XRGB8888);
	// The buffer keeps the pool's memory; the pool itself is no more use.
	wl_shm_pool_destroy(pool);
	close(fd);
	int ret = mpmgr_await(mgr,
		mp_manager_v1_thumbnail(mgr->manager, st->cur.name, buffer), NULL);
	wl_buffer_destroy(buffer);
	if (ret == 0) {
		ret = write_png(path, pixels, width, height);
	}
	munmap(pixels, size);
	return ret;
}
