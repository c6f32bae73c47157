#ifndef MPMGR_H
#define MPMGR_H

/* mpmgr, the client of mp_manager_v1: the picture of the compositor it
 * keeps (stations, sessions, input devices: mpmgr-state.c), how it prints
 * it (mpmgr-print.c), thumbnails (mpmgr-thumbnail.c) and the verbs
 * (mpmgr.c). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <wayland-client.h>
#include "mp-manager-v1-client-protocol.h"

/* The version of mp_manager_v1 mpmgr speaks (it binds no more). */
#define MPMGR_PROTOCOL_VERSION 2

struct json_object;

/* A list of strings that owns them. */
struct mpmgr_strv {
	char **v;
	size_t n, cap;
};

struct mpmgr_notice {
	char *kind, *text;
	uint32_t seconds;  // left as of when it was sent; 0: no limit
};

/* Everything one sending of a station says. */
struct mpmgr_station_data {
	char *name, *key, *role;
	uint32_t state;    // enum mp_manager_v1_station_state
	uint32_t session;  // the session shown, 0: none
	int32_t x, y, width, height;
	struct mpmgr_strv outputs, devices;
	struct mpmgr_notice *notices;
	size_t notices_n, notices_cap;
	// Its hardware (version 2; has_hardware false: not sent).
	bool has_hardware;
	uint32_t keyboards, pointers, n_outputs;
	int64_t stamp_ms;  // monotonic time of the done that ended its batch
};

/* Everything one sending of a session says. */
struct mpmgr_session_data {
	uint32_t id, uid, started;
	char *user;
	bool kiosk;
	uint32_t state;    // enum mp_manager_v1_session_state
	char *station;     // "" when shown nowhere
	uint32_t idle;
	bool parked;
	char *parked_reason, *parked_home;
	uint32_t parked_since;
	bool ending;
	uint32_t ending_in;
	int64_t stamp_ms;
};

/* Everything one sending of a device says ("" for none). */
struct mpmgr_device_data {
	char *name, *kind, *id_path, *group, *station, *rule;
};

/* A station, session or device object: cur is what the last events said; while
 * the object is sent again (dirty, up to the next done), prev keeps what
 * it was at the last done, so that a watcher sees what changed. */
struct mpmgr_station {
	struct wl_list link;  // mpmgr.stations, in the order announced
	struct mpmgr *mgr;
	struct mp_manager_station_v1 *proxy;
	struct mpmgr_station_data cur, prev;
	bool known;    // a done passed since it was announced: prev is valid
	bool dirty;    // sent since the last done
	bool removed;  // gone; freed at the next done
};

struct mpmgr_session {
	struct wl_list link;  // mpmgr.sessions, in the order announced
	struct mpmgr *mgr;
	struct mp_manager_session_v1 *proxy;
	struct mpmgr_session_data cur, prev;
	bool known, dirty, removed;
};

struct mpmgr_device {
	struct wl_list link;  // mpmgr.devices, in the order announced
	struct mpmgr *mgr;
	struct mp_manager_device_v1 *proxy;
	struct mpmgr_device_data cur, prev;
	bool known, dirty, removed;
};

struct mpmgr_maintenance {
	bool on;
	char *message;
};

struct mpmgr {
	const char *verb;         // for messages
	const char *socket_path;
	struct wl_display *display;
	struct wl_registry *registry;
	struct mp_manager_v1 *manager;
	uint32_t version;         // of mp_manager_v1, as bound
	struct wl_shm *shm;
	struct wl_list stations;  // mpmgr_station.link
	struct wl_list sessions;  // mpmgr_session.link
	struct wl_list devices;   // mpmgr_device.link (version 2)
	uint32_t uid;             // identity: who mpcomp takes us for
	char *user;
	bool admin;
	struct mpmgr_maintenance maintenance, maintenance_prev;
	bool maintenance_dirty;
	bool pairing, pairing_prev;  // pairing mode (version 2)
	bool pairing_dirty;          // sent since the last done
	unsigned batches;         // dones received; the first is the snapshot
	/* Called at every done, once the objects are up to date and before
	 * the removed ones are freed (a watcher's hook). */
	void (*on_batch)(struct mpmgr *mgr, void *data);
	void *batch_data;
};

