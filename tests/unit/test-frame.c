#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "auth/frame.h"

static void test_roundtrip_and_split_reads(void **state) {
	int fds[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	assert_true(frame_write_str(fds[0], MP_FRAME_PROMPT_ECHO_OFF,
		"Password: "));
	assert_true(frame_write(fds[0], MP_FRAME_ANSWER, "", 0));
	char fields[256];
	size_t len = 0;
	assert_true(frame_add_field(fields, &len, sizeof(fields), "user", "ana"));
	assert_true(frame_add_field(fields, &len, sizeof(fields), "service",
		"mpcomp"));
	assert_true(frame_write(fds[0], MP_FRAME_START, fields, len));

	// Feed the bytes one at a time: frames come out whole, in order.
	uint8_t all[512];
	ssize_t n = read(fds[1], all, sizeof(all));
	assert_true(n > 0);
	struct mp_frame_reader reader = { 0 };
	struct mp_frame frame = { 0 };
	int got = 0;
	for (ssize_t i = 0; i < n; i++) {
		reader.buf[reader.len++] = all[i];
		while (frame_reader_next(&reader, &frame) == 1) {
			if (got == 0) {
				assert_int_equal(frame.type, MP_FRAME_PROMPT_ECHO_OFF);
				assert_string_equal(frame.payload, "Password: ");
			} else if (got == 1) {
				assert_int_equal(frame.type, MP_FRAME_ANSWER);
				assert_int_equal(frame.len, 0);
				assert_string_equal(frame.payload, "");
			} else {
				assert_int_equal(frame.type, MP_FRAME_START);
				assert_string_equal(frame_field(frame.payload, frame.len,
					"user"), "ana");
				assert_string_equal(frame_field(frame.payload, frame.len,
					"service"), "mpcomp");
				assert_null(frame_field(frame.payload, frame.len, "use"));
			}
			got++;
		}
	}
	assert_int_equal(got, 3);
	assert_int_equal(reader.len, 0);
	close(fds[0]);
	close(fds[1]);
}

static void test_malformed(void **state) {
	struct mp_frame_reader reader = { 0 };
	struct mp_frame frame = { 0 };
	uint32_t header[2] = { 999, 0 };
	memcpy(reader.buf, header, 8);
	reader.len = 8;
	assert_int_equal(frame_reader_next(&reader, &frame), -1);
	header[0] = MP_FRAME_INFO;
	header[1] = MP_FRAME_MAX_PAYLOAD + 1;
	memcpy(reader.buf, header, 8);
	assert_int_equal(frame_reader_next(&reader, &frame), -1);
	assert_false(frame_write(-1, 999, "x", 1));
	char big[MP_FRAME_MAX_PAYLOAD + 1] = { 0 };
	assert_false(frame_write(-1, MP_FRAME_INFO, big, sizeof(big)));
	char fields[8];
	size_t len = 0;
	assert_false(frame_add_field(fields, &len, sizeof(fields), "user",
		"toolong"));
	assert_false(frame_add_field(fields, &len, sizeof(fields), "a=b", ""));
}

/* A socket that takes little at a time: a writer that does not queue
 * loses or splits frames on EAGAIN. */
static void small_socketpair(int fds[2]) {
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	int size = 4096; // the kernel doubles it, and has a minimum
	assert_int_equal(setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size,
		sizeof(size)), 0);
	assert_int_equal(setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &size,
		sizeof(size)), 0);
}

/* Reads every frame that is there now into reader; returns how many
 * came out whole, checking each is the n-th expected. */
static int drain(int fd, struct mp_frame_reader *reader, int first,
		char *expect_byte) {
	int got = 0;
	struct mp_frame frame;
	uint8_t chunk[1024];
	ssize_t n;
	while ((n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			reader->buf[reader->len++] = chunk[i];
			while (frame_reader_next(reader, &frame) == 1) {
				int k = first + got;
				assert_int_equal(frame.type, MP_FRAME_ANSWER);
				assert_int_equal(frame.len, MP_FRAME_MAX_PAYLOAD);
				for (uint32_t j = 0; j < frame.len; j++) {
					if (frame.payload[j] != expect_byte[k]) {
						fail_msg("frame %d byte %u: %c", k, j,
							frame.payload[j]);
					}
				}
				got++;
			}
		}
	}
	return got;
}

static void test_queue_keeps_frames_whole(void **state) {
	int fds[2];
	small_socketpair(fds);
	struct mp_frame_queue queue = { .max = 64 * 1024 };
	char payload[MP_FRAME_MAX_PAYLOAD];
	char bytes[12];
	for (int k = 0; k < 12; k++) {
		bytes[k] = (char)('a' + k);
		memset(payload, bytes[k], sizeof(payload));
		assert_true(frame_queue_push(&queue, MP_FRAME_ANSWER, payload,
			sizeof(payload)));
	}
	// 48 KiB do not fit: the first flush leaves some, EAGAIN, no error.
	assert_int_equal(frame_queue_flush(&queue, fds[0]), 0);
	assert_true(queue.len > 0);
	struct mp_frame_reader reader = { 0 };
	int got = 0;
	int rounds = 0;
	while (got < 12) {
		assert_true(rounds++ < 1000);
		got += drain(fds[1], &reader, got, bytes);
		int ret = frame_queue_flush(&queue, fds[0]);
		assert_true(ret >= 0);
	}
	assert_int_equal(queue.len, 0);
	assert_null(queue.data);
	assert_int_equal(reader.len, 0);
	close(fds[0]);
	close(fds[1]);
}

