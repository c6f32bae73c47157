#ifndef MP_AUTH_PROC_H
#define MP_AUTH_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* Sends sig to every live (not zombie) child of parent, except the pids in
 * except; returns how many there were. sig 0 only counts them. */
int proc_signal_children(pid_t parent, int sig, const pid_t *except,
	size_t n_except);

#endif
