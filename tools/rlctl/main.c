/* SPDX-License-Identifier: MIT */
/* rlctl: command line of the rlc control tool. */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "block.h"
#include "check.h"
#include "clients.h"
#include "mode.h"
#include "output.h"
#include "reserve.h"
#include "rlc/segment.h"
#include "rlctl.h"
#include "status.h"
#include "style.h"
#include "watch.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: rlctl [-s NAME] [status] [--json | --color WHEN]\n"
		"       rlctl [-s NAME] watch [--interval DURATION] [--color WHEN]\n"
		"       rlctl [-s NAME] clients [--json]\n"
		"       rlctl [-s NAME] mode EXCHANGE [MODE [--for DURATION]]\n"
		"       rlctl [-s NAME] block SCOPE DURATION\n"
		"       rlctl [-s NAME] unblock SCOPE\n"
		"       rlctl [-s NAME] reserve EXCHANGE METHOD PATH [PARAM=VALUE ...]\n"
		"                     [--account A] [--priority P] [--wait DURATION]\n"
		"       rlctl check FILE\n"
		"\n"
		"Show the exchanges, limits, usage and clients of an rlc segment, and\n"
		"whether its rlcd is alive; switch an exchange's mode; block or unblock a\n"
		"scope; check an rlc.ini.\n"
		"\n"
		"Commands:\n"
		"  status            print the status report (the default): each exchange,\n"
		"                    its scopes and their limits with usage bars, and the\n"
		"                    clients\n"
		"  watch             show the status report in place, redrawn every\n"
		"                    --interval, until q, Ctrl-C or SIGTERM; on a pipe,\n"
		"                    one report per interval, each ending in a form feed\n"
		"  clients           print every client record in use: counts and outcomes\n"
		"  mode EXCHANGE     print the mode EXCHANGE is in and how long it has left\n"
		"  mode EXCHANGE MODE\n"
		"                    switch EXCHANGE to MODE for every process, for the\n"
		"                    mode's configured duration or --for's; `normal` ends it\n"
		"  block SCOPE DURATION\n"
		"                    refuse every request to SCOPE for DURATION (more than\n"
		"                    0s, at most 3d), for every process; a longer block stays\n"
		"  unblock SCOPE     lift SCOPE's block, an exchange's ban too, and close\n"
		"                    its circuit breaker\n"
		"  reserve EXCHANGE METHOD PATH [PARAM=VALUE ...]\n"
		"                    reserve one request of that endpoint and keep it (the\n"
		"                    script sends it); print what it took\n"
		"  check FILE        validate FILE as rlcd would at start, print a summary\n"
		"\n"
		"Options:\n"
		"  -s, --segment NAME  segment to use (default: $RLC_SEGMENT, else /rlc)\n"
		"  -j, --json          status, clients: print one JSON object (schema\n"
		"                      rlc.status/1, rlc.clients/1; see rlctl(1))\n"
		"      --color WHEN    status, watch: colour the report: auto (on a\n"
		"                      terminal, unless $NO_COLOR is set), always or never\n"
		"      --interval DURATION\n"
		"                      watch: redraw every DURATION, 100ms to 1h (default 1s)\n"
		"      --for DURATION  how long the mode lasts: 1s to 7d (e.g. 90s, 15m, 2h)\n"
		"      --account A     reserve: the account to count on (default: the only one)\n"
		"      --priority P    reserve: critical, high, normal or low (default: the\n"
		"                      endpoint's own)\n"
		"      --wait DURATION reserve: wait up to DURATION (at most 1d) for room\n"
		"  -h, --help          print this help and exit\n"
		"  -V, --version       print the version and exit\n"
		"\n"
		"Exit status: 0 healthy, done or valid; 1 rlcd not running, detached from\n"
		"the name or stale; 2 segment missing, not ready, of another layout version,\n"
		"truncated or corrupt, or a limit's state or an exchange's mode corrupt;\n"
		"64 usage error, bad segment name, or an unknown exchange, mode or scope;\n"
		"65 invalid configuration; 66 configuration file unreadable;\n"
		"74 the output could not be written; 77 no write access to the segment.\n"
		"watch: 0 when stopped by q or a signal; 2, 64 and 74 as above.\n"
		"clients: 0 when the segment could be read; 2, 64 and 74 as above.\n"
		"reserve: 0 granted; 1 refused, a limit full; 3 unknown exchange, endpoint\n"
		"or account; 4 scope blocked or breaker open; 64 bad input or a request\n"
		"that can never fit; 2 and 77 as above.\n");
}

