#ifndef MP_AUTHORISE_H
#define MP_AUTHORISE_H

/* Who may do what through the admin protocol: pure code, decided from the
 * peer credentials of a connection (SO_PEERCRED and SO_PEERGROUPS), so
 * that it can be tested with any credentials. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct mp_peer {
	uid_t uid;
	gid_t gid;             // its effective group
	const gid_t *groups;   // its supplementary groups
	size_t n_groups;
};

/* What a request does, as far as authorisation goes. */
enum mp_verb {
	MP_VERB_LOCK = 0,   // lock a station
	MP_VERB_DISCONNECT, // park a session, as its user
	MP_VERB_LOGOFF,     // log a session off
	MP_VERB_SUSPEND,    // park a session, as an admin
	MP_VERB_END,
	MP_VERB_UNLOCK,
	MP_VERB_BLOCK,      // block and unblock
	MP_VERB_MESSAGE,
	MP_VERB_IDENTIFY,
	MP_VERB_THUMBNAIL,
	MP_VERB_RENAME,
	MP_VERB_MAINTENANCE,
	MP_VERB_PAIR,       // pairing mode, clearing pairings
	MP_VERB_LAYOUT,     // split, join, assign an output or a device
};

/* An admin: root, the user mpcomp runs as (its own compositor), or a
 * member of the admin group (admin_gid NULL: there is none). */
bool authorise_is_admin(const struct mp_peer *peer, uid_t own_uid,
	const gid_t *admin_gid);
/* Whether a peer may do verb; own: the target is the peer's own session
 * (or the station showing it). Admins may do everything; other users only
 * lock, disconnect and log off their own session. */
bool authorise_may(bool admin, enum mp_verb verb, bool own);

#endif
