#ifndef MP_AUTH_PROC_H
#define MP_AUTH_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include <stdbool.h>

/* Sends sig to every live (not zombie) child of parent for which spare
 * (may be NULL) does not answer true; returns how many there were. sig 0
 * only counts them. */
int proc_signal_children(pid_t parent, int sig,
	bool (*spare)(pid_t pid, void *data), void *data);

#endif
