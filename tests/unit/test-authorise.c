/* Who may do what through the admin protocol, with injected credentials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "authorise.h"

#define OWN 1000    // the user mpcomp runs as
#define ADMINS 50   // the admin group

static void test_root_and_own_user_are_admins(void **state) {
	gid_t admins = ADMINS;
	struct mp_peer root = { .uid = 0, .gid = 0 };
	struct mp_peer own = { .uid = OWN, .gid = OWN };
	assert_true(authorise_is_admin(&root, OWN, &admins));
	assert_true(authorise_is_admin(&own, OWN, &admins));
	assert_true(authorise_is_admin(&root, OWN, NULL));
	assert_true(authorise_is_admin(&own, OWN, NULL));
}

static void test_admin_group_by_gid_or_supplementary(void **state) {
	gid_t admins = ADMINS;
	gid_t groups[] = { 24, ADMINS, 100 };
	struct mp_peer by_gid = { .uid = 1001, .gid = ADMINS };
	struct mp_peer by_groups = { .uid = 1002, .gid = 1002, .groups = groups,
		.n_groups = 3 };
	assert_true(authorise_is_admin(&by_gid, OWN, &admins));
	assert_true(authorise_is_admin(&by_groups, OWN, &admins));
	// No admin group configured (or it does not exist): neither is.
	assert_false(authorise_is_admin(&by_gid, OWN, NULL));
	assert_false(authorise_is_admin(&by_groups, OWN, NULL));
}

static void test_stranger_is_not_an_admin(void **state) {
	gid_t admins = ADMINS;
	gid_t groups[] = { 24, 100 };
	struct mp_peer stranger = { .uid = 1003, .gid = 1003, .groups = groups,
		.n_groups = 2 };
	assert_false(authorise_is_admin(&stranger, OWN, &admins));
}

static void test_admins_may_everything(void **state) {
	for (int v = MP_VERB_LOCK; v <= MP_VERB_MAINTENANCE; v++) {
		assert_true(authorise_may(true, v, false));
		assert_true(authorise_may(true, v, true));
	}
}

static void test_users_only_lock_disconnect_logoff_their_own(void **state) {
	for (int v = MP_VERB_LOCK; v <= MP_VERB_MAINTENANCE; v++) {
		bool users_verb = v == MP_VERB_LOCK || v == MP_VERB_DISCONNECT ||
			v == MP_VERB_LOGOFF;
		assert_int_equal(authorise_may(false, v, true), users_verb);
		assert_false(authorise_may(false, v, false));
	}
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_and_own_user_are_admins),
		cmocka_unit_test(test_admin_group_by_gid_or_supplementary),
		cmocka_unit_test(test_stranger_is_not_an_admin),
		cmocka_unit_test(test_admins_may_everything),
		cmocka_unit_test(test_users_only_lock_disconnect_logoff_their_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
