/* mpmgr: administer a running mpcomp through mp_manager_v1 (its admin
 * socket): list and watch its stations, sessions and input devices, act on
 * them, pair keyboards and change which outputs and devices make up which
 * station. */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "mpmgr.h"

#ifndef MPMGR_VERSION
#define MPMGR_VERSION "unknown"
#endif

static const char usage[] =
	"Usage: mpmgr [--socket PATH] [--json] VERB [ARGS]\n"
	"       mpmgr help [VERB] | --help | --version\n"
	"\n"
	"Administers a running mpcomp through its admin socket: lists and\n"
	"watches its stations, sessions and input devices, acts on them, and\n"
	"changes which outputs and devices make up which station. Admins\n"
	"(root, the user mpcomp runs as, members of its admin-group) may do\n"
	"everything; any other user sees only their own session and may only\n"
	"lock, disconnect and log off that.\n"
	"\n"
	"Verbs:\n"
	"  stations [--json]                 the stations, with their sessions\n"
	"  sessions [--json]                 the sessions\n"
	"  devices [--json]                  the input devices, where they are\n"
	"  watch [--json]                    the state, then every change\n"
	"  lock [STATION|--all]              lock a station (default: yours)\n"
	"  unlock STATION|--all              unlock a station without password\n"
	"  disconnect [SESSION|--station NAME|--all]\n"
	"                                    park a session (default: yours)\n"
	"  logoff [SESSION|--station NAME|--all]\n"
	"                                    log a session off (default: yours)\n"
	"  suspend SESSION|--station NAME|--all\n"
	"                                    park a session\n"
	"  end SESSION|--station NAME|--all [--warn SECONDS]\n"
	"                                    end a session\n"
	"  block STATION|--all [--message TEXT] [--for DURATION]\n"
	"                                    cover a station, ignore its input\n"
	"  unblock STATION|--all             end a block\n"
	"  message STATION|--all TEXT [--for DURATION]\n"
	"                                    show a banner at a station\n"
	"  identify [--off]                  show each station's name and key\n"
	"  rename STATION NEW                rename a station\n"
	"  maintenance on|off [--message TEXT]\n"
	"                                    forbid new sign-ins, or allow them\n"
	"  thumbnail STATION -o FILE.png [--size WxH]\n"
	"                                    save what a station shows\n"
	"  pair [--off]                      pair keyboards by their station's key\n"
	"  clear-pairings                    forget the free stations' pairings\n"
	"  split STATION [NEW-NAME] [--park]\n"
	"                                    split a station's output in two\n"
	"  join STATION [--park]             give a split output back whole\n"
	"  assign-output OUTPUT STATION [--park]\n"
	"                                    give an output to a station\n"
	"  assign-device DEVICE STATION|--none [--park]\n"
	"                                    give a device (and its hub) to a\n"
	"                                    station, or to none\n"
	"  help [VERB]                       this, or a verb's help\n"
	"\n"
	"Options:\n"
	"  --socket PATH  mpcomp's admin socket. Default: $MPCOMP_ADMIN_SOCKET,\n"
	"                 else /run/mpcomp/admin as root, else\n"
	"                 $XDG_RUNTIME_DIR/mpcomp-admin\n"
	"  --json         stations, sessions, devices, watch: one JSON object\n"
	"                 per line\n"
	"  -h, --help     this help ('mpmgr VERB --help': a verb's)\n"
	"  --version      print mpmgr's version\n"
	"\n"
	"Exit status: 0 done; 1 refused or failed (the reason on standard\n"
	"error), or no connection to mpcomp; 2 usage error. See mpmgr(1).\n";

/* Options a verb may take (after the verb). */
enum {
	OPT_STATION,
	OPT_ALL,
	OPT_WARN,
	OPT_MESSAGE,
	OPT_FOR,
	OPT_OFF,
	OPT_OUTPUT,
	OPT_SIZE,
	OPT_JSON,
	OPT_PARK,
	OPT_NONE,
	OPT_COUNT,
};

static const struct {
	const char *name, *alias;
	bool value;
} options[OPT_COUNT] = {
	[OPT_STATION] = { "--station", NULL, true },
	[OPT_ALL] = { "--all", NULL, false },
	[OPT_WARN] = { "--warn", NULL, true },
	[OPT_MESSAGE] = { "--message", NULL, true },
	[OPT_FOR] = { "--for", NULL, true },
	[OPT_OFF] = { "--off", NULL, false },
	[OPT_OUTPUT] = { "--output", "-o", true },
	[OPT_SIZE] = { "--size", NULL, true },
	[OPT_JSON] = { "--json", NULL, false },
	[OPT_PARK] = { "--park", NULL, false },
	[OPT_NONE] = { "--none", NULL, false },
};

#define OPT(o) (1u << (o))
#define MAX_ARGS 3

/* A verb's command line, as given. */
struct args {
	unsigned given;                   // OPT() bits
	const char *value[OPT_COUNT];
	const char *pos[MAX_ARGS];
	size_t npos;
};

/* A verb's command line, checked: what its request carries. */
struct call {
	const char *target;   // the target string sent
	char *target_owned;   // "@NAME", when target points to it
	const char *text;
	uint32_t seconds;
	bool on;
	bool park;            // layout verbs: park sessions in the way
	const char *object;   // an output or device by name
	uint32_t width, height;
	const char *path;
	bool json;
	int sigfd;            // watch: SIGINT and SIGTERM
};

