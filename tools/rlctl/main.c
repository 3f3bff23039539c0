/* SPDX-License-Identifier: MIT */
/* rlctl: command line of the rlc control tool. */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "rlc/segment.h"
#include "rlctl.h"
#include "status.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: rlctl [-s NAME] [status] [--json]\n"
		"\n"
		"Show the limits, usage and clients of an rlc segment, and whether its\n"
		"rlcd is alive.\n"
		"\n"
		"Commands:\n"
		"  status            print the status report (the default)\n"
		"\n"
		"Options:\n"
		"  -s, --segment NAME  segment to read (default: $RLC_SEGMENT, else /rlc)\n"
		"  -j, --json          print the report as one JSON object\n"
		"  -h, --help          print this help and exit\n"
		"  -V, --version       print the version and exit\n"
		"\n"
		"Exit status: 0 healthy; 1 rlcd not running, detached from the name or\n"
		"stale; 2 segment missing, not ready, of another layout version,\n"
		"truncated or corrupt, or a limit's state corrupt;\n"
		"64 usage error or bad segment name; 74 the output could not be written.\n");
}

/* Report a command-line mistake; returns the usage exit status. */
static int bad_usage(const char *what, const char *arg)
{
	output_error("%s '%s'; try 'rlctl --help'", what, arg);
	return RLCTL_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "segment", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *segment = NULL, *verb = "status";
	bool json = false;
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
			segment = optarg;
			break;
		case 'j':
			json = true;
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
			return bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		verb = argv[optind++];
	if (strcmp(verb, "status") != 0)
		return bad_usage("unknown command", verb);
	if (optind < argc)
		return bad_usage("unexpected argument", argv[optind]);
	return status_run(segment, json);
}
