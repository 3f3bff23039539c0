/* SPDX-License-Identifier: MIT */
/*
 * rlcd - the rlc supervisor: lays the segment out from rlc.ini (or adopts
 * the one a previous rlcd left), then keeps it healthy.  See rlcd(8).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rlc.h"

#include "config.h"
#include "layout.h"
#include "log.h"
#include "loop.h"
#include "reload.h"
#include "shm.h"
#include "duration.h"
#include "value.h"

/* Exit statuses, as rlcd(8) documents them. */
enum { EXIT_CONFIG = 1, EXIT_USAGE = 2 };

static const char usage[] =
	"usage: rlcd [-c FILE] [-s NAME] [-n|--check [FILE]] [--print-default-config]\n"
	"            [-h|--help] [-V|--version]\n";

static const char help[] =
	"Create (or adopt) the rlc shared-memory segment and keep it healthy.\n"
	"\n"
	"  -c, --config FILE   configuration (default " RLC_CONFIG_PATH ",\n"
	"                      else the built-in default: six exchange profiles)\n"
	"  -s, --segment NAME  segment, e.g. /rlc (default $RLC_SEGMENT, then the\n"
	"                      configuration's segment, then /rlc)\n"
	"  -n, --check [FILE]  check the configuration (FILE, as -c FILE), print a\n"
	"                      summary and exit; starts nothing\n"
	"  --print-default-config\n"
	"                      print the built-in default configuration and exit\n"
	"  -h, --help          this text\n"
	"  -V, --version       version and segment layout\n"
	"\n"
	"Exit status: 0 stopped by SIGTERM or SIGINT (the segment stays), 1 bad\n"
	"configuration, refused or truncated segment, 2 bad arguments.  See rlcd(8),\n"
	"rlc.ini(5).\n";

/*
 * Open /dev/null onto whichever of fds 0, 1 and 2 is closed.  Each open
 * takes the lowest free fd, so this stops at the first one above 2.  Were
 * one left closed, the segment or the lock file could land on it, and
 * rlcd's own log lines on fd 2 would overwrite it.  Returns 0 or -errno.
 */
