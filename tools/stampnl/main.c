// SPDX-License-Identifier: GPL-2.0
/*
 * stampnl: configure the kstamp reflector over generic netlink and run
 * STAMP Session-Sender tests.
 */
#include <stdio.h>
#include <string.h>

#include "stampnl.h"

/* VERSION, or `git describe` in a checkout: what modinfo shows (Makefile) */
#ifndef STAMP_VERSION
#define STAMP_VERSION "unknown"
#endif

static const struct cli_cmd *const cmds[] = {
	&sender_cli, &reflector_cli, &session_cli, &stats_cli,
	&monitor_cli,
};

static void print_help(void)
{
	size_t i;

	printf("usage: stampnl COMMAND [ARGS]\n"
	       "       stampnl help [COMMAND]\n"
	       "       stampnl -V|--version\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		printf("  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
	printf("\n`stampnl COMMAND --help` explains a command\n");
}

static const struct cli_cmd *find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(name, cmds[i]->name))
			return cmds[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct cli_cmd *cmd;

	if (argc < 2) {
		fprintf(stderr, "stampnl: which command?\ntry 'stampnl --help'\n");
		return 2;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("stampnl %s\n", STAMP_VERSION);
		return 0;
	}
	/* hidden: bash completion and tests/docs_check.py ask the tables */
	if (!strcmp(argv[1], "__complete"))
		return cli_complete(cmds, ARRAY_SIZE(cmds), argc - 2, argv + 2);
	if (!strcmp(argv[1], "__list")) {
		cli_list(cmds, ARRAY_SIZE(cmds));
		return 0;
	}
	if (cli_is_help(argv[1])) {
		if (argc < 3) {
			print_help();
			return 0;
		}
		cmd = find(argv[2]);
		if (!cmd) {
			fprintf(stderr, "stampnl: unknown command '%s'\ntry 'stampnl --help'\n",
				argv[2]);
			return 2;
		}
		cli_usage(stdout, cmd);
		return 0;
	}
	cmd = find(argv[1]);
	if (cmd)
		return cmd->fn(argc - 1, argv + 1);
	fprintf(stderr, "stampnl: unknown command '%s'\ntry 'stampnl --help'\n",
		argv[1]);
	return 2;
}
