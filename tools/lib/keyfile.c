// SPDX-License-Identifier: GPL-2.0
/*
 * STAMP session keys from a file, never from the command line, where any
 * user would see them in ps. The file holds the key in hex; whitespace
 * and line breaks are ignored, so a key may be wrapped or grouped. It is
 * read with read(2), not stdio, so that no buffer we cannot wipe ever
 * holds it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <uapi/linux/stamp_wire.h>

#include "keyfile.h"

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/*
 * A key others can read is no secret, and one others can write is not
 * ours; a pipe or a terminal has no such mode to check.
 */
static int check_mode(int fd, const char *name)
{
	struct stat st;

	if (fstat(fd, &st)) {
		fprintf(stderr, "stampnl: key file %s: %s\n", name,
			strerror(errno));
		return -errno;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & 0066)) {
		fprintf(stderr, "stampnl: key file %s is readable or writable by group or others (mode %04o): chmod 600 it\n",
			name, (unsigned int)(st.st_mode & 07777));
		return -EACCES;
	}
	return 0;
}

/* The hex digits of @fd into @key; @ndigits counts them all. */
static int parse(int fd, const char *name, uint8_t *key, size_t *ndigits)
{
	uint8_t chunk[256];
	size_t off = 0, i;
	ssize_t n;
	int err = 0;

	*ndigits = 0;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			fprintf(stderr, "stampnl: key file %s: %s\n", name,
				strerror(errno));
			break;
		}
		if (!n)
			break;
		for (i = 0; i < (size_t)n; i++, off++) {
			int v = hexval(chunk[i]);

			if (is_space(chunk[i]))
				continue;
			if (v < 0) {
				fprintf(stderr, "stampnl: key file %s: character 0x%02x at offset %zu is not a hex digit (the key is hex, whitespace ignored)\n",
					name, chunk[i], off);
				err = -EINVAL;
				goto out;
			}
			/* past the longest key: counted, for the message */
			if (*ndigits < 2 * STAMP_KEY_MAX_LEN) {
				if (*ndigits % 2)
					key[*ndigits / 2] |= v;
				else
					key[*ndigits / 2] = v << 4;
			}
			(*ndigits)++;
		}
	}
out:
	explicit_bzero(chunk, sizeof(chunk));
	return err;
}

/**
 * stamp_keyfile_read() - read a STAMP session key
 * @path: the file, or "-" for standard input
 * @key: the key, room for STAMP_KEY_MAX_LEN octets
 * @len: its length in octets, STAMP_KEY_MIN_LEN to STAMP_KEY_MAX_LEN
 *
 * The file holds hex digits, whitespace ignored. A regular file must not
 * be readable or writable by group or others. Every error is explained on
 * standard error, and @key is wiped on error.
 *
 * Return: 0, or -errno: -ENOENT and the like from open(), -EACCES for a
 * file others can read or write, -EINVAL for a file that is no key.
 */
int stamp_keyfile_read(const char *path, uint8_t *key, size_t *len)
{
	bool is_stdin = !strcmp(path, "-");
	const char *name = is_stdin ? "(standard input)" : path;
	size_t ndigits = 0;
	int fd, err;

	*len = 0;
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "stampnl: key file %s: %s\n", path,
			strerror(errno));
		return -errno;
	}
	err = check_mode(fd, name);
	if (!err)
		err = parse(fd, name, key, &ndigits);
	if (!is_stdin)
		close(fd);
	if (err)
		goto err_wipe;

	err = -EINVAL;
	if (!ndigits) {
		fprintf(stderr, "stampnl: key file %s is empty: it should hold a key of %d to %d octets in hex\n",
			name, STAMP_KEY_MIN_LEN, STAMP_KEY_MAX_LEN);
	} else if (ndigits % 2) {
		fprintf(stderr, "stampnl: key file %s has an odd number of hex digits (%zu): two digits make an octet\n",
			name, ndigits);
	} else if (ndigits / 2 < STAMP_KEY_MIN_LEN ||
		   ndigits / 2 > STAMP_KEY_MAX_LEN) {
		fprintf(stderr, "stampnl: key file %s: the key is %zu octets, it must be %d to %d\n",
			name, ndigits / 2, STAMP_KEY_MIN_LEN,
			STAMP_KEY_MAX_LEN);
	} else {
		*len = ndigits / 2;
		return 0;
	}
err_wipe:
	explicit_bzero(key, STAMP_KEY_MAX_LEN);
	return err;
}
