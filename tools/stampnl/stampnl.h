/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STAMPNL_H
#define _STAMPNL_H

#include <stdbool.h>

#include "cli.h"
#include "util.h"

/* `stampnl NAME ...`: each fn gets argv[0] = NAME; grammar in cli.h */
int cmd_sender(int argc, char **argv);

extern const struct cli_cmd sender_cli;
extern const struct cli_cmd reflector_cli;
extern const struct cli_cmd session_cli;
extern const struct cli_cmd stats_cli;
extern const struct cli_cmd monitor_cli;

#endif /* _STAMPNL_H */
