#ifndef MP_CONFIG_H
#define MP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest line of a configuration file, in bytes, not counting its
 * line ending (LF, CRLF or CR). */
#define MP_CONFIG_MAX_LINE 1024
/* The largest configuration file, in bytes: far more than any machine
 * needs, and a device or a runaway file is refused, not read for ever. */
#define MP_CONFIG_MAX_SIZE (1024 * 1024)
/* Bounds of the lifecycle keys, in seconds (and sessions). */
#define MP_CONFIG_MAX_IDLE_LOCK 86400      // idle-lock, reattach-window
#define MP_CONFIG_MAX_DISCONNECTED 604800  // disconnected-limit: a week
#define MP_CONFIG_MAX_SESSIONS 10000

struct xkb_keymap;

enum mp_split {
	MP_SPLIT_NONE = 0,
	MP_SPLIT_LEFT,
	MP_SPLIT_RIGHT,
};

enum mp_role {
	MP_ROLE_DESKTOP = 0, // people sign in at the greeter
	MP_ROLE_KIOSK,       // one user signed in automatically, one command
};

struct mp_station_config {
	char *name;
	int line; // of the [station NAME] header

	char **outputs; // output names, placed side by side in this order
	size_t n_outputs;
	int outputs_line;

	enum mp_split split;
	int split_line;

	char **devices; // ID_PATH prefixes
	size_t n_devices;
	int devices_line;

	char *xkb_rules, *xkb_model, *xkb_layout, *xkb_variant, *xkb_options;
	int xkb_rules_line, xkb_model_line, xkb_layout_line, xkb_variant_line,
		xkb_options_line;
	enum mp_role role;
	int role_line, command_line;
	char *autologin;       // user signed in at start-up, may be NULL
	char *command;         // kiosk command, may be NULL
	char *session_command; // overrides the global one, may be NULL
	int idle_lock_ms;      // -1: the global one; 0: never
};

struct mp_config {
	char *path; // may be NULL for a built-in default
	struct mp_station_config *stations;
	size_t n_stations;

	float background[4];
	char *font; // fcft font name
	char *pam_service;     // default "mpcomp"
	char *admin_group;     // its members may use every mpmgr verb; NULL: none
	bool allow_vt_switch;  // ctrl+alt+Fn switches virtual terminals
	char *session_command; // NULL: the user's wayland session, else foot
	int logoff_grace_ms;   // from toplevels closed to SIGTERM/SIGKILL
	char *logoff_key;      // keyspec of the log-off shortcut, "" for none
	int signin_timeout_ms; // a helper silent this long is given up
	uint32_t logoff_mods;  // WLR_MODIFIER_* of logoff_key
	uint32_t logoff_sym;   // xkb keysym of logoff_key, 0: none
	char *secure_key;      // keyspec of the session menu, "" for none
	uint32_t secure_mods;
	uint32_t secure_sym;
	int idle_lock_ms;         // lock an active station idle this long; 0: never
	int reattach_window_ms;   // hardware back this soon: the session too
	int disconnected_limit_ms; // a parked session this old ends; 0: never
	int max_sessions;         // attached and parked at most; 0: no limit

	char **errors; // "FILE:LINE: reason"
	size_t n_errors;
};

/* Parses and validates FILE. Always returns a config (NULL only on
 * allocation failure); check n_errors. */
struct mp_config *config_load(const char *path);
/* Reads a regular text file of at most MP_CONFIG_MAX_SIZE bytes into
 * *text (the caller frees it). NULL, or the reason it cannot; *err is the
 * errno of a failed open (ENOENT: there is none), else 0. */
const char *config_read_file(const char *path, char **text, int *err);
/* Sets the packaged inih's run-time options the way mpcomp's files are
 * read (before every ini_parse_*). */
void config_ini_setup(void);
/* Same, from a string; path is used in error messages only. */
struct mp_config *config_parse_string(const char *path, const char *text);
/* The configuration used when no file is given: no stations, stations are
 * made one per output. */
struct mp_config *config_create_default(void);
void config_destroy(struct mp_config *config);

const char *config_split_name(enum mp_split split);
/* Parses "ctrl+alt+shift+q" into WLR_MODIFIER_* bits and a keysym;
 * "" is no key at all (sym 0). */
bool config_parse_keyspec(const char *spec, uint32_t *mods, uint32_t *sym);
/* Compiles the keymap of a station (NULL: the default one, from the
 * XKB_DEFAULT_* environment), as config_load checks it; NULL on failure.
 * The caller unrefs it. xkbcommon's messages are not printed. */
struct xkb_keymap *config_station_keymap(const struct mp_station_config *sc);
/* Index of the station claiming this output name, or -1. */
int config_find_station_for_output(const struct mp_config *config,
	const char *output_name, enum mp_split split);

#endif
