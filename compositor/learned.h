#ifndef MP_LEARNED_H
#define MP_LEARNED_H

#include <stdbool.h>
#include <stddef.h>
#include "config.h"

/* What mpcomp learned while running, kept in STATE-DIR/stations.ini:
 * pairings (a hub group, see seatd-glue/identity.h, belongs to a station:
 * pairing by key press, mpmgr assign-device) and layout changes made by
 * mpmgr (split, join, assign-output, rename). mpcomp.ini stays the
 * administrator's; this file is mpcomp's own, written whole to a
 * temporary file and renamed over the old one, so that it is never left
 * half-written. Pure code: no compositor objects. */

struct mp_learned_pairing {
	char *group;   // a hub group key
	char *station; // the station's key (see mp_learned_station)
};

/* A station whose layout differs from mpcomp.ini's, or that mpcomp.ini
 * does not have (made by a split). */
struct mp_learned_station {
	char *key;  // its name in mpcomp.ini, or the name it was made with
	char *name; // renamed to this, NULL: not renamed
	char *from; // made by splitting this station (key), NULL: not made
	bool removed;     // joined into another station: it is no more
	bool has_outputs; // outputs and split replace mpcomp.ini's
	char **outputs;
	size_t n_outputs;
	enum mp_split split;
};

struct mp_learned {
	char *path; // DIR/stations.ini
	char *dir;
	struct mp_learned_pairing *pairings;
	size_t n_pairings;
	struct mp_learned_station *stations;
	size_t n_stations;
};

/* Reads DIR/stations.ini. Always returns one (NULL only when out of
 * memory): when there is no file it is empty; when the file cannot be
 * read or is not what mpcomp writes, it is empty too and *error says why
 * (malloc'd), and the file is left as it is until the next save. */
struct mp_learned *learned_load(const char *dir, char **error);
/* Parses text as stations.ini; same contract (for tests). */
struct mp_learned *learned_parse(const char *dir, const char *text,
	char **error);
/* Writes the file (and DIR, 0755, if missing) atomically. false with
 * *error (malloc'd) when it cannot; the old file is then untouched. */
bool learned_save(const struct mp_learned *learned, char **error);
void learned_destroy(struct mp_learned *learned);

/* The station a hub group is paired with, NULL if none. */
const char *learned_pairing(const struct mp_learned *learned,
	const char *group);
/* Pairs group with station (replacing its old pairing); station NULL
 * forgets it. false when out of memory. */
bool learned_set_pairing(struct mp_learned *learned, const char *group,
	const char *station);
/* Forgets every pairing with station; returns how many. */
size_t learned_forget_station(struct mp_learned *learned,
	const char *station);
/* Moves every pairing of station from to station to. */
bool learned_move_pairings(struct mp_learned *learned, const char *from,
	const char *to);

/* The entry for key, made (empty) when create is set; NULL if none. */
struct mp_learned_station *learned_station(struct mp_learned *learned,
	const char *key, bool create);
/* Forgets the entry for key, if any. */
void learned_remove_station(struct mp_learned *learned, const char *key);
/* Sets its outputs (copied) and split. */
bool learned_station_set_outputs(struct mp_learned_station *ls,
	char *const *outputs, size_t n, enum mp_split split);

#endif
