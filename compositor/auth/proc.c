#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "auth/proc.h"

int proc_signal_children(pid_t parent, int sig,
		bool (*spare)(pid_t pid, void *data), void *data) {
	DIR *dir = opendir("/proc");
	if (dir == NULL) {
		return 0;
	}
	int n = 0;
	struct dirent *ent;
	while ((ent = readdir(dir)) != NULL) {
		char *end;
		long pid = strtol(ent->d_name, &end, 10);
		if (*end != '\0' || pid <= 0) {
			continue;
		}
		char path[64], buf[512];
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			continue;
		}
		ssize_t len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0) {
			continue;
		}
		buf[len] = '\0';
		// "pid (comm) state ppid ...": comm may hold anything, so parse
		// from the last ')'.
		char *rp = strrchr(buf, ')');
		char state;
		long ppid;
		if (rp == NULL || sscanf(rp + 1, " %c %ld", &state, &ppid) != 2 ||
				ppid != parent || state == 'Z') {
			continue;
		}
		if (spare != NULL && spare((pid_t)pid, data)) {
			continue;
		}
		if (sig != 0) {
			kill((pid_t)pid, sig);
		}
		n++;
	}
	closedir(dir);
	return n;
}
