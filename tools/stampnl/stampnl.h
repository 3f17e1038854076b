/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_H
#define _STAMPNL_H

#include <stdbool.h>

#include "util.h"

/* One subcommand family: `stampnl NAME ...`. argv[0] is NAME. */
struct stampnl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

int cmd_sender(int argc, char **argv);
int cmd_reflector(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_session(int argc, char **argv);
int cmd_monitor(int argc, char **argv);

#endif /* _STAMPNL_H */
