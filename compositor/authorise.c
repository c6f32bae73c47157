#include "authorise.h"

bool authorise_is_admin(const struct mp_peer *peer, uid_t own_uid,
		const gid_t *admin_gid) {
	if (peer->uid == 0 || peer->uid == own_uid) {
		return true;
	}
	if (admin_gid == NULL) {
		return false;
	}
	if (peer->gid == *admin_gid) {
		return true;
	}
	for (size_t i = 0; i < peer->n_groups; i++) {
		if (peer->groups[i] == *admin_gid) {
			return true;
		}
	}
	return false;
}

bool authorise_may(bool admin, enum mp_verb verb, bool own) {
	if (admin) {
		return true;
	}
	switch (verb) {
	case MP_VERB_LOCK:
	case MP_VERB_DISCONNECT:
	case MP_VERB_LOGOFF:
		return own;
	case MP_VERB_SUSPEND:
	case MP_VERB_END:
	case MP_VERB_UNLOCK:
	case MP_VERB_BLOCK:
	case MP_VERB_MESSAGE:
	case MP_VERB_IDENTIFY:
	case MP_VERB_THUMBNAIL:
	case MP_VERB_RENAME:
	case MP_VERB_MAINTENANCE:
	case MP_VERB_PAIR:
	case MP_VERB_LAYOUT:
		break;
	}
	return false;
}