/* Report a command-line mistake; returns the usage exit status. */
static int bad_usage(const char *what, const char *arg)
{
	output_error("%s '%s'; try 'rlctl --help'", what, arg);
	return RLCTL_EXIT_USAGE;
}

/* An option given to a command that does not take it. */
static int not_for(const char *option, const char *verb)
{
	output_error("'%s' is not an option of 'rlctl %s'; try 'rlctl --help'", option, verb);
	return RLCTL_EXIT_USAGE;
}

/* Is `arg` a cluster of short options ("-jx") holding letter `c`? */
static bool short_options(const char *arg, int c)
{
	return arg[0] == '-' && arg[1] != '-' && arg[1] != '\0' && strchr(arg + 1, c);
}

/*
 * The argument, as typed, of the option getopt refused just now: an
 * unknown long one is behind optind; a short one too when it was the
 * last letter of its argument, but not while the rest of its cluster
 * waits ("-5s" stays at optind after '5').
 */
static const char *refused(int argc, char **argv)
{
	const char *prev = argv[optind - 1];

	if (optopt && !(short_options(prev, optopt) && prev[strlen(prev) - 1] == optopt) &&
	    optind < argc && short_options(argv[optind], optopt))
		return argv[optind];
	return prev;
}

/* An unknown option: a negative number is a DURATION with a sign. */
static int unknown_option(const char *arg)
{
	if (arg[0] == '-' && arg[1] >= '0' && arg[1] <= '9') {
		output_error("unknown option '%s' (a DURATION has no sign); try 'rlctl --help'", arg);
		return RLCTL_EXIT_USAGE;
	}
	return bad_usage("unknown option", arg);
}

struct args {
	const char *segment; /* -s, or NULL */
	const char *duration; /* --for, or NULL */
	const char *account, *priority, *wait; /* reserve's options, or NULL */
	const char *interval; /* watch's --interval, or NULL */
	const char *color;    /* --color, or NULL */
	bool json;
};

/* --color's WHEN into *when (auto without it); the usage status if it is none. */
static int color_of(const struct args *a, enum style_when *when)
{
	*when = STYLE_AUTO;
	if (a->color && style_when_parse(a->color, when) != 0) {
		output_error("--color '%s': not auto, always or never; try 'rlctl --help'", a->color);
		return RLCTL_EXIT_USAGE;
	}
	return 0;
}

/* `status`, `watch` and `clients`, which read the segment only. */
static int reading(const char *verb, int argc, char **argv, const struct args *a)
{
	enum style_when when;
	struct style st;
	int status;

	if (a->duration)
		return not_for("--for", verb);
	if (argc > 0)
		return bad_usage("unexpected argument", argv[0]);
	if (a->interval && strcmp(verb, "watch") != 0)
		return not_for("--interval", verb);
	if (a->json && strcmp(verb, "watch") == 0)
		return not_for("--json", verb);
	if (a->color && (a->json || strcmp(verb, "clients") == 0))
		return not_for("--color", a->json ? "status --json" : verb);
	if ((status = color_of(a, &when)) != 0)
		return status;
	if (strcmp(verb, "watch") == 0)
		return watch_run(a->segment, a->interval, when);
	if (strcmp(verb, "clients") == 0)
		return clients_run(a->segment, a->json);
	style_for(STDOUT_FILENO, when, &st);
	return status_run(a->segment, a->json, &st);
}