static int open_standard_fds(void)
{
	int fd;

	do
		fd = open("/dev/null", O_RDWR);
	while (fd >= 0 && fd <= STDERR_FILENO);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

struct args {
	const char *config;  /* -c, or NULL */
	const char *segment; /* -s, or NULL */
	int check;
};

/*
 * `status`, unless what went to stdout (help, version, a check's summary)
 * did not all arrive: then EXIT_FAILURE, with the reason on stderr.
 */
static int printed(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	rlc_log("write error: %s", strerror(errno ? errno : EIO));
	return EXIT_FAILURE;
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longs[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "segment", required_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "print-default-config", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	char why[256];
	int c;

	opterr = 0; /* our own messages, without argv[0]'s full path */
	while ((c = getopt_long(argc, argv, ":c:s:nhV", longs, NULL)) != -1) {
		switch (c) {
		case 'c':
			a->config = optarg;
			break;
		case 's':
			if (rlc_segment_name_check(optarg, why, sizeof(why)) != 0) {
				rlc_log("-s: %s", why);
				return EXIT_USAGE;
			}
			a->segment = optarg;
			break;
		case 'n':
			a->check = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			return printed(EXIT_SUCCESS);
		case 'V':
			printf("rlcd %s (segment layout %u.%u)\n", RLC_VERSION, RLC_LAYOUT_MAJOR,
			       RLC_LAYOUT_MINOR);
			return printed(EXIT_SUCCESS);
		case 'D': /* the file to start from: every profile, as rlcd runs it */
			fwrite(rlc_config_builtin, 1, rlc_config_builtin_size, stdout);
			return printed(EXIT_SUCCESS);
		case ':':
			rlc_log("-%c needs an argument", optopt);
			fputs(usage, stderr);
			return EXIT_USAGE;
		default: /* optopt is 0 for an unknown long option */
			/* a known long option given a value it takes none of sets
			 * optopt to its short name: name what was typed */
			if (optopt && strncmp(argv[optind - 1], "--", 2) != 0)
				rlc_log("unknown option -%c", optopt);
			else
				rlc_log("unknown option %s", argv[optind - 1]);
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	/* --check FILE: the file a check is most often given, without -c */
	if (a->check && !a->config && optind < argc)
		a->config = argv[optind++];
	if (optind < argc) {
		rlc_log("unexpected argument \"%s\"", argv[optind]);
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	return -1;
}

/*
 * -s, then $RLC_SEGMENT, then [rlcd] segment, then /rlc.  The environment
 * beats the file because clients find the segment through it too.
 */
static const char *segment_name(const char *opt, const struct rlc_config *cfg)
{
	const char *env = getenv(RLC_SEGMENT_ENV);

	if (opt)
		return opt;
	if ((!env || !*env) && cfg->segment[0])
		return cfg->segment;
	return rlc_segment_name(NULL);
}

static const char *plural(uint32_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* What --check found: the same configuration a start would lay out. */
static void print_summary(const struct rlc_config *cfg, const char *file, const char *name)
{
	char beat[32];

	rlc_duration_format(beat, sizeof(beat), cfg->heartbeat_ns, 0);
	printf("%s: ok: %" PRIu32 " limit%s, %" PRIu32 " exchange%s, %" PRIu32 " account%s, "
	       "%" PRIu32 " endpoint%s, %" PRIu32 " client records, heartbeat %s, segment %s of "
	       "%zu bytes\n",
	       file, cfg->limits_count, plural(cfg->limits_count, "", "s"), cfg->exchanges_count,
	       plural(cfg->exchanges_count, "", "s"), cfg->accounts_count,
	       plural(cfg->accounts_count, "", "s"), cfg->endpoints_count,
	       plural(cfg->endpoints_count, "", "s"), cfg->clients, beat, name,
	       rlc_layout_size(cfg));
}

static int run(struct rlc_config *cfg, const struct rlc_source *src, const char *file,
	       const char *name)
{
	struct rlc_shm shm;
	char why[1024], beat[32];
	int err;

	if ((err = rlc_loop_block_signals())) {
		rlc_log("sigprocmask: %s", strerror(-err));
		return EXIT_FAILURE;
	}
	/* A log reader that goes away (rlcd 2>&1 | less) must not kill rlcd. */
	signal(SIGPIPE, SIG_IGN);
	if (rlc_shm_open(&shm, name, cfg, why, sizeof(why)) != 0) {
		rlc_log("%s", why);
		return EXIT_FAILURE;
	}
	rlc_duration_format(beat, sizeof(beat), cfg->heartbeat_ns, 0);
	rlc_log("%s: %s, generation %" PRIu64 ": %" PRIu32 " limit%s from %s, %" PRIu32
		" client records, heartbeat %s",
		name, shm.adopted ? "adopted (counts kept)" : "created", shm.generation,
		cfg->limits_count, cfg->limits_count == 1 ? "" : "s", file, cfg->clients, beat);
	if (shm.retuned)
		rlc_log("%s: the configuration changed %" PRIu32 " limit%s in place", name,
			shm.retuned, shm.retuned == 1 ? "" : "s");
	err = rlc_loop_run(&shm, src, cfg);
	rlc_shm_close(&shm);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	struct rlc_source src = { NULL, RLC_CONFIG_PATH };
	struct rlc_config cfg;
	const char *file, *name;
	char why[1024];
	int status = open_standard_fds();

	/* a closed pipe is a write error to report, not a death by signal */
	signal(SIGPIPE, SIG_IGN);

	if (status != 0) {
		/* Lost if fd 2 is the closed one; harmless then, as nothing took it. */
		rlc_log("/dev/null: cannot open it onto a closed standard fd: %s", strerror(-status));
		return EXIT_FAILURE;
	}
	status = parse_args(argc, argv, &a);
	if (status >= 0)
		return status;
	src.path = a.config;
	if (rlc_source_load(&src, &cfg, &file, why, sizeof(why)) != 0) {
		rlc_log("%s", why);
		return EXIT_CONFIG;
	}
	name = segment_name(a.segment, &cfg);
	if (!a.segment && rlc_segment_name_check(name, why, sizeof(why)) != 0) {
		rlc_log("$%s: %s", RLC_SEGMENT_ENV, why);
		status = EXIT_USAGE;
	} else if (a.check) {
		print_summary(&cfg, file, name);
		status = printed(EXIT_SUCCESS);
	} else {
		status = run(&cfg, &src, file, name);
	}
	rlc_config_free(&cfg);
	return status;
}
