#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <unistd.h>
#include "auth/frame.h"
#include "util.h"

static const char *const names[] = {
	[MP_FRAME_START] = "start",
	[MP_FRAME_ANSWER] = "answer",
	[MP_FRAME_OPEN] = "open",
	[MP_FRAME_CANCEL] = "cancel",
	[MP_FRAME_END] = "end",
	[MP_FRAME_UNLOCK] = "unlock",
	[MP_FRAME_PROMPT_ECHO_ON] = "prompt-echo-on",
	[MP_FRAME_PROMPT_ECHO_OFF] = "prompt-echo-off",
	[MP_FRAME_INFO] = "info",
	[MP_FRAME_ERROR] = "error",
	[MP_FRAME_AUTHENTICATED] = "authenticated",
	[MP_FRAME_FAILED] = "failed",
	[MP_FRAME_STARTED] = "started",
	[MP_FRAME_ENDED] = "ended",
	[MP_FRAME_UNLOCKED] = "unlocked",
	[MP_FRAME_UNLOCK_FAILED] = "unlock-failed",
};

bool frame_type_valid(uint32_t type) {
	return type < sizeof(names) / sizeof(names[0]) && names[type] != NULL;
}

const char *frame_type_name(uint32_t type) {
	return frame_type_valid(type) ? names[type] : "invalid";
}

size_t frame_encode(uint8_t *out, uint32_t type, const void *payload,
		size_t len) {
	if (len > MP_FRAME_MAX_PAYLOAD || !frame_type_valid(type)) {
		return 0;
	}
	uint32_t header[2] = { type, (uint32_t)len };
	memcpy(out, header, sizeof(header));
	if (len > 0) {
		memcpy(out + MP_FRAME_HEADER, payload, len);
	}
	return MP_FRAME_HEADER + len;
}

bool frame_write(int fd, uint32_t type, const void *payload, size_t len) {
	uint8_t buf[MP_FRAME_HEADER + MP_FRAME_MAX_PAYLOAD];
	size_t size = frame_encode(buf, type, payload, len);
	return size > 0 && util_write_all(fd, buf, size);
}

bool frame_write_str(int fd, uint32_t type, const char *text) {
	return frame_write(fd, type, text, strlen(text));
}

bool frame_queue_push(struct mp_frame_queue *queue, uint32_t type,
		const void *payload, size_t len) {
	size_t need = queue->len + MP_FRAME_HEADER + len;
	if (len > MP_FRAME_MAX_PAYLOAD || !frame_type_valid(type) ||
			need > queue->max) {
		return false;
	}
	uint8_t *data = realloc(queue->data, need);
	if (data == NULL) {
		return false;
	}
	queue->data = data;
	queue->len += frame_encode(data + queue->len, type, payload, len);
	return true;
}

int frame_queue_flush(struct mp_frame_queue *queue, int fd) {
	while (queue->len > 0) {
		ssize_t n = send(fd, queue->data, queue->len,
			MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return 0;
		}
		if (n <= 0) {
			return -1;
		}
		memmove(queue->data, queue->data + n, queue->len - (size_t)n);
		queue->len -= (size_t)n;
	}
	frame_queue_finish(queue);
	return 1;
}

void frame_queue_finish(struct mp_frame_queue *queue) {
	if (queue->data != NULL) {
		explicit_bzero(queue->data, queue->len);
		free(queue->data);
	}
	queue->data = NULL;
	queue->len = 0;
}

long frame_reader_fill(struct mp_frame_reader *reader, int fd) {
	size_t room = sizeof(reader->buf) - reader->len;
	if (room == 0) {
		errno = EMSGSIZE;
		return -1;
	}
	ssize_t n;
	do {
		n = read(fd, reader->buf + reader->len, room);
	} while (n < 0 && errno == EINTR);
	if (n > 0) {
		reader->len += (size_t)n;
	}
	return n;
}

int frame_reader_next(struct mp_frame_reader *reader, struct mp_frame *out) {
	if (reader->len < 8) {
		return 0;
	}
	uint32_t header[2];
	memcpy(header, reader->buf, sizeof(header));
	if (!frame_type_valid(header[0]) || header[1] > MP_FRAME_MAX_PAYLOAD) {
		return -1;
	}
	size_t size = 8 + (size_t)header[1];
	if (reader->len < size) {
		return 0;
	}
	memcpy(reader->payload, reader->buf + 8, header[1]);
	reader->payload[header[1]] = '\0';
	memmove(reader->buf, reader->buf + size, reader->len - size);
	reader->len -= size;
	// What moved down leaves a copy behind: it may be a secret (an
	// answer to a password prompt).
	explicit_bzero(reader->buf + reader->len, size);
	out->type = header[0];
	out->len = header[1];
	out->payload = reader->payload;
	return 1;
}

bool frame_read_blocking(struct mp_frame_reader *reader, int fd,
		struct mp_frame *out) {
	for (;;) {
		int ret = frame_reader_next(reader, out);
		if (ret != 0) {
			return ret > 0;
		}
		if (frame_reader_fill(reader, fd) <= 0) {
			return false;
		}
	}
}

const char *frame_field(const char *payload, size_t len, const char *key) {
	size_t key_len = strlen(key);
	const char *end = payload + len;
	for (const char *p = payload; p < end; p += strlen(p) + 1) {
		if (strncmp(p, key, key_len) == 0 && p[key_len] == '=') {
			return p + key_len + 1;
		}
	}
	return NULL;
}

bool frame_add_field(char *buf, size_t *len, size_t cap, const char *key,
		const char *value) {
	size_t need = strlen(key) + 1 + strlen(value) + 1;
	if (*len + need > cap || strchr(key, '=') != NULL) {
		return false;
	}
	memcpy(buf + *len, key, strlen(key));
	*len += strlen(key);
	buf[(*len)++] = '=';
	memcpy(buf + *len, value, strlen(value) + 1);
	*len += strlen(value) + 1;
	return true;
}
