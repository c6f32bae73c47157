/* Who may do what through the admin protocol, decided from injected
 * credentials (authorise.c is pure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "authorise.h"

#define OWN_UID 1000   // the user mpcomp runs as
#define ADMIN_GID 990  // the admin group
#define STRANGER 2000
#define USERS_GID 100

static const gid_t admin_gid = ADMIN_GID;

static const enum mp_verb all_verbs[] = {
	MP_VERB_LOCK, MP_VERB_DISCONNECT, MP_VERB_LOGOFF, MP_VERB_SUSPEND,
	MP_VERB_END, MP_VERB_UNLOCK, MP_VERB_BLOCK, MP_VERB_MESSAGE,
	MP_VERB_IDENTIFY, MP_VERB_THUMBNAIL, MP_VERB_RENAME, MP_VERB_MAINTENANCE,
};
#define N_VERBS (sizeof(all_verbs) / sizeof(all_verbs[0]))

static bool user_verb(enum mp_verb verb) {
	return verb == MP_VERB_LOCK || verb == MP_VERB_DISCONNECT ||
		verb == MP_VERB_LOGOFF;
}

static void test_root_is_admin(void **state) {
	struct mp_peer peer = { .uid = 0, .gid = 0 };
	assert_true(authorise_is_admin(&peer, OWN_UID, &admin_gid));
	assert_true(authorise_is_admin(&peer, OWN_UID, NULL));
}

static void test_root_in_a_group_of_strangers_is_admin(void **state) {
	static const gid_t groups[] = { USERS_GID };
	struct mp_peer peer = { .uid = 0, .gid = USERS_GID, .groups = groups,
		.n_groups = 1 };
	assert_true(authorise_is_admin(&peer, OWN_UID, &admin_gid));
}

static void test_own_user_is_admin(void **state) {
	struct mp_peer peer = { .uid = OWN_UID, .gid = USERS_GID };
	assert_true(authorise_is_admin(&peer, OWN_UID, &admin_gid));
	assert_true(authorise_is_admin(&peer, OWN_UID, NULL));
}

static void test_admin_group_by_gid_is_admin(void **state) {
	struct mp_peer peer = { .uid = STRANGER, .gid = ADMIN_GID };
	assert_true(authorise_is_admin(&peer, OWN_UID, &admin_gid));
}

static void test_admin_group_by_supplementary_groups_is_admin(
		void **state) {
	static const gid_t groups[] = { 24, 27, ADMIN_GID, 1001 };
	struct mp_peer peer = { .uid = STRANGER, .gid = USERS_GID,
		.groups = groups, .n_groups = 4 };
	assert_true(authorise_is_admin(&peer, OWN_UID, &admin_gid));
}

static void test_admin_group_as_the_last_supplementary_group(void **state) {
	static const gid_t groups[] = { 24, 27, ADMIN_GID };
	struct mp_peer peer = { .uid = STRANGER, .gid = USERS_GID,
		.groups = groups, .n_groups = 3 };
	assert_true(authorise_is_admin(&peer, OWN_UID, &admin_gid));
}

static void test_stranger_is_not_admin(void **state) {
	static const gid_t groups[] = { 24, 27, 1001 };
	struct mp_peer peer = { .uid = STRANGER, .gid = USERS_GID,
		.groups = groups, .n_groups = 3 };
	assert_false(authorise_is_admin(&peer, OWN_UID, &admin_gid));
	struct mp_peer bare = { .uid = STRANGER, .gid = USERS_GID };
	assert_false(authorise_is_admin(&bare, OWN_UID, &admin_gid));
}

static void test_groups_past_n_groups_do_not_count(void **state) {
	// Only the first n_groups entries are the peer's.
	static const gid_t groups[] = { 24, ADMIN_GID };
	struct mp_peer peer = { .uid = STRANGER, .gid = USERS_GID,
		.groups = groups, .n_groups = 1 };
	assert_false(authorise_is_admin(&peer, OWN_UID, &admin_gid));
}

static void test_without_admin_group_only_root_and_own_uid(void **state) {
	static const gid_t groups[] = { ADMIN_GID };
	struct mp_peer member = { .uid = STRANGER, .gid = ADMIN_GID,
		.groups = groups, .n_groups = 1 };
	assert_false(authorise_is_admin(&member, OWN_UID, NULL));
	struct mp_peer root = { .uid = 0, .gid = 0 };
	assert_true(authorise_is_admin(&root, OWN_UID, NULL));
	struct mp_peer own = { .uid = OWN_UID, .gid = USERS_GID };
	assert_true(authorise_is_admin(&own, OWN_UID, NULL));
}

static void test_mpcomp_as_root_makes_no_other_uid_admin(void **state) {
	// mpcomp runs as root: its own uid is 0, a user is no admin.
	struct mp_peer peer = { .uid = OWN_UID, .gid = USERS_GID };
	assert_false(authorise_is_admin(&peer, 0, &admin_gid));
	assert_false(authorise_is_admin(&peer, 0, NULL));
}

static void test_admins_may_every_verb(void **state) {
	for (size_t i = 0; i < N_VERBS; i++) {
		assert_true(authorise_may(true, all_verbs[i], true));
		assert_true(authorise_may(true, all_verbs[i], false));
	}
}

static void test_users_may_lock_disconnect_logoff_their_own(void **state) {
	assert_true(authorise_may(false, MP_VERB_LOCK, true));
	assert_true(authorise_may(false, MP_VERB_DISCONNECT, true));
	assert_true(authorise_may(false, MP_VERB_LOGOFF, true));
}

static void test_users_may_not_act_on_others(void **state) {
	assert_false(authorise_may(false, MP_VERB_LOCK, false));
	assert_false(authorise_may(false, MP_VERB_DISCONNECT, false));
	assert_false(authorise_may(false, MP_VERB_LOGOFF, false));
}

static void test_users_may_no_other_verb_even_their_own(void **state) {
	for (size_t i = 0; i < N_VERBS; i++) {
		if (user_verb(all_verbs[i])) {
			continue;
		}
		assert_false(authorise_may(false, all_verbs[i], true));
		assert_false(authorise_may(false, all_verbs[i], false));
	}
}

static void test_unknown_verb_is_refused_to_users(void **state) {
	assert_false(authorise_may(false, (enum mp_verb)99, true));
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_is_admin),
		cmocka_unit_test(test_root_in_a_group_of_strangers_is_admin),
		cmocka_unit_test(test_own_user_is_admin),
		cmocka_unit_test(test_admin_group_by_gid_is_admin),
		cmocka_unit_test(test_admin_group_by_supplementary_groups_is_admin),
		cmocka_unit_test(test_admin_group_as_the_last_supplementary_group),
		cmocka_unit_test(test_stranger_is_not_admin),
		cmocka_unit_test(test_groups_past_n_groups_do_not_count),
		cmocka_unit_test(test_without_admin_group_only_root_and_own_uid),
		cmocka_unit_test(test_mpcomp_as_root_makes_no_other_uid_admin),
		cmocka_unit_test(test_admins_may_every_verb),
		cmocka_unit_test(test_users_may_lock_disconnect_logoff_their_own),
		cmocka_unit_test(test_users_may_not_act_on_others),
		cmocka_unit_test(test_users_may_no_other_verb_even_their_own),
		cmocka_unit_test(test_unknown_verb_is_refused_to_users),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
