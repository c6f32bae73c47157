#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

/* Runs mpcomp --check-config on text; returns the exit status and the
 * output (stdout and stderr together). */
static int check(const char *text, char **output) {
	char dir[] = "/tmp/mpcomp-check-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *ini = harness_format("%s/bad.ini", dir);
	char *out = harness_format("%s/out.txt", dir);
	FILE *f = fopen(ini, "w");
	fputs(text, f);
	fclose(f);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(harness_mpcomp(), "mpcomp", "--check-config", ini, (char *)NULL);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	*output = harness_read_file(out);
	unlink(out);
	unlink(ini);
	rmdir(dir);
	free(out);
	free(ini);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_good_config(void **state) {
	char *output;
	assert_int_equal(check("[station a]\noutputs = DP-1\nsplit = left\n"
		"[station b]\noutputs = DP-1\nsplit = right\n", &output), 0);
	assert_non_null(strstr(output, "OK, 2 station(s)"));
	free(output);

	// CRLF and CR line endings read the same as LF (a CR-only file used
	// to read as empty: one station per output).
	assert_int_equal(check("[station a]\r\noutputs = DP-1\r\nsplit = left\r\n"
		"[station b]\r\noutputs = DP-1\r\nsplit = right\r\n", &output), 0);
	assert_non_null(strstr(output, "OK, 2 station(s)"));
	free(output);
	assert_int_equal(check("[station a]\routputs = DP-1\rsplit = left\r"
		"[station b]\routputs = DP-1\rsplit = right\r", &output), 0);
	assert_non_null(strstr(output, "OK, 2 station(s)"));
	free(output);

	// A comment after a value is not part of it (the outputs were
	// DP-1, #, left, monitor, and # was claimed twice).
	assert_int_equal(check("[compositor]\nbackground = #29394d  # grey\n"
		"[station a]\noutputs = DP-1  # left monitor\n"
		"[station b]\noutputs = DP-2\t# right monitor\n", &output), 0);
	assert_non_null(strstr(output, "OK, 2 station(s)"));
	free(output);
}

static void test_bad_configs(void **state) {
	static const struct {
		const char *text;
		const char *expect; // line number and reason
	} cases[] = {
		{ "[station a]\noutputs = X\nfoo = 1\n", "bad.ini:3: station 'a': "
			"unknown key 'foo'" },
		{ "[station a]\noutputs = X\n[station a]\noutputs = Y\n",
			"bad.ini:3: duplicate station 'a'" },
		{ "[station a]\noutputs = X\n[station b]\noutputs = X\n",
			"bad.ini:4: station 'b': output X already claimed" },
		{ "[station a]\noutputs = X\nsplit = right\n[station b]\n"
			"outputs = X\nsplit = right\n", "bad.ini:6: station 'b': right "
			"half of X overlaps" },
		{ "[station a]\noutputs = X\nsplit = top\n",
			"bad.ini:3: station 'a': bad split value 'top'" },
		// nan passes any range check; it used to disable the timer
		{ "[compositor]\nlogoff-grace = nan\n",
			"bad.ini:2: bad logoff-grace 'nan'" },
		{ "[compositor]\nsignin-timeout = 1e999\n",
			"bad.ini:2: bad signin-timeout '1e999'" },
		{ "[station a]\routputs = X\rfoo = 1\r", "bad.ini:3: station 'a': "
			"unknown key 'foo'" },
		{ "[station a]\noutputs = X\nsplit = left\nsplit = right\n",
			"bad.ini:4: station 'a': duplicate key 'split' (first on "
			"line 3)" },
		{ "[compositor]\n[station a]\noutputs = X\n[compositor]\n",
			"bad.ini:4: duplicate section [compositor] (first on line 1)" },
		{ "[station a] b\noutputs = X\n",
			"bad.ini:1: junk after ] of the section header: 'b'" },
		// an indented line used to continue the previous value
		{ "[station a]\noutputs = HEADLESS-1\n  split = left\n",
			"bad.ini:3: indented line: remove the leading spaces" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *output;
		assert_int_equal(check(cases[i].text, &output), 1);
		if (strstr(output, cases[i].expect) == NULL) {
			fail_msg("case %zu: want '%s' in '%s'", i, cases[i].expect,
				output);
		}
		free(output);
	}
}

/* Lines of up to MP_CONFIG_MAX_LINE (1024) bytes are read whole; a longer
 * one is an error with its line number. */
static void test_long_lines(void **state) {
	for (int len = 1024; len <= 1025; len++) {
		char *text = harness_format("[station a]\noutputs = X\n"
			"session-command = %0*d\n", len - 18, 0);
		char *output;
		int status = check(text, &output);
		if (len == 1024) {
			assert_int_equal(status, 0);
		} else {
			assert_int_equal(status, 1);
			assert_non_null(strstr(output, "bad.ini:3: line too long (1025 "
				"bytes, at most 1024)"));
		}
		free(output);
		free(text);
	}
}

/* Keymaps are compiled during the check; xkbcommon's own messages stay
 * out of the output, its reason goes into the error. */
static void test_keymaps(void **state) {
	char *output;
	assert_int_equal(check("[station a]\noutputs = X\nlayout = es\n"
		"variant = nodeadkeys\noptions = ctrl:nocaps\n", &output), 0);
	assert_non_null(strstr(output, "OK, 1 station(s)"));
	free(output);

	assert_int_equal(check("[station a]\noutputs = X\nlayout = us\n"
		"[station b]\noutputs = Y\nlayout = xx\n", &output), 1);
	const char *want = "bad.ini:6: station 'b': bad layout 'xx' (xkbcommon: "
		"Couldn't find file \"symbols/xx\" in include paths)\n";
	const char *found = strstr(output, want);
	if (found == NULL || strlen(found) != strlen(want) ||
			strchr(output, '\n') != found + strlen(want) - 1) {
		fail_msg("want only '%s', got '%s'", want, output);
	}
	free(output);
}

static void test_all_errors_at_once(void **state) {
	char *output;
	assert_int_equal(check("[station a]\noutputs = X\nsplit = up\n"
		"[bogus]\n[station a]\noutputs = Y\n", &output), 1);
	assert_non_null(strstr(output, ":3:"));
	assert_non_null(strstr(output, ":4:"));
	assert_non_null(strstr(output, ":5:"));
	free(output);

	// Every syntax error, not only the first.
	assert_int_equal(check("[station a]\noutputs = X\nnot ini\nnor this\n",
		&output), 1);
	assert_non_null(strstr(output, "bad.ini:3: syntax error"));
	assert_non_null(strstr(output, "bad.ini:4: syntax error"));
	free(output);
}

/* Runs --check-config on every block of file (under MP_SOURCE_ROOT)
 * between a line starting with fence and a line "```"; returns how many. */
static int check_examples(const char *file, const char *fence) {
	const char *root = getenv("MP_SOURCE_ROOT");
	if (root == NULL) {
		fail_msg("MP_SOURCE_ROOT is not set");
	}
	char *path = harness_format("%s/%s", root, file);
	char *text = harness_read_file(path);
	if (text == NULL) {
		fail_msg("cannot read %s", path);
	}
	int n = 0, line = 0, start = 0;
	char *example = NULL;
	size_t size = 0;
	FILE *f = NULL;
	for (char *p = text, *next; *p != '\0'; p = next) {
		line++;
		char *nl = strchr(p, '\n');
		next = nl ? nl + 1 : p + strlen(p);
		size_t len = (size_t)(next - p);
		const char *t = p + strspn(p, " \t");
		if (f == NULL && strncmp(t, fence, strlen(fence)) == 0) {
			f = open_memstream(&example, &size);
			start = line;
		} else if (f != NULL && strncmp(t, "```", 3) == 0) {
			fclose(f);
			f = NULL;
			n++;
			char *output;
			if (check(example, &output) != 0) {
				fail_msg("%s: the example of line %d fails the check:\n%s"
					"output:\n%s", file, start, example, output);
			}
			free(output);
			free(example);
			example = NULL;
		} else if (f != NULL) {
			fwrite(p, 1, len, f);
		}
	}
	assert_null(f);
	free(text);
	free(path);
	return n;
}

/* Every configuration in the documentation passes the check: README.md's
 * ```ini blocks, every literal block of mpcomp.ini(5) and data/mpcomp.ini. */
static void test_documented_examples(void **state) {
	assert_true(check_examples("README.md", "```ini") >= 1);
	assert_true(check_examples("data/man/mpcomp.ini.5.scd", "```") >= 1);

	const char *root = getenv("MP_SOURCE_ROOT");
	assert_non_null(root);
	char *path = harness_format("%s/data/mpcomp.ini", root);
	char *text = harness_read_file(path);
	assert_non_null(text);
	char *output;
	if (check(text, &output) != 0) {
		fail_msg("data/mpcomp.ini fails the check:\n%s", output);
	}
	free(output);
	free(text);
	free(path);
}

static void test_refuses_to_start_with_bad_config(void **state) {
	// The compositor itself will not start on a config with errors.
	struct mp_harness *h = harness_start("[station a]\nbad key\n",
		"1:640x480");
	assert_null(h);
}

int main(void) {
	struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_config),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_keymaps),
		cmocka_unit_test(test_all_errors_at_once),
		cmocka_unit_test(test_documented_examples),
		cmocka_unit_test(test_refuses_to_start_with_bad_config),
	};
	return RUN_TESTS(tests);
}