static void test_queue_bounded_and_errors(void **state) {
	struct mp_frame_queue queue = { .max = 3 * (MP_FRAME_HEADER + 10) };
	for (int i = 0; i < 3; i++) {
		assert_true(frame_queue_push(&queue, MP_FRAME_ANSWER, "0123456789",
			10));
	}
	// A peer that never reads: the queue does not grow without end.
	assert_false(frame_queue_push(&queue, MP_FRAME_ANSWER, "x", 1));
	assert_false(frame_queue_push(&queue, 999, "", 0));
	int fds[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	close(fds[1]);
	// The peer is gone: an error, never SIGPIPE.
	assert_int_equal(frame_queue_flush(&queue, fds[0]), -1);
	close(fds[0]);
	frame_queue_finish(&queue);
	assert_null(queue.data);
	assert_int_equal(queue.len, 0);
}

/* The numbers are the protocol: an older helper and a newer mpcomp (or
 * the reverse) never agree on a renumbered type. */
static void test_types_names_and_numbers(void **state) {
	assert_int_equal(MP_FRAME_START, 1);
	assert_int_equal(MP_FRAME_END, 5);
	assert_int_equal(MP_FRAME_UNLOCK, 6);
	assert_int_equal(MP_FRAME_PROMPT_ECHO_ON, 16);
	assert_int_equal(MP_FRAME_ENDED, 23);
	assert_int_equal(MP_FRAME_UNLOCKED, 24);
	assert_int_equal(MP_FRAME_UNLOCK_FAILED, 25);
	assert_string_equal(frame_type_name(MP_FRAME_UNLOCK), "unlock");
	assert_string_equal(frame_type_name(MP_FRAME_UNLOCKED), "unlocked");
	assert_string_equal(frame_type_name(MP_FRAME_UNLOCK_FAILED),
		"unlock-failed");
	assert_string_equal(frame_type_name(MP_FRAME_CANCEL), "cancel");
	assert_string_equal(frame_type_name(MP_FRAME_ENDED), "ended");
	for (uint32_t t = MP_FRAME_START; t <= MP_FRAME_UNLOCK; t++) {
		assert_true(frame_type_valid(t));
	}
	for (uint32_t t = MP_FRAME_PROMPT_ECHO_ON; t <= MP_FRAME_UNLOCK_FAILED;
			t++) {
		assert_true(frame_type_valid(t));
	}
	// The gaps and the ends are not types.
	uint32_t invalid[] = { 0, MP_FRAME_UNLOCK + 1, MP_FRAME_PROMPT_ECHO_ON - 1,
		MP_FRAME_UNLOCK_FAILED + 1, 999, UINT32_MAX };
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		assert_false(frame_type_valid(invalid[i]));
		assert_string_equal(frame_type_name(invalid[i]), "invalid");
	}
	// An unlock request goes through whole, its fields read back.
	int fds[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	char fields[64];
	size_t len = 0;
	assert_true(frame_add_field(fields, &len, sizeof(fields), "service",
		"mpcomp"));
	assert_true(frame_write(fds[0], MP_FRAME_UNLOCK, fields, len));
	assert_true(frame_write(fds[1], MP_FRAME_UNLOCKED, "", 0));
	assert_true(frame_write_str(fds[1], MP_FRAME_UNLOCK_FAILED,
		"Authentication failure"));
	struct mp_frame_reader reader = { 0 };
	struct mp_frame frame;
	assert_true(frame_read_blocking(&reader, fds[1], &frame));
	assert_int_equal(frame.type, MP_FRAME_UNLOCK);
	assert_string_equal(frame_field(frame.payload, frame.len, "service"),
		"mpcomp");
	struct mp_frame_reader back = { 0 };
	assert_true(frame_read_blocking(&back, fds[0], &frame));
	assert_int_equal(frame.type, MP_FRAME_UNLOCKED);
	assert_int_equal(frame.len, 0);
	assert_true(frame_read_blocking(&back, fds[0], &frame));
	assert_int_equal(frame.type, MP_FRAME_UNLOCK_FAILED);
	assert_string_equal(frame.payload, "Authentication failure");
	close(fds[0]);
	close(fds[1]);
}

/* Bytes a blocking read took beyond one frame stay in the reader for
 * the next call, blocking or not; what a frame leaves behind when the
 * rest moves down is wiped (an answer may be a password). */
static void test_reader_keeps_what_it_read_ahead(void **state) {
	int fds[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	assert_true(frame_write_str(fds[0], MP_FRAME_ANSWER, "hunter2"));
	assert_true(frame_write_str(fds[0], MP_FRAME_END, "250"));
	struct mp_frame_reader reader = { 0 };
	struct mp_frame frame;
	// One read takes both frames; the first comes out.
	assert_true(frame_read_blocking(&reader, fds[1], &frame));
	assert_int_equal(frame.type, MP_FRAME_ANSWER);
	assert_string_equal(frame.payload, "hunter2");
	assert_int_equal(reader.len, MP_FRAME_HEADER + 3);
	for (size_t i = reader.len; i < sizeof(reader.buf); i++) {
		if (reader.buf[i] != 0) {
			fail_msg("byte %zu left behind", i);
		}
	}
	// The second needs no more bytes from the socket.
	assert_int_equal(frame_reader_next(&reader, &frame), 1);
	assert_int_equal(frame.type, MP_FRAME_END);
	assert_string_equal(frame.payload, "250");
	assert_int_equal(reader.len, 0);
	close(fds[0]);
	close(fds[1]);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_and_split_reads),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_queue_keeps_frames_whole),
		cmocka_unit_test(test_queue_bounded_and_errors),
		cmocka_unit_test(test_types_names_and_numbers),
		cmocka_unit_test(test_reader_keeps_what_it_read_ahead),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