struct verb {
	const char *name;
	const char *synopsis;     // after "mpmgr "
	const char *description;  // one paragraph
	const char *options;      // lines of options, or NULL
	const char *who;
	unsigned opts;            // OPT() bits it takes
	size_t max_args;
	/* Fills call from args before connecting, or prints a usage error
	 * and returns 2. */
	int (*check)(const struct verb *verb, const struct args *args,
		struct call *call);
	int (*run)(struct mpmgr *mgr, struct call *call);
};

static int usage_error(const char *verb, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	fputs("mpmgr: ", stderr);
	if (verb != NULL) {
		fprintf(stderr, "%s: ", verb);
	}
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (verb != NULL) {
		fprintf(stderr, "\nTry 'mpmgr %s --help'.\n", verb);
	} else {
		fputs("\nTry 'mpmgr --help'.\n", stderr);
	}
	return 2;
}

/* Parsing numbers: digits only (strtoul takes "-1" and " 1"). */

static bool parse_uint32(const char *s, uint32_t *out) {
	uint64_t n = 0;
	if (*s == '\0') {
		return false;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9') {
			return false;
		}
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > UINT32_MAX) {
			return false;
		}
	}
	*out = (uint32_t)n;
	return true;
}

/* "90", "90s", "5m", "2h", "1h30m", "1d": seconds; units largest first,
 * each at most once. */
static bool parse_duration(const char *s, uint32_t *out) {
	static const struct {
		char unit;
		uint32_t seconds;
	} units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
	if (*s == '\0') {
		return false;
	}
	uint64_t total = 0;
	size_t next_unit = 0;
	bool with_units = false;
	while (*s != '\0') {
		if (*s < '0' || *s > '9') {
			return false;
		}
		uint64_t n = 0;
		for (; *s >= '0' && *s <= '9'; s++) {
			n = n * 10 + (uint64_t)(*s - '0');
			if (n > UINT32_MAX) {
				return false;
			}
		}
		if (*s == '\0') {
			if (with_units) {
				return false;  // "1h30": 30 what?
			}
			total = n;
			break;
		}
		size_t i = next_unit;
		while (i < sizeof(units) / sizeof(units[0]) && units[i].unit != *s) {
			i++;
		}
		if (i == sizeof(units) / sizeof(units[0])) {
			return false;
		}
		total += n * units[i].seconds;
		if (total > UINT32_MAX) {
			return false;
		}
		next_unit = i + 1;
		with_units = true;
		s++;
	}
	*out = (uint32_t)total;
	return true;
}

static bool parse_size(const char *s, uint32_t *w, uint32_t *h) {
	const char *x = strchr(s, 'x');
	if (x == NULL || x - s > 5) {
		return false;
	}
	char width[8];
	memcpy(width, s, (size_t)(x - s));
	width[x - s] = '\0';
	return parse_uint32(width, w) && parse_uint32(x + 1, h) &&
		*w >= 1 && *w <= 4096 && *h >= 1 && *h <= 4096;
}

/* Checks: each verb's arguments into a call. */

static int check_list(const struct verb *verb, const struct args *args,
		struct call *call) {
	call->json |= (args->given & OPT(OPT_JSON)) != 0;
	return 0;
}

