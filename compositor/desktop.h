#ifndef MP_DESKTOP_H
#define MP_DESKTOP_H

/* The Exec= line of the first (by name) .desktop file in dir, or NULL.
 * Field codes (%f, %U, ...) are dropped. Caller frees. */
char *desktop_session_exec(const char *dir);

#endif
