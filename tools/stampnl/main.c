// SPDX-License-Identifier: GPL-2.0
/*
 * stampnl: configure the kstamp reflector over generic netlink and run
 * STAMP Session-Sender tests.
 */
#include <stdio.h>
#include <string.h>

#include "stampnl.h"

static const struct stampnl_cmd cmds[] = {
	{ "sender", cmd_sender,
	  "TARGET [-c count] [-i interval] [-p port] [-s source-port] [-W loss-timeout] [-j]" },
	{ "reflector", cmd_reflector,
	  "show [-j] | set KEYWORD VALUE... | clock-sync" },
	{ "session", cmd_session,
	  "add|del|show peer ADDR peer-port PORT [local ADDR] [port PORT] [ssid N] ... | list [-j]" },
	{ "stats", cmd_stats, "[-j | --prometheus FILE|-]" },
	{ "monitor", cmd_monitor,
	  "-c FILE [--listen [ADDR:]PORT] [--textfile FILE] [--json-lines] [--window S]" },
};

static void print_help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: stampnl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		print_help(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		print_help(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "stampnl: unknown command '%s'; try 'stampnl help'\n",
		argv[1]);
	return 2;
}
