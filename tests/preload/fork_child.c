/* Loaded into mpcomp by a test (LD_PRELOAD): like libseat's built-in
 * seatd, a library that gives the compositor a child process of its own
 * before any session exists. The child's pid goes to $MP_FORK_CHILD_PID
 * (a file); it sleeps until killed. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void fork_child(void) {
	const char *value = getenv("MP_FORK_CHILD_PID");
	if (value == NULL) {
		return;
	}
	// Only in the first process: not in its children (which inherit
	// the preload), nor in the child it makes.
	char path[4096];
	snprintf(path, sizeof(path), "%s", value);
	unsetenv("MP_FORK_CHILD_PID");
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sleep", "sleep", "1000", (char *)NULL);
		_exit(127);
	}
	FILE *f = fopen(path, "w");
	if (f != NULL) {
		fprintf(f, "%d\n", (int)pid);
		fclose(f);
	}
}