/* The command `verb` with its operands argv[0 .. argc). */
static int command(const char *verb, int argc, char **argv, const struct args *a)
{
	const char *reserve_only = a->account ? "--account" : a->priority ? "--priority"
				   : a->wait   ? "--wait" : NULL;
	const char *reading_only = a->interval ? "--interval" : a->color ? "--color" : NULL;

	if (strcmp(verb, "reserve") == 0) {
		struct reserve_args r = { NULL };

		if (a->json || a->duration || reading_only)
			return not_for(a->json ? "--json" : a->duration ? "--for" : reading_only, verb);
		if (argc < 3) {
			output_error("'rlctl reserve' needs an EXCHANGE, a METHOD and a PATH; "
				     "try 'rlctl --help'");
			return RLCTL_EXIT_USAGE;
		}
		r.exchange = argv[0];
		r.method = argv[1];
		r.path = argv[2];
		r.params = argv + 3;
		r.params_count = argc - 3;
		r.account = a->account;
		r.priority = a->priority;
		r.wait = a->wait;
		return reserve_run(a->segment, &r);
	}
	if (reserve_only)
		return not_for(reserve_only, verb);
	if (strcmp(verb, "status") == 0 || strcmp(verb, "watch") == 0 ||
	    strcmp(verb, "clients") == 0)
		return reading(verb, argc, argv, a);
	if (reading_only)
		return not_for(reading_only, verb);
	if (strcmp(verb, "mode") == 0) {
		if (a->json)
			return not_for("--json", verb);
		if (argc == 0) {
			output_error("'rlctl mode' needs an EXCHANGE; try 'rlctl --help'");
			return RLCTL_EXIT_USAGE;
		}
		if (argc > 2)
			return bad_usage("unexpected argument", argv[2]);
		if (argc == 1 && a->duration) {
			output_error("'--for' needs a MODE to set; try 'rlctl --help'");
			return RLCTL_EXIT_USAGE;
		}
		return mode_run(a->segment, argv[0], argc == 2 ? argv[1] : NULL, a->duration);
	}
	if (strcmp(verb, "block") == 0 || strcmp(verb, "unblock") == 0) {
		int operands = verb[0] == 'b' ? 2 : 1;

		if (a->json || a->duration)
			return not_for(a->json ? "--json" : "--for", verb);
		if (argc > operands)
			return bad_usage("unexpected argument", argv[operands]);
		if (argc < operands) {
			output_error("'rlctl %s' needs a %s; try 'rlctl --help'", verb,
				     argc == 0 ? "SCOPE" : "DURATION");
			return RLCTL_EXIT_USAGE;
		}
		return operands == 2 ? block_run(a->segment, argv[0], argv[1])
				     : unblock_run(a->segment, argv[0]);
	}
	if (strcmp(verb, "check") == 0) {
		if (a->json || a->duration || a->segment)
			return not_for(a->json ? "--json" : a->duration ? "--for" : "--segment", verb);
		if (argc != 1) {
			if (argc > 1)
				return bad_usage("unexpected argument", argv[1]);
			output_error("'rlctl check' needs a FILE; try 'rlctl --help'");
			return RLCTL_EXIT_USAGE;
		}
		if (argv[0][0] == '\0')
			return bad_usage("empty FILE", argv[0]);
		return check_run(argv[0]);
	}
	return bad_usage("unknown command", verb);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "segment", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "for", required_argument, NULL, 'f' },
		{ "account", required_argument, NULL, 'a' },
		{ "priority", required_argument, NULL, 'p' },
		{ "wait", required_argument, NULL, 'w' },
		{ "interval", required_argument, NULL, 'i' },
		{ "color", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct args a = { 0 };
	const char *verb = "status";
	int opt, longindex;

	/* A reader that has gone is then a write error (EPIPE), reported and
	 * exit 74 like a full disk, whatever disposition we inherited. */
	signal(SIGPIPE, SIG_IGN);
	opterr = 0; /* our messages carry the hint */
	/* Options may come before or after the command: getopt permutes. */
	while (longindex = -1,
	       (opt = getopt_long(argc, argv, ":s:jhV", longopts, &longindex)) != -1) {
		switch (opt) {
		case 's':
			/* Not the default's stand-in: an empty name is a mistake. */
			if (!*optarg)
				return bad_usage("empty argument to",
						 longindex < 0 ? "-s" : "--segment");
			a.segment = optarg;
			break;
		case 'j':
			a.json = true;
			break;
		case 'f':
			a.duration = optarg;
			break;
		case 'a':
			a.account = optarg;
			break;
		case 'p':
			a.priority = optarg;
			break;
		case 'w':
			a.wait = optarg;
			break;
		case 'i':
			a.interval = optarg;
			break;
		case 'c':
			a.color = optarg;
			break;
		case 'h':
			usage(stdout);
			return output_close(RLCTL_EXIT_OK);
		case 'V':
			printf("rlctl %s (segment layout %u.%u)\n", RLC_VERSION, RLC_LAYOUT_MAJOR,
			       RLC_LAYOUT_MINOR);
			return output_close(RLCTL_EXIT_OK);
		case ':':
			return bad_usage("missing argument to", argv[optind - 1]);
		default:
			return unknown_option(refused(argc, argv));
		}
	}
	if (optind < argc)
		verb = argv[optind++];
	return command(verb, argc - optind, argv + optind, &a);
}
