// SPDX-License-Identifier: GPL-2.0
/*
 * What keeps the system clock synchronized, for the sync source that
 * Timestamp Information TLVs report (RFC 8972 section 4.3). The module
 * cannot tell; `stampnl reflector clock-sync` looks for the daemon that
 * disciplines CLOCK_REALTIME among the running processes' names
 * (/proc/PID/comm).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <uapi/linux/stamp_wire.h>

#include "clock_source.h"
#include "util.h"

/*
 * The daemons, the most telling first. phc2sys copies a PTP hardware clock
 * into the system clock; ptp4l keeps that PHC, or the system clock itself
 * with software timestamping. A PTP daemon wins over an NTP one beside it
 * (chronyd as a fallback, or fed from the PHC). A comm is at most 15
 * characters: systemd-timesyncd's is "systemd-timesyn". ntpd is NTP's,
 * ntpsec's and OpenNTPD's daemon alike.
 */
static const struct {
	const char *comm;
	int source;
} daemons[] = {
	{ "phc2sys", STAMP_SYNC_PTP },
	{ "ptp4l", STAMP_SYNC_PTP },
	{ "chronyd", STAMP_SYNC_NTP },
	{ "ntpd", STAMP_SYNC_NTP },
	{ "openntpd", STAMP_SYNC_NTP },
	{ "systemd-timesyn", STAMP_SYNC_NTP },
};

static bool is_pid(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}

/* The comm of process @pid under the directory @dfd, or "" when it is gone */
static void read_comm(int dfd, const char *pid, char *comm, size_t len)
{
	char path[NAME_MAX + sizeof("/comm")];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/comm", pid);
	fd = openat(dfd, path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, comm, len - 1);
		close(fd);
	}
	comm[n > 0 ? n : 0] = 0;
	comm[strcspn(comm, "\n")] = 0;
}

/**
 * stamp_clock_source_detect() - the sync source a running daemon gives
 * @proc: the proc filesystem to look in ("/proc"; a fake tree in tests)
 * @who: where the daemon's name goes ("" when none runs); may be NULL
 * @len: size of @who
 *
 * Return: STAMP_SYNC_PTP when phc2sys or ptp4l runs, else STAMP_SYNC_NTP
 * when chronyd, ntpd, openntpd or systemd-timesyncd does, 0 when none of
 * them runs, -errno when @proc cannot be read.
 */
int stamp_clock_source_detect(const char *proc, char *who, size_t len)
{
	size_t best = ARRAY_SIZE(daemons), i;
	struct dirent *de;
	char comm[32];
	DIR *d;

	if (who && len)
		*who = 0;
	d = opendir(proc);
	if (!d)
		return -errno;
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (!is_pid(de->d_name))
			continue;
		read_comm(dirfd(d), de->d_name, comm, sizeof(comm));
		for (i = 0; i < best; i++) {
			if (!strcmp(comm, daemons[i].comm)) {
				best = i;
				break;
			}
		}
	}
	if (errno) {
		int err = -errno;

		closedir(d);
		return err;
	}
	closedir(d);
	if (best == ARRAY_SIZE(daemons))
		return 0;
	if (who && len)
		snprintf(who, len, "%s", daemons[best].comm);
	return daemons[best].source;
}
