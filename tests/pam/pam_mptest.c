/* pam_mptest: a PAM module for mpcomp's tests, loaded through pam_wrapper.
 * Options (module arguments):
 *   prompts=N        asks N more questions "Code K:" (echo on), each
 *                    answered right by "codeK"
 *   delay=MS         authentication takes this long
 *   info=TEXT        sends TEXT as an info message (underscores: spaces)
 *   error=TEXT       sends TEXT as an error message
 *   env=KEY=VALUE    put into the session's environment
 *   log=FILE         appends "auth USER" once authentication's delay is
 *                    over, "open USER" / "close USER" at session start/end
 *   close_delay=MS   closing the session takes this long (after the
 *                    session's processes are gone)
 *   open_delay=MS    opening the session takes this long
 *   session_prompt=1 opening the session asks a question ("Mount
 *                    password:", echo on), as pam_mount may
 */
#include <security/pam_appl.h>
#include <security/pam_modules.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *arg(int argc, const char **argv, const char *key) {
	size_t len = strlen(key);
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], key, len) == 0 && argv[i][len] == '=') {
			return argv[i] + len + 1;
		}
	}
	return NULL;
}

static int converse(pam_handle_t *pamh, int style, const char *text,
		char **answer) {
	const struct pam_conv *conv;
	if (pam_get_item(pamh, PAM_CONV, (const void **)&conv) != PAM_SUCCESS ||
			conv == NULL) {
		return PAM_CONV_ERR;
	}
	struct pam_message msg = { .msg_style = style, .msg = text };
	const struct pam_message *msgs[] = { &msg };
	struct pam_response *resp = NULL;
	int ret = conv->conv(1, msgs, &resp, conv->appdata_ptr);
	if (ret != PAM_SUCCESS) {
		return ret;
	}
	if (answer != NULL) {
		*answer = resp && resp->resp ? resp->resp : strdup("");
	} else if (resp != NULL) {
		free(resp->resp);
	}
	free(resp);
	return PAM_SUCCESS;
}

static char *spaces(const char *text) {
	char *copy = strdup(text);
	for (char *p = copy; *p; p++) {
		if (*p == '_') {
			*p = ' ';
		}
	}
	return copy;
}

static void log_line(int argc, const char **argv, pam_handle_t *pamh,
	const char *what);

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
		const char **argv) {
	const char *delay = arg(argc, argv, "delay");
	if (delay != NULL) {
		long ms = strtol(delay, NULL, 10);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
		nanosleep(&ts, NULL);
	}
	log_line(argc, argv, pamh, "auth");
	const char *info = arg(argc, argv, "info");
	if (info != NULL) {
		char *text = spaces(info);
		converse(pamh, PAM_TEXT_INFO, text, NULL);
		free(text);
	}
	const char *error = arg(argc, argv, "error");
	if (error != NULL) {
		char *text = spaces(error);
		converse(pamh, PAM_ERROR_MSG, text, NULL);
		free(text);
	}
	const char *prompts = arg(argc, argv, "prompts");
	int n = prompts ? atoi(prompts) : 0;
	for (int i = 1; i <= n; i++) {
		char question[32], expect[32];
		snprintf(question, sizeof(question), "Code %d:", i);
		snprintf(expect, sizeof(expect), "code%d", i);
		char *answer = NULL;
		int ret = converse(pamh, PAM_PROMPT_ECHO_ON, question, &answer);
		if (ret != PAM_SUCCESS) {
			return PAM_AUTH_ERR;
		}
		bool right = strcmp(answer, expect) == 0;
		free(answer);
		if (!right) {
			return PAM_AUTH_ERR;
		}
	}
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc,
		const char **argv) {
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc,
		const char **argv) {
	return PAM_SUCCESS;
}

static void log_line(int argc, const char **argv, pam_handle_t *pamh,
		const char *what) {
	const char *path = arg(argc, argv, "log");
	const char *user = NULL;
	pam_get_item(pamh, PAM_USER, (const void **)&user);
	if (path != NULL) {
		FILE *f = fopen(path, "a");
		if (f != NULL) {
			fprintf(f, "%s %s\n", what, user ? user : "?");
			fclose(f);
		}
	}
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
		const char **argv) {
	const char *env = arg(argc, argv, "env");
	if (env != NULL) {
		pam_putenv(pamh, env);
	}
	const char *delay = arg(argc, argv, "open_delay");
	if (delay != NULL) {
		long ms = strtol(delay, NULL, 10);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (arg(argc, argv, "session_prompt") != NULL) {
		char *answer = NULL;
		if (converse(pamh, PAM_PROMPT_ECHO_ON, "Mount password:",
				&answer) != PAM_SUCCESS) {
			return PAM_SESSION_ERR;
		}
		free(answer);
	}
	log_line(argc, argv, pamh, "open");
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
		const char **argv) {
	const char *delay = arg(argc, argv, "close_delay");
	if (delay != NULL) {
		long ms = strtol(delay, NULL, 10);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	log_line(argc, argv, pamh, "close");
	return PAM_SUCCESS;
}
