#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wlr/util/log.h>
#include "compositor.h"
#include "config.h"
#include "server.h"
#include "test/test.h"

#define DEFAULT_CONFIG "/etc/mpcomp/mpcomp.ini"

static const char usage[] =
	"Usage: mpcomp [OPTIONS]\n"
	"\n"
	"A multiseat Wayland compositor: one process drives every output and\n"
	"input device and splits them into stations.\n"
	"\n"
	"  -c, --config FILE        configuration (default " DEFAULT_CONFIG
	" if it exists)\n"
	"      --check-config FILE  validate FILE, print every error, exit 0 or 1\n"
	"      --headless N:WxH[,WxH...]\n"
	"                           N headless outputs instead of the hardware\n"
	"      --admin-socket PATH  the admin socket of mpmgr (default\n"
	"                           /run/mpcomp/admin as root, else\n"
	"                           $XDG_RUNTIME_DIR/mpcomp-admin)\n"
	"      --state-dir DIR      where stations.ini (learned pairings and\n"
	"                           layout changes) is kept (default\n"
	"                           " MP_DEFAULT_STATE_DIR " as root, else\n"
	"                           $XDG_STATE_HOME/mpcomp)\n"
	"      --test-protocol      offer mp_test_v1 on a test socket (tests only)\n"
	"  -d, --debug              verbose log\n"
	"  -h, --help               this help\n"
	"  -v, --version            print the version\n";

static void print_errors(const struct mp_config *config) {
	for (size_t i = 0; i < config->n_errors; i++) {
		fprintf(stderr, "%s\n", config->errors[i]);
	}
}

int main(int argc, char *argv[]) {
	enum { OPT_CHECK = 256, OPT_HEADLESS, OPT_TEST, OPT_ADMIN, OPT_STATE };
	static const struct option long_options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", required_argument, NULL, OPT_CHECK },
		{ "headless", required_argument, NULL, OPT_HEADLESS },
		{ "test-protocol", no_argument, NULL, OPT_TEST },
		{ "admin-socket", required_argument, NULL, OPT_ADMIN },
		{ "state-dir", required_argument, NULL, OPT_STATE },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ 0 },
	};
	struct mp_compositor_options options = { 0 };
	const char *config_path = NULL;
	const char *check = NULL;
	enum wlr_log_importance log_level = WLR_INFO;
	int c;
	while ((c = getopt_long(argc, argv, "c:dhv", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case OPT_CHECK:
			check = optarg;
			break;
		case OPT_HEADLESS:
			options.headless_spec = optarg;
			break;
		case OPT_TEST:
			options.test_protocol = true;
			break;
		case OPT_ADMIN:
			if (optarg[0] == '\0') {
				fprintf(stderr, "mpcomp: --admin-socket: empty path\n");
				return 1;
			}
			options.admin_socket = optarg;
			break;
		case OPT_STATE:
			if (optarg[0] == '\0') {
				fprintf(stderr, "mpcomp: --state-dir: empty path\n");
				return 1;
			}
			options.state_dir = optarg;
			break;
		case 'd':
			log_level = WLR_DEBUG;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'v':
			printf("mpcomp %s\n", MPCOMP_VERSION);
			return 0;
		default:
			fputs(usage, stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mpcomp: unexpected argument '%s'\n%s", argv[optind],
			usage);
		return 1;
	}

	if (check != NULL) {
		struct mp_config *config = config_load(check);
		if (config == NULL) {
			fprintf(stderr, "mpcomp: out of memory\n");
			return 1;
		}
		int ret = config->n_errors ? 1 : 0;
		print_errors(config);
		if (ret == 0) {
			printf("%s: OK, %zu station(s)\n", check, config->n_stations);
		}
		config_destroy(config);
		return ret;
	}

	wlr_log_init(log_level, NULL);
	const char *path = config_path;
	if (path == NULL && access(DEFAULT_CONFIG, F_OK) == 0) {
		path = DEFAULT_CONFIG;
	}
	struct mp_config *config = path ? config_load(path) :
		config_create_default();
	if (config == NULL) {
		fprintf(stderr, "mpcomp: out of memory\n");
		return 1;
	}
	if (config->n_errors > 0) {
		print_errors(config);
		fprintf(stderr, "mpcomp: %s has %zu error(s); not starting\n", path,
			config->n_errors);
		config_destroy(config);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);

	struct mp_server server = { 0 };
	int ret = 1;
	if (!compositor_init(&server, config, &options) ||
			!compositor_start(&server)) {
		wlr_log(WLR_ERROR, "start-up failed");
		goto end;
	}
	if (server.test != NULL) {
		// The harness reads this line to know we are ready.
		printf("MPCOMP_TEST_SOCKET=%s\n", test_socket_path(server.test));
		fflush(stdout);
	}
	wlr_log(WLR_INFO, "running with %zu station(s)",
		(size_t)wl_list_length(&server.stations));
	wl_display_run(server.display);
	ret = 0;

end:
	compositor_finish(&server);
	config_destroy(config);
	return ret;
}
