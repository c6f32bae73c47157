#include <errno.h>
#include <unistd.h>
#include "util.h"

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
