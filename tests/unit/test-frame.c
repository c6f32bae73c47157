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

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_and_split_reads),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
