// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the sender branch's key file reader lands. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <uapi/linux/stamp_wire.h>

#include "keyfile.h"

int stamp_keyfile_read(const char *path, uint8_t *key, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	int c, nib = 0, hi = 0;

	struct stat st;

	*len = 0;
	if (f && f != stdin && !fstat(fileno(f), &st) && S_ISREG(st.st_mode) &&
	    (st.st_mode & 077)) {
		fprintf(stderr, "stampnl: %s: readable by others; chmod 600 it\n",
			path);
		fclose(f);
		return -EPERM;
	}
	if (!f) {
		fprintf(stderr, "stampnl: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	while ((c = fgetc(f)) != EOF) {
		if (isspace(c))
			continue;
		if (!isxdigit(c) || *len == STAMP_KEY_MAX_LEN)
			break;
		c = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
		if (nib++ & 1)
			key[(*len)++] = hi << 4 | c;
		else
			hi = c;
	}
	if (f != stdin)
		fclose(f);
	if (c != EOF || (nib & 1) || *len < STAMP_KEY_MIN_LEN) {
		fprintf(stderr, "stampnl: %s: not a key\n", path);
		return -EINVAL;
	}
	return 0;
}