static int check_watch(const struct verb *verb, const struct args *args,
		struct call *call) {
	check_list(verb, args, call);
	// Blocked from now on, so that a signal while connecting is read
	// (and ends watch with 0) rather than killing it.
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	call->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (call->sigfd < 0) {
		fprintf(stderr, "mpmgr: watch: signalfd: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

/* SESSION, --station NAME or --all; none: "" (the caller's own). */
static int check_session_target(const struct verb *verb,
		const struct args *args, struct call *call, bool required) {
	int n = (args->npos > 0) + !!(args->given & OPT(OPT_STATION)) +
		!!(args->given & OPT(OPT_ALL));
	if (n > 1) {
		return usage_error(verb->name,
			"give one of SESSION, --station NAME and --all");
	} else if (n == 0 && required) {
		return usage_error(verb->name,
			"missing SESSION (or --station NAME, or --all)");
	}
	if (args->npos > 0) {
		call->target = args->pos[0];
	} else if (args->given & OPT(OPT_STATION)) {
		const char *name = args->value[OPT_STATION];
		size_t len = strlen(name) + 2;
		call->target_owned = mpmgr_xalloc(len);
		snprintf(call->target_owned, len, "@%s", name);
		call->target = call->target_owned;
	} else if (args->given & OPT(OPT_ALL)) {
		call->target = "*";
	} else {
		call->target = "";
	}
	return 0;
}

/* STATION or --all; none: "" (the station showing the caller's session). */
static int check_station_target(const struct verb *verb,
		const struct args *args, struct call *call, bool required) {
	bool all = args->given & OPT(OPT_ALL);
	if (all && args->npos > 0) {
		return usage_error(verb->name, "give STATION or --all, not both");
	} else if (!all && args->npos == 0 && required) {
		return usage_error(verb->name, "missing STATION (or --all)");
	}
	call->target = all ? "*" : args->npos > 0 ? args->pos[0] : "";
	return 0;
}

static int check_suspend(const struct verb *verb, const struct args *args,
		struct call *call) {
	return check_session_target(verb, args, call, true);
}

static int check_end(const struct verb *verb, const struct args *args,
		struct call *call) {
	if ((args->given & OPT(OPT_WARN)) &&
			!parse_uint32(args->value[OPT_WARN], &call->seconds)) {
		return usage_error(verb->name, "--warn takes whole seconds "
			"(0 to 4294967295), not '%s'", args->value[OPT_WARN]);
	}
	return check_session_target(verb, args, call, true);
}

static int check_own_session(const struct verb *verb,
		const struct args *args, struct call *call) {
	return check_session_target(verb, args, call, false);
}

static int check_lock(const struct verb *verb, const struct args *args,
		struct call *call) {
	return check_station_target(verb, args, call, false);
}

static int check_station(const struct verb *verb, const struct args *args,
		struct call *call) {
	return check_station_target(verb, args, call, true);
}

static int check_for(const struct verb *verb, const struct args *args,
		struct call *call) {
	if ((args->given & OPT(OPT_FOR)) &&
			!parse_duration(args->value[OPT_FOR], &call->seconds)) {
		return usage_error(verb->name, "--for takes a duration such as 90, "
			"90s, 5m, 2h, 1h30m or 1d, not '%s'", args->value[OPT_FOR]);
	}
	return 0;
}

static int check_block(const struct verb *verb, const struct args *args,
		struct call *call) {
	call->text = (args->given & OPT(OPT_MESSAGE)) ?
		args->value[OPT_MESSAGE] : "";
	int ret = check_for(verb, args, call);
	return ret ? ret : check_station_target(verb, args, call, true);
}

static int check_message(const struct verb *verb, const struct args *args,
		struct call *call) {
	bool all = args->given & OPT(OPT_ALL);
	size_t want = all ? 1 : 2;
	if (args->npos < want) {
		return usage_error(verb->name, all ? "missing TEXT" :
			args->npos == 0 ? "missing STATION (or --all) and TEXT" :
			"missing TEXT");
	} else if (args->npos > want) {
		return usage_error(verb->name, "unexpected argument '%s'",
			args->pos[want]);
	}
	call->target = all ? "*" : args->pos[0];
	call->text = args->pos[want - 1];
	return check_for(verb, args, call);
}

static int check_identify(const struct verb *verb, const struct args *args,
		struct call *call) {
	call->on = !(args->given & OPT(OPT_OFF));
	return 0;
}

static int check_rename(const struct verb *verb, const struct args *args,
		struct call *call) {
	if (args->npos < 2) {
		return usage_error(verb->name, args->npos == 0 ?
			"missing STATION and NEW" : "missing NEW");
	}
	call->target = args->pos[0];
	call->text = args->pos[1];
	return 0;
}

static int check_maintenance(const struct verb *verb, const struct args *args,
		struct call *call) {
	if (args->npos == 0) {
		return usage_error(verb->name, "missing on or off");
	} else if (strcmp(args->pos[0], "on") == 0) {
		call->on = true;
	} else if (strcmp(args->pos[0], "off") == 0) {
		call->on = false;
	} else {
		return usage_error(verb->name, "on or off, not '%s'", args->pos[0]);
	}
	if (!call->on && (args->given & OPT(OPT_MESSAGE))) {
		return usage_error(verb->name, "--message goes with on only");
	}
	call->text = (args->given & OPT(OPT_MESSAGE)) ?
		args->value[OPT_MESSAGE] : "";
	return 0;
}

static int check_thumbnail(const struct verb *verb, const struct args *args,
		struct call *call) {
	if (args->npos == 0) {
		return usage_error(verb->name, "missing STATION");
	} else if (!(args->given & OPT(OPT_OUTPUT)) ||
			args->value[OPT_OUTPUT][0] == '\0') {
		return usage_error(verb->name, "missing -o FILE.png");
	} else if ((args->given & OPT(OPT_SIZE)) && !parse_size(
			args->value[OPT_SIZE], &call->width, &call->height)) {
		return usage_error(verb->name, "--size takes WxH, each 1 to 4096, "
			"not '%s'", args->value[OPT_SIZE]);
	}
	call->target = args->pos[0];
	call->path = args->value[OPT_OUTPUT];
	return 0;
}

/* Pairing and layout. */

/* A name that is given must not be empty ("" means something else to
 * mpcomp: the caller's own station, or none). */
static int check_named(const struct verb *verb, const char *what,
		const char *value) {
	if (value[0] == '\0') {
		return usage_error(verb->name, "%s is empty", what);
	}
	return 0;
}

static int check_nothing(const struct verb *verb, const struct args *args,
		struct call *call) {
	return 0;
}

static int check_pair(const struct verb *verb, const struct args *args,
		struct call *call) {
	call->on = !(args->given & OPT(OPT_OFF));
	return 0;
}

static int check_split(const struct verb *verb, const struct args *args,
		struct call *call) {
	if (args->npos == 0) {
		return usage_error(verb->name, "missing STATION");
	}
	call->target = args->pos[0];
	call->text = args->npos > 1 ? args->pos[1] : "";
	call->park = args->given & OPT(OPT_PARK);
	int ret = check_named(verb, "STATION", call->target);
	if (ret == 0 && args->npos > 1) {
		ret = check_named(verb, "NEW-NAME", call->text);
	}
	return ret;
}

static int check_join(const struct verb *verb, const struct args *args,
		struct call *call) {
	if (args->npos == 0) {
		return usage_error(verb->name, "missing STATION");
	}
	call->target = args->pos[0];
	call->park = args->given & OPT(OPT_PARK);
	return check_named(verb, "STATION", call->target);
}

static int check_assign_output(const struct verb *verb,
		const struct args *args, struct call *call) {
	if (args->npos < 2) {
		return usage_error(verb->name, args->npos == 0 ?
			"missing OUTPUT and STATION" : "missing STATION");
	}
	call->object = args->pos[0];
	call->target = args->pos[1];
	call->park = args->given & OPT(OPT_PARK);
	int ret = check_named(verb, "OUTPUT", call->object);
	return ret ? ret : check_named(verb, "STATION", call->target);
}

static int check_assign_device(const struct verb *verb,
		const struct args *args, struct call *call) {
	bool none = args->given & OPT(OPT_NONE);
	if (args->npos == 0) {
		return usage_error(verb->name, none ? "missing DEVICE" :
			"missing DEVICE and STATION (or --none)");
	} else if (none && args->npos > 1) {
		return usage_error(verb->name, "give STATION or --none, not both");
	} else if (!none && args->npos < 2) {
		return usage_error(verb->name, "missing STATION (or --none)");
	}
	call->object = args->pos[0];
	call->target = none ? "" : args->pos[1];
	call->park = args->given & OPT(OPT_PARK);
	int ret = check_named(verb, "DEVICE", call->object);
	return ret || none ? ret : check_named(verb, "STATION", call->target);
}

/* Runs: the verbs, connected and with the snapshot read. */

static int run_stations(struct mpmgr *mgr, struct call *call) {
	mpmgr_print_stations(mgr, call->json);
	return 0;
}

static int run_sessions(struct mpmgr *mgr, struct call *call) {
	mpmgr_print_sessions(mgr, call->json);
	return 0;
}

static int run_devices(struct mpmgr *mgr, struct call *call) {
	int ret = mpmgr_need_version(mgr, 2);
	if (ret == 0) {
		mpmgr_print_devices(mgr, call->json);
	}
	return ret;
}

/* The snapshot is printed (mpmgr_watch_batch, at the first done); every
 * batch after it is, as it comes, until a signal or mpcomp's end. */
static int run_watch(struct mpmgr *mgr, struct call *call) {
	struct wl_display *display = mgr->display;
	struct pollfd fds[2] = {
		{ .fd = wl_display_get_fd(display), .events = POLLIN },
		{ .fd = call->sigfd, .events = POLLIN },
	};
	for (;;) {
		while (wl_display_prepare_read(display) != 0) {
			if (wl_display_dispatch_pending(display) < 0) {
				return mpmgr_lost(mgr);
			}
		}
		// Only destroy requests of removed objects go out.
		if (wl_display_flush(display) < 0 && errno != EAGAIN) {
			wl_display_cancel_read(display);
			return mpmgr_lost(mgr);
		}
		if (poll(fds, 2, -1) < 0) {
			wl_display_cancel_read(display);
			if (errno == EINTR) {
				continue;
			}
			fprintf(stderr, "mpmgr: watch: poll: %s\n", strerror(errno));
			return 1;
		}
		if (fds[1].revents & POLLIN) {
			wl_display_cancel_read(display);
			return 0;
		}
		if (fds[0].revents != 0) {
			if (wl_display_read_events(display) < 0) {
				return mpmgr_lost(mgr);
			}
		} else {
			wl_display_cancel_read(display);
		}
		if (wl_display_dispatch_pending(display) < 0) {
			return mpmgr_lost(mgr);
		}
	}
}

static int run_suspend(struct mpmgr *mgr, struct call *call) {
	return mpmgr_await(mgr,
		mp_manager_v1_suspend(mgr->manager, call->target), NULL);
}

static int run_end(struct mpmgr *mgr, struct call *call) {
	return mpmgr_await(mgr,
		mp_manager_v1_end(mgr->manager, call->target, call->seconds), NULL);
}

static int run_disconnect(struct mpmgr *mgr, struct call *call) {
	return mpmgr_await(mgr,
		mp_manager_v1_disconnect(mgr->manager, call->target), NULL);
}

static int run_logoff(struct mpmgr *mgr, struct call *call) {
	return mpmgr_await(mgr,
		mp_manager_v1_logoff(mgr->manager, call->target), NULL);
}

static int run_lock(struct mpmgr *mgr, struct call *call) {
	return mpmgr_await(mgr,
		mp_manager_v1_lock(mgr->manager, call->target), NULL);
}

static int run_unlock(struct mpmgr *mgr, struct call *call) {
	return mpmgr_await(mgr,
		mp_manager_v1_unlock(mgr->manager, call->target), NULL);
}

static int run_block(struct mpmgr *mgr, struct call *call) {
	return mpmgr_await(mgr, mp_manager_v1_block(mgr->manager, call->target,
		call->text, call->seconds), NULL);
}

static int run_unblock(struct mpmgr *mgr, struct call *call) {
	return mpmgr_await(mgr,
		mp_manager_v1_unblock(mgr->manager, call->target), NULL);
}

static int run_message(struct mpmgr *mgr, struct call *call) {
	return mpmgr_await(mgr, mp_manager_v1_message(mgr->manager, call->target,
		call->text, call->seconds), NULL);
}

static int run_identify(struct mpmgr *mgr, struct call *call) {
	return mpmgr_await(mgr,
		mp_manager_v1_identify(mgr->manager, call->on), NULL);
}

static int run_rename(struct mpmgr *mgr, struct call *call) {
	return mpmgr_await(mgr,
		mp_manager_v1_rename(mgr->manager, call->target, call->text), NULL);
}

static int run_maintenance(struct mpmgr *mgr, struct call *call) {
	return mpmgr_await(mgr,
		mp_manager_v1_maintenance(mgr->manager, call->on, call->text), NULL);
}

static int run_thumbnail(struct mpmgr *mgr, struct call *call) {
	return mpmgr_thumbnail(mgr, call->target, call->width, call->height,
		call->path);
}

static int run_pair(struct mpmgr *mgr, struct call *call) {
	int ret = mpmgr_need_version(mgr, 2);
	return ret ? ret : mpmgr_await(mgr,
		mp_manager_v1_pair(mgr->manager, call->on), NULL);
}

static int run_clear_pairings(struct mpmgr *mgr, struct call *call) {
	int ret = mpmgr_need_version(mgr, 2);
	return ret ? ret : mpmgr_await(mgr,
		mp_manager_v1_clear_pairings(mgr->manager), NULL);
}

static int run_split(struct mpmgr *mgr, struct call *call) {
	int ret = mpmgr_need_version(mgr, 2);
	return ret ? ret : mpmgr_await(mgr, mp_manager_v1_split(mgr->manager,
		call->target, call->text, call->park), NULL);
}

static int run_join(struct mpmgr *mgr, struct call *call) {
	int ret = mpmgr_need_version(mgr, 2);
	return ret ? ret : mpmgr_await(mgr, mp_manager_v1_join(mgr->manager,
		call->target, call->park), NULL);
}

static int run_assign_output(struct mpmgr *mgr, struct call *call) {
	int ret = mpmgr_need_version(mgr, 2);
	return ret ? ret : mpmgr_await(mgr, mp_manager_v1_assign_output(
		mgr->manager, call->object, call->target, call->park), NULL);
}

static int run_assign_device(struct mpmgr *mgr, struct call *call) {
	int ret = mpmgr_need_version(mgr, 2);
	return ret ? ret : mpmgr_await(mgr, mp_manager_v1_assign_device(
		mgr->manager, call->object, call->target, call->park), NULL);
}

#define SESSION_OPTIONS \
	"  --station NAME  the session shown at station NAME\n" \
	"  --all           every session it applies to\n"
#define FOR_OPTION \
	"  --for DURATION  for that long, then it goes by itself: 90, 90s,\n" \
	"                  5m, 2h, 1h30m, 1d (at most 7 days; 0: no limit)\n"
#define ADMINS "admins."
#define PARK_OPTION \
	"  --park  park the sessions shown at the stations it changes (they\n" \
	"          run on, and come back where their users sign in); without\n" \
	"          it, mpcomp refuses to change a station in use\n"

static const struct verb verbs[] = {
	{
		.name = "stations",
		.synopsis = "stations [--json]",
		.description =
			"Lists the stations: name, key (F1, F2, ... in station order),\n"
			"state (offline, login, active, locked, blocked), the session\n"
			"shown there (its user, id, idle time and start), the outputs,\n"
			"how many keyboards, pointers and outputs it has, and the\n"
			"notices an admin shows there (block, message, countdown,\n"
			"identify).",
		.options = "  --json  one JSON object per station and line\n",
		.who = "admins; any other user sees the station of their session.",
		.opts = OPT(OPT_JSON),
		.check = check_list,
		.run = run_stations,
	},
	{
		.name = "sessions",
		.synopsis = "sessions [--json]",
		.description =
			"Lists the sessions: id, user, state (starting, attached,\n"
			"locked, parked, logging-off, ending), the station showing it,\n"
			"its idle time, since when it runs (for a parked session: since\n"
			"when it is parked) and why it is parked.",
		.options = "  --json  one JSON object per session and line\n",
		.who = "admins; any other user sees their own session.",
		.opts = OPT(OPT_JSON),
		.check = check_list,
		.run = run_sessions,
	},
	{
		.name = "devices",
		.synopsis = "devices [--json]",
		.description =
			"Lists the input devices: name, kind (keyboard, pointer), the\n"
			"station it is at (- when unassigned), the rule that put it\n"
			"there (config, pairing, ID_SEAT, default, assigned, none) and\n"
			"its hub group (the devices behind one USB hub go together).",
		.options = "  --json  one JSON object per device and line\n",
		.who = "admins; any other user sees the devices of their station.",
		.opts = OPT(OPT_JSON),
		.check = check_list,
		.run = run_devices,
	},
	{
		.name = "watch",
		.synopsis = "watch [--json]",
		.description =
			"Prints the stations, sessions and input devices, then every\n"
			"change as it happens (pairing mode and maintenance mode too),\n"
			"one line each, until interrupted (SIGINT or SIGTERM: exit\n"
			"status 0). When mpcomp exits, watch fails.",
		.options = "  --json  one JSON object per line: a snapshot, then\n"
			"          each station, session or device that changed\n",
		.who = "admins; any other user watches their own session.",
		.opts = OPT(OPT_JSON),
		.check = check_watch,
		.run = run_watch,
	},
	{
		.name = "lock",
		.synopsis = "lock [STATION|--all]",
		.description =
			"Locks a station: the lock screen replaces its session's\n"
			"windows until the session's user types their password (or an\n"
			"admin unlocks it). Without STATION: the station showing your\n"
			"own session. Fails for a station with no session, a kiosk, or\n"
			"one locked, blocked or offline.",
		.options = "  --all  every station that can be locked\n",
		.who = "admins; any user, for the station of their own session.",
		.opts = OPT(OPT_ALL),
		.max_args = 1,
		.check = check_lock,
		.run = run_lock,
	},
	{
		.name = "unlock",
		.synopsis = "unlock STATION|--all",
		.description =
			"Unlocks a locked station without a password: its session is\n"
			"shown again.",
		.options = "  --all  every locked station\n",
		.who = ADMINS,
		.opts = OPT(OPT_ALL),
		.max_args = 1,
		.check = check_station,
		.run = run_unlock,
	},
	{
		.name = "disconnect",
		.synopsis = "disconnect [SESSION|--station NAME|--all]",
		.description =
			"Parks a session: it leaves its station, which shows its greeter\n"
			"at once, and its programs run on, shown nowhere, until its user\n"
			"signs in again at any station. Without SESSION: your own.",
		.options = SESSION_OPTIONS,
		.who = "admins; any user, for their own session.",
		.opts = OPT(OPT_STATION) | OPT(OPT_ALL),
		.max_args = 1,
		.check = check_own_session,
		.run = run_disconnect,
	},
	{
		.name = "logoff",
		.synopsis = "logoff [SESSION|--station NAME|--all]",
		.description =
			"Logs a session off: its windows are asked to close, and it\n"
			"ends once they are, or after mpcomp's grace period. Without\n"
			"SESSION: your own. Fails for a session that is logging off or\n"
			"ending already.",
		.options = SESSION_OPTIONS,
		.who = "admins; any user, for their own session.",
		.opts = OPT(OPT_STATION) | OPT(OPT_ALL),
		.max_args = 1,
		.check = check_own_session,
		.run = run_logoff,
	},
	{
		.name = "suspend",
		.synopsis = "suspend SESSION|--station NAME|--all",
		.description =
			"Parks a session, as disconnect does: its station shows its\n"
			"greeter, its programs run on until its user signs in again.\n"
			"Fails for a kiosk's session and for one that is parked, logging\n"
			"off or ending.",
		.options = SESSION_OPTIONS,
		.who = ADMINS,
		.opts = OPT(OPT_STATION) | OPT(OPT_ALL),
		.max_args = 1,
		.check = check_suspend,
		.run = run_suspend,
	},
	{
		.name = "end",
		.synopsis = "end SESSION|--station NAME|--all [--warn SECONDS]",
		.description =
			"Ends a session, in whatever state it is: its processes are\n"
			"killed. With --warn, its station (if it is shown) first shows\n"
			"a countdown banner for SECONDS (at most 3600); a second end\n"
			"without --warn then ends it at once. --all ends every session.",
		.options = SESSION_OPTIONS
			"  --warn SECONDS  warn that long first (default 0: end now)\n",
		.who = ADMINS,
		.opts = OPT(OPT_STATION) | OPT(OPT_ALL) | OPT(OPT_WARN),
		.max_args = 1,
		.check = check_end,
		.run = run_end,
	},
	{
		.name = "block",
		.synopsis = "block STATION|--all [--message TEXT] [--for DURATION]",
		.description =
			"Blocks a station: a screen with TEXT covers all its outputs,\n"
			"its input is ignored, no one can sign in there, and a session\n"
			"shown there stays intact behind it. Blocking a blocked station\n"
			"replaces its message and time.",
		.options =
			"  --all           every station\n"
			"  --message TEXT  what the block screen says (UTF-8, at most\n"
			"                  512 bytes)\n"
			FOR_OPTION,
		.who = ADMINS,
		.opts = OPT(OPT_ALL) | OPT(OPT_MESSAGE) | OPT(OPT_FOR),
		.max_args = 1,
		.check = check_block,
		.run = run_block,
	},
	{
		.name = "unblock",
		.synopsis = "unblock STATION|--all",
		.description =
			"Ends a station's block: it shows again what it showed before.",
		.options = "  --all  every blocked station\n",
		.who = ADMINS,
		.opts = OPT(OPT_ALL),
		.max_args = 1,
		.check = check_station,
		.run = run_unblock,
	},
	{
		.name = "message",
		.synopsis = "message STATION|--all TEXT [--for DURATION]",
		.description =
			"Shows a banner with TEXT over the top of a station, over\n"
			"whatever it shows, until its user closes it (a click on it, or\n"
			"Escape). A new message replaces the one shown. TEXT is UTF-8,\n"
			"1 to 512 bytes.",
		.options = "  --all           every station\n" FOR_OPTION,
		.who = ADMINS,
		.opts = OPT(OPT_ALL) | OPT(OPT_FOR),
		.max_args = 2,
		.check = check_message,
		.run = run_message,
	},
	{
		.name = "identify",
		.synopsis = "identify [--off]",
		.description =
			"Covers every station's outputs with its name and key, big,\n"
			"revealing nothing of a session, until identify --off. Input\n"
			"goes on as before.",
		.options = "  --off  stop showing them\n",
		.who = ADMINS,
		.opts = OPT(OPT_OFF),
		.check = check_identify,
		.run = run_identify,
	},
	{
		.name = "rename",
		.synopsis = "rename STATION NEW",
		.description =
			"Renames a station until mpcomp exits (the configuration keeps\n"
			"the old name). NEW is 1 to 32 letters, digits, '-', '_' or\n"
			"'.', and no other station's name.",
		.who = ADMINS,
		.max_args = 2,
		.check = check_rename,
		.run = run_rename,
	},
	{
		.name = "maintenance",
		.synopsis = "maintenance on|off [--message TEXT]",
		.description =
			"on: no new sign-in is allowed at any greeter, and greeters show\n"
			"a banner with TEXT; sessions go on, kiosks keep theirs. off:\n"
			"sign-ins are allowed again.",
		.options = "  --message TEXT  what greeters show (with on)\n",
		.who = ADMINS,
		.opts = OPT(OPT_MESSAGE),
		.max_args = 1,
		.check = check_maintenance,
		.run = run_maintenance,
	},
	{
		.name = "thumbnail",
		.synopsis = "thumbnail STATION -o FILE.png [--size WxH]",
		.description =
			"Saves what a station shows, exactly (a locked station's lock\n"
			"screen, a blocked station's block screen, never the session\n"
			"behind), as a PNG. STATION may also be a session id or user:\n"
			"the station showing that session. FILE is replaced at once\n"
			"when the picture is complete.",
		.options =
			"  -o, --output FILE  the PNG to write\n"
			"  --size WxH         scale to W x H pixels (each 1 to 4096);\n"
			"                     default: the station's own size\n",
		.who = ADMINS,
		.opts = OPT(OPT_OUTPUT) | OPT(OPT_SIZE),
		.max_args = 1,
		.check = check_thumbnail,
		.run = run_thumbnail,
	},
	{
		.name = "pair",
		.synopsis = "pair [--off]",
		.description =
			"Starts pairing mode: every free station shows its key (F1, F2,\n"
			"...), and a keyboard not at a station in use that presses one\n"
			"takes its hub group (the devices behind the same USB hub) to\n"
			"that station; the pairing is saved. --off ends pairing mode\n"
			"(a station without a keyboard keeps showing its key).",
		.options = "  --off  end pairing mode\n",
		.who = ADMINS,
		.opts = OPT(OPT_OFF),
		.check = check_pair,
		.run = run_pair,
	},
	{
		.name = "clear-pairings",
		.synopsis = "clear-pairings",
		.description =
			"Forgets the learned pairings of every free station (saved at\n"
			"once): the devices they placed become unassigned, and pairing\n"
			"mode starts. Stations in use keep theirs.",
		.who = ADMINS,
		.check = check_nothing,
		.run = run_clear_pairings,
	},
	{
		.name = "split",
		.synopsis = "split STATION [NEW-NAME] [--park]",
		.description =
			"Splits a station of one whole output in two: it keeps the left\n"
			"half, and a new station, NEW-NAME (default: STATION-2), gets\n"
			"the right half. Fails for an output of 1024x768 or less. Saved\n"
			"in stations.ini.",
		.options = PARK_OPTION,
		.who = ADMINS,
		.opts = OPT(OPT_PARK),
		.max_args = 2,
		.check = check_split,
		.run = run_split,
	},
	{
		.name = "join",
		.synopsis = "join STATION [--park]",
		.description =
			"Gives a station on half an output the whole output back: the\n"
			"station of the other half goes, and its devices join STATION.\n"
			"Saved in stations.ini.",
		.options = PARK_OPTION,
		.who = ADMINS,
		.opts = OPT(OPT_PARK),
		.max_args = 1,
		.check = check_join,
		.run = run_join,
	},
	{
		.name = "assign-output",
		.synopsis = "assign-output OUTPUT STATION [--park]",
		.description =
			"Gives OUTPUT (a connector name such as HDMI-A-1, or an edid:\n"
			"name) to STATION; the station that had it loses it. Saved in\n"
			"stations.ini.",
		.options = PARK_OPTION,
		.who = ADMINS,
		.opts = OPT(OPT_PARK),
		.max_args = 2,
		.check = check_assign_output,
		.run = run_assign_output,
	},
	{
		.name = "assign-device",
		.synopsis = "assign-device DEVICE STATION|--none [--park]",
		.description =
			"Gives the input device DEVICE (its name, as devices lists it)\n"
			"and the rest of its hub group to STATION, or with --none to no\n"
			"station. Saved in stations.ini.",
		.options = "  --none  leave the device unassigned\n" PARK_OPTION,
		.who = ADMINS,
		.opts = OPT(OPT_NONE) | OPT(OPT_PARK),
		.max_args = 2,
		.check = check_assign_device,
		.run = run_assign_device,
	},
	{
		.name = "help",
		.synopsis = "help [VERB]",
		.description = "Prints mpmgr's help, or a verb's.",
		.who = "anyone; it does not connect to mpcomp.",
		.max_args = 1,
	},
};

static const struct verb *find_verb(const char *name) {
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(verbs[i].name, name) == 0) {
			return &verbs[i];
		}
	}
	return NULL;
}

static void print_verb_help(const struct verb *verb) {
	printf("Usage: mpmgr %s\n\n%s\n", verb->synopsis, verb->description);
	if (verb->options != NULL) {
		printf("\nOptions:\n%s", verb->options);
	}
	printf("\nWho may: %s\n", verb->who);
}

/* Reads a verb's arguments (options anywhere, "--" ends them). Returns 0,
 * 2 after a usage error, or -1 after printing the verb's help. */
static int parse_args(const struct verb *verb, int argc, char *argv[],
		struct args *args) {
	bool options_end = false;
	for (int i = 0; i < argc; i++) {
		if (!options_end && (strcmp(argv[i], "-h") == 0 ||
				strcmp(argv[i], "--help") == 0)) {
			print_verb_help(verb);
			return -1;
		}
		if (strcmp(argv[i], "--") == 0) {
			options_end = true;
		}
	}
	options_end = false;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (options_end || arg[0] != '-' || arg[1] == '\0') {
			if (args->npos == verb->max_args || args->npos == MAX_ARGS) {
				return usage_error(verb->name, "unexpected argument '%s'",
					arg);
			}
			args->pos[args->npos++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			options_end = true;
			continue;
		}
		// "--for 5m" or "--for=5m"
		const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
		size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		int opt = 0;
		for (; opt < OPT_COUNT; opt++) {
			if ((strlen(options[opt].name) == len &&
					strncmp(options[opt].name, arg, len) == 0) ||
					(options[opt].alias != NULL &&
					strcmp(options[opt].alias, arg) == 0)) {
				break;
			}
		}
		if (opt == OPT_COUNT || !(verb->opts & OPT(opt))) {
			return usage_error(verb->name, "unknown option '%.*s'",
				(int)len, arg);
		}
		args->given |= OPT(opt);
		if (!options[opt].value) {
			if (eq != NULL) {
				return usage_error(verb->name, "%s takes no value",
					options[opt].name);
			}
		} else if (eq != NULL) {
			args->value[opt] = eq + 1;
		} else if (i + 1 < argc) {
			args->value[opt] = argv[++i];
		} else {
			return usage_error(verb->name, "%s needs a value",
				options[opt].name);
		}
	}
	return 0;
}

/* The admin socket: where mpcomp listens for this user. Returns NULL
 * after printing why there is none; *owned is freed by the caller. */
static const char *socket_path(const char *given, char **owned) {
	*owned = NULL;
	if (given != NULL) {
		return given;
	}
	// Every session has it, for the session's own socket.
	const char *env = getenv("MPCOMP_ADMIN_SOCKET");
	if (env != NULL && env[0] != '\0') {
		return env;
	}
	if (geteuid() == 0) {
		return "/run/mpcomp/admin";
	}
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	if (runtime == NULL || runtime[0] == '\0') {
		fputs("mpmgr: no admin socket: XDG_RUNTIME_DIR is not set; set "
			"MPCOMP_ADMIN_SOCKET or give --socket PATH\n", stderr);
		return NULL;
	}
	size_t len = strlen(runtime) + sizeof("/mpcomp-admin");
	*owned = mpmgr_xalloc(len);
	snprintf(*owned, len, "%s/mpcomp-admin", runtime);
	return *owned;
}

int main(int argc, char *argv[]) {
	const char *socket_arg = NULL;
	bool json = false, help = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		} else if (strcmp(arg, "--socket") == 0) {
			if (i + 1 == argc) {
				return usage_error(NULL, "--socket needs a value");
			}
			socket_arg = argv[++i];
		} else if (strncmp(arg, "--socket=", 9) == 0) {
			socket_arg = arg + 9;
		} else if (strcmp(arg, "--json") == 0) {
			json = true;
		} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			help = true;
		} else if (strcmp(arg, "--version") == 0) {
			printf("mpmgr %s\n", MPMGR_VERSION);
			return 0;
		} else {
			return usage_error(NULL, "unknown option '%s'", arg);
		}
	}
	if (socket_arg != NULL && socket_arg[0] == '\0') {
		return usage_error(NULL, "--socket needs a path");
	}
	if (i == argc) {
		if (help) {
			fputs(usage, stdout);
			return 0;
		}
		return usage_error(NULL, "no verb given");
	}
	const struct verb *verb = find_verb(argv[i]);
	if (verb == NULL) {
		return usage_error(NULL, "unknown verb '%s'", argv[i]);
	}
	if (help) {
		print_verb_help(verb);
		return 0;
	}
	struct args args = {0};
	int ret = parse_args(verb, argc - i - 1, argv + i + 1, &args);
	if (ret != 0) {
		return ret < 0 ? 0 : ret;
	}
	if (verb->run == NULL) {  // help
		const struct verb *about = NULL;
		if (args.npos > 0 && (about = find_verb(args.pos[0])) == NULL) {
			return usage_error(NULL, "unknown verb '%s'", args.pos[0]);
		}
		if (about != NULL) {
			print_verb_help(about);
		} else {
			fputs(usage, stdout);
		}
		return 0;
	}
	struct call call = { .json = json, .sigfd = -1 };
	ret = verb->check(verb, &args, &call);
	if (ret == 0) {
		char *owned;
		struct mpmgr mgr = { .verb = verb->name };
		mgr.socket_path = socket_path(socket_arg, &owned);
		if (verb->run == run_watch) {
			// Set before the snapshot comes: the first batch is printed
			// by the hook as well, and no batch after it is missed.
			mgr.on_batch = mpmgr_watch_batch;
			mgr.batch_data = &call.json;
		}
		ret = mgr.socket_path == NULL ? 1 : mpmgr_open(&mgr);
		if (ret == 0) {
			ret = verb->run(&mgr, &call);
		}
		mpmgr_close(&mgr);
		free(owned);
	}
	if (call.sigfd >= 0) {
		close(call.sigfd);
	}
	free(call.target_owned);
	if (fflush(stdout) != 0 && ret == 0) {
		fprintf(stderr, "mpmgr: %s: cannot write: %s\n", verb->name,
			strerror(errno));
		ret = 1;
	}
	return ret;
}
