/* Loaded into mpcomp by a test (LD_PRELOAD): the flock that takes its
 * runtime directory's lock (DIR/mpcomp-PID[.new]/lock) waits
 * $MP_SLOW_LOCK_MS first, after creating the file $MP_SLOW_LOCK_SIGNAL:
 * a window in which another mpcomp starting up looks at that directory.
 * Only in the process that was started with it (not its children). */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

static pid_t owner;

__attribute__((constructor)) static void remember_owner(void) {
	owner = getpid();
}

/* Whether fd is our own runtime directory's lock file. */
static bool is_own_lock(int fd) {
	char link[64], path[4096], own[64], own_new[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0) {
		return false;
	}
	path[n] = '\0';
	snprintf(own, sizeof(own), "/mpcomp-%d/lock", (int)getpid());
	snprintf(own_new, sizeof(own_new), "/mpcomp-%d.new/lock", (int)getpid());
	size_t len = (size_t)n;
	return (len >= strlen(own) && strcmp(path + len - strlen(own), own) == 0) ||
		(len >= strlen(own_new) &&
		strcmp(path + len - strlen(own_new), own_new) == 0);
}

int flock(int fd, int operation) {
	static int (*real)(int, int);
	static bool done;
	if (real == NULL) {
		real = (int (*)(int, int))dlsym(RTLD_NEXT, "flock");
	}
	const char *ms = getenv("MP_SLOW_LOCK_MS");
	if (!done && ms != NULL && getpid() == owner &&
			(operation & LOCK_EX) && is_own_lock(fd)) {
		done = true;
		const char *signal = getenv("MP_SLOW_LOCK_SIGNAL");
		if (signal != NULL) {
			int f = open(signal, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
			if (f >= 0) {
				close(f);
			}
		}
		long wait = strtol(ms, NULL, 10);
		struct timespec ts = { wait / 1000, (wait % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	return real(fd, operation);
}
