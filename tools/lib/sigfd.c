// SPDX-License-Identifier: GPL-2.0
/*
 * The signals a long-running stampnl program reads from its poll loop
 * instead of dying of them: the sender, the --targets parent and the
 * monitor must detach their BPF filters and write their reports first.
 */
#include <signal.h>
#include <stddef.h>
#include <sys/signalfd.h>

#include "sigfd.h"

/**
 * sigfd_open() - block SIGINT, SIGTERM, SIGHUP and SIGPIPE, read them on a fd
 *
 * Ctrl-C, a kill, a hangup and a reader gone (`| head`) become events of
 * the caller's loop. The mask stays blocked across fork() and exec(), so
 * children read them the same way; the fd is close-on-exec and
 * non-blocking.
 *
 * Return: the signalfd, or -1 with errno set.
 */
int sigfd_open(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGPIPE);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}
