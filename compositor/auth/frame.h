#ifndef MP_AUTH_FRAME_H
#define MP_AUTH_FRAME_H

/* The framed protocol between mpcomp and its session helper, over a
 * socketpair: a 32-bit type, a 32-bit length, then that many bytes.
 * Payloads are text; lists are "key=value" items separated by NUL bytes.
 *
 * Once its session runs, the helper answers each UNLOCK with exactly one
 * UNLOCKED or UNLOCK_FAILED, after the prompts of its PAM conversation
 * (answered by ANSWER frames). CANCEL during that conversation gives up
 * the unlock; END there fails it too, then the session ends. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MP_FRAME_MAX_PAYLOAD 4096

enum mp_frame_type {
	// mpcomp -> helper
	MP_FRAME_START = 1,    // service=, user=, autologin=0|1
	MP_FRAME_ANSWER,       // the answer to the pending prompt
	MP_FRAME_OPEN,         // env items for the session, then command=
	MP_FRAME_CANCEL,       // give up: no session (or: no unlock)
	MP_FRAME_END,          // end the session; payload: grace in ms
	MP_FRAME_UNLOCK,       // authenticate the session's user: service=
	// helper -> mpcomp
	MP_FRAME_PROMPT_ECHO_ON = 16,
	MP_FRAME_PROMPT_ECHO_OFF,
	MP_FRAME_INFO,
	MP_FRAME_ERROR,
	MP_FRAME_AUTHENTICATED, // uid=, gid=, home=, shell=
	MP_FRAME_FAILED,        // reason
	MP_FRAME_STARTED,       // pid of the session command
	MP_FRAME_ENDED,         // exit status of the session command
	MP_FRAME_UNLOCKED,      // the user proved who they are
	MP_FRAME_UNLOCK_FAILED, // reason
};

struct mp_frame_reader {
	uint8_t buf[8 + MP_FRAME_MAX_PAYLOAD];
	size_t len;
	char payload[MP_FRAME_MAX_PAYLOAD + 1]; // of the frame handed out last
};

struct mp_frame {
	uint32_t type;
	uint32_t len;
	const char *payload; // NUL-terminated, in the reader, until next call
};

const char *frame_type_name(uint32_t type);
bool frame_type_valid(uint32_t type);

#define MP_FRAME_HEADER 8

/* Encodes one frame into out (room for MP_FRAME_HEADER + len bytes).
 * Returns its size, or 0 when type or length are not valid. */
size_t frame_encode(uint8_t *out, uint32_t type, const void *payload,
	size_t len);
/* Writes one frame to a blocking fd (the helper's side), retrying short
 * writes; false on error. The compositor queues frames instead (its fd
 * is non-blocking). */
bool frame_write(int fd, uint32_t type, const void *payload, size_t len);
bool frame_write_str(int fd, uint32_t type, const char *text);

/* Frames waiting for a non-blocking fd to take them (the compositor's
 * side): pushed whole, written as far as the fd takes them, never a
 * partial frame lost or doubled. */
struct mp_frame_queue {
	uint8_t *data;
	size_t len;
	size_t max; // pushing past this fails: the peer does not read
};

/* false when the frame is not valid or the queue would grow past max. */
bool frame_queue_push(struct mp_frame_queue *queue, uint32_t type,
	const void *payload, size_t len);
/* Writes what the fd takes now. 1: all written; 0: some left (wait for
 * the fd to be writable); -1: the fd failed (errno). */
int frame_queue_flush(struct mp_frame_queue *queue, int fd);
/* Empties the queue, wiping what it held (it may hold secrets). */
void frame_queue_finish(struct mp_frame_queue *queue);

/* Reads what the fd has (non-blocking or not). Returns bytes read, 0 on
 * end of file, -1 on error (EAGAIN included). */
long frame_reader_fill(struct mp_frame_reader *reader, int fd);
/* 1: a frame is in out; 0: need more bytes; -1: malformed stream (too long
 * or unknown type): the peer must be dropped. */
int frame_reader_next(struct mp_frame_reader *reader, struct mp_frame *out);
/* Blocking read of the next frame; false on EOF or malformed stream. */
bool frame_read_blocking(struct mp_frame_reader *reader, int fd,
	struct mp_frame *out);

/* The value of key in a NUL-separated "key=value" list, or NULL. */
const char *frame_field(const char *payload, size_t len, const char *key);
/* Appends "key=value\0" to a buffer; false when it would not fit. */
bool frame_add_field(char *buf, size_t *len, size_t cap, const char *key,
	const char *value);

#endif
