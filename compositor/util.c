#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

int64_t util_now_ms(void) {
	return util_now_ns() / 1000000;
}

int64_t util_timespec_ns(const struct timespec *t) {
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

int64_t util_now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return util_timespec_ns(&ts);
}

bool util_write_all(int fd, const void *data, size_t len) {
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

bool util_utf8_next(const char **s, uint32_t *cp) {
	const unsigned char *p = (const unsigned char *)*s;
	int len;
	uint32_t c;
	if (p[0] < 0x80) {
		c = p[0];
		len = 1;
	} else if ((p[0] & 0xe0) == 0xc0) {
		c = p[0] & 0x1f;
		len = 2;
	} else if ((p[0] & 0xf0) == 0xe0) {
		c = p[0] & 0x0f;
		len = 3;
	} else if ((p[0] & 0xf8) == 0xf0) {
		c = p[0] & 0x07;
		len = 4;
	} else {
		*s += 1;
		*cp = 0xfffd;
		return false;
	}
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s += 1;
			*cp = 0xfffd;
			return false;
		}
		c = (c << 6) | (p[i] & 0x3f);
	}
	*s += len;
	*cp = c;
	return true;
}

#define REMOVE_MAX_DEPTH 128

/* Empties the directory dirfd (which it closes): every entry is unlinked,
 * and directories on the same device are entered through O_NOFOLLOW, so
 * that a link swapped in meanwhile is unlinked, never followed. */
static bool remove_children(int dirfd, dev_t dev, int depth) {
	DIR *dir = fdopendir(dirfd);
	if (dir == NULL) {
		close(dirfd);
		return false;
	}
	bool ok = true;
	struct dirent *ent;
	while ((ent = readdir(dir)) != NULL) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) {
			continue;
		}
		if (unlinkat(dirfd, ent->d_name, 0) == 0 || errno == ENOENT) {
			continue;
		}
		if (errno != EISDIR && errno != EPERM) {
			ok = false;
			continue;
		}
		int child = openat(dirfd, ent->d_name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (child < 0 || fstat(child, &st) < 0 || st.st_dev != dev ||
				depth >= REMOVE_MAX_DEPTH) {
			if (child >= 0) {
				close(child);
			}
			ok = false;
			continue;
		}
		ok = remove_children(child, dev, depth + 1) && ok;
		if (unlinkat(dirfd, ent->d_name, AT_REMOVEDIR) < 0 &&
				errno != ENOENT) {
			ok = false;
		}
	}
	closedir(dir);
	return ok;
}

bool util_remove_tree(const char *path) {
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		// Not a directory (or a link to one): remove the entry itself.
		return unlink(path) == 0 || errno == ENOENT;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return false;
	}
	bool ok = remove_children(fd, st.st_dev, 0);
	return rmdir(path) == 0 && ok;
}

char **util_strv_copy(char *const *v, size_t n) {
	char **copy = calloc(n > 0 ? n : 1, sizeof(*copy));
	if (copy == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if ((copy[i] = strdup(v[i])) == NULL) {
			util_strv_free(copy, i);
			return NULL;
		}
	}
	return copy;
}

void util_strv_free(char **v, size_t n) {
	for (size_t i = 0; v != NULL && i < n; i++) {
		free(v[i]);
	}
	free(v);
}
