#ifndef MP_UTIL_H
#define MP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Writes all of data, retrying on EINTR and short writes. */
bool util_write_all(int fd, const void *data, size_t len);

/* Decodes the UTF-8 sequence at *s into *cp and advances *s. Returns false
 * (and U+FFFD, one byte consumed) on an invalid sequence. */
bool util_utf8_next(const char **s, uint32_t *cp);

/* Removes path and everything below it, like rm -rf, without following
 * symbolic links and without crossing into another file system: safe on a
 * directory that another user owns and may change meanwhile. Returns
 * false (errno set) when something could not be removed. */
bool util_remove_tree(const char *path);

/* A copy of the n strings of v (n may be 0: an empty array, not NULL),
 * or NULL when memory runs out. */
char **util_strv_copy(char *const *v, size_t n);
/* Frees the n strings of v and v (may be NULL). */
void util_strv_free(char **v, size_t n);

/* Milliseconds of CLOCK_MONOTONIC: for deadlines and elapsed times. */
int64_t util_now_ms(void);
/* Nanoseconds of CLOCK_MONOTONIC, now or at t (a time of that clock). */
int64_t util_now_ns(void);
int64_t util_timespec_ns(const struct timespec *t);

#endif