/* mpmgr-state.c */
void *mpmgr_xalloc(size_t size);  // zeroed; exits on out of memory
char *mpmgr_xstrdup(const char *s);
void mpmgr_strv_push(struct mpmgr_strv *strv, const char *s);
bool mpmgr_strv_equal(const struct mpmgr_strv *a,
	const struct mpmgr_strv *b);
int64_t mpmgr_now_ms(void);
/* Connects to socket_path (already resolved) and reads the snapshot.
 * Returns 0, or prints why not and returns 1. */
int mpmgr_open(struct mpmgr *mgr);
/* Destroys every object and disconnects; mgr may be half opened. */
void mpmgr_close(struct mpmgr *mgr);
/* Prints that the connection broke (and the protocol error, if it was
 * one) as "mpmgr: VERB: ..."; returns 1. */
int mpmgr_lost(struct mpmgr *mgr);
/* Whether mpcomp speaks version of mp_manager_v1: 0, or prints that it
 * is too old for the verb and returns 1. */
int mpmgr_need_version(struct mpmgr *mgr, uint32_t version);
/* Waits for result's answer and destroys it: 0 when done (*info gets the
 * info when info is not NULL, caller frees), or prints the reason as
 * "mpmgr: VERB: REASON" and returns 1. */
int mpmgr_await(struct mpmgr *mgr, struct mp_manager_result_v1 *result,
	char **info);
struct mpmgr_session *mpmgr_find_session(struct mpmgr *mgr, uint32_t id);
struct mpmgr_station *mpmgr_find_station(struct mpmgr *mgr, const char *name);
/* The sessions, ordered by id (caller frees the array, not the sessions). */
struct mpmgr_session **mpmgr_sorted_sessions(struct mpmgr *mgr, size_t *n);
/* The devices, ordered by name (the same). */
struct mpmgr_device **mpmgr_sorted_devices(struct mpmgr *mgr, size_t *n);
/* Whether two sendings of an object say the same, counters (idle, time
 * left) taken as running on between them. */
/* Whether time left b (sent at b_ms) is what a (sent at a_ms) became:
 * the same countdown, not a new one. 0 (no limit) equals only 0. */
bool mpmgr_left_equal(uint32_t a, int64_t a_ms, uint32_t b, int64_t b_ms);
bool mpmgr_station_data_equal(const struct mpmgr_station_data *a,
	const struct mpmgr_station_data *b);
bool mpmgr_session_data_equal(const struct mpmgr_session_data *a,
	const struct mpmgr_session_data *b);
bool mpmgr_device_data_equal(const struct mpmgr_device_data *a,
	const struct mpmgr_device_data *b);

/* mpmgr-print.c */
const char *mpmgr_station_state_name(uint32_t state);
const char *mpmgr_session_state_name(uint32_t state);
/* "12s", "3m12s", "2h05m", "3d04h" */
void mpmgr_format_idle(char buf[32], uint64_t seconds);
/* As above, without a part that is zero: "4m", "2h", "1h30m". */
void mpmgr_format_left(char buf[32], uint64_t seconds);
/* Local "HH:MM" when today, else "YYYY-MM-DD HH:MM"; "-" for 0. */
void mpmgr_format_time(char buf[32], uint64_t epoch);
struct json_object *mpmgr_station_json(const struct mpmgr_station_data *d);
struct json_object *mpmgr_session_json(const struct mpmgr_session_data *d);
struct json_object *mpmgr_device_json(const struct mpmgr_device_data *d);
/* Prints obj on a line of its own and frees it. */
void mpmgr_print_json(struct json_object *obj);
void mpmgr_print_stations(struct mpmgr *mgr, bool json);
void mpmgr_print_sessions(struct mpmgr *mgr, bool json);
void mpmgr_print_devices(struct mpmgr *mgr, bool json);
/* The watch verb's hook: prints the snapshot at the first batch, then
 * what changed at each. data points to a bool: JSON wanted. */
void mpmgr_watch_batch(struct mpmgr *mgr, void *data);

/* mpmgr-thumbnail.c */
/* Finds station (a name, a session id or a user), sizes the picture
 * (width 0: the station's own size) and writes it to path as a PNG.
 * Returns the exit status. */
int mpmgr_thumbnail(struct mpmgr *mgr, const char *station,
	uint32_t width, uint32_t height, const char *path);

#endif
