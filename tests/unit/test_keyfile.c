// SPDX-License-Identifier: GPL-2.0
/*
 * Key files (tools/lib/keyfile.c): the formats accepted, every refusal with
 * its errno and the message that explains it, standard input from a pipe,
 * and the key wiped when the file is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <uapi/linux/stamp_wire.h>

#include "keyfile.h"

struct fixture {
	char dir[64];
	char path[128];
	char errpath[128];
	char err[1024];		/* what the last call printed on stderr */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test_keyfile.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/key", f->dir);
	snprintf(f->errpath, sizeof(f->errpath), "%s/stderr", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	unlink(f->errpath);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_file(struct fixture *f, const char *text, mode_t mode)
{
	int fd;

	unlink(f->path);
	fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* stamp_keyfile_read() with its stderr caught in f->err */
static int read_key(struct fixture *f, const char *path, uint8_t *key,
		    size_t *len)
{
	int saved = dup(STDERR_FILENO), fd, ret;
	ssize_t n;

	fd = open(f->errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	ret = stamp_keyfile_read(path, key, len);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, f->err, sizeof(f->err) - 1, 0);
	f->err[n > 0 ? n : 0] = 0;
	close(fd);
	return ret;
}

static void expect_refused(struct fixture *f, const char *text, mode_t mode,
			   int err, const char *msg)
{
	uint8_t key[STAMP_KEY_MAX_LEN];
	size_t len = 99, i;

	write_file(f, text, mode);
	memset(key, 0xa5, sizeof(key));
	assert_int_equal(read_key(f, f->path, key, &len), err);
	assert_int_equal(len, 0);
	if (!strstr(f->err, msg) || strncmp(f->err, "stampnl: ", 9))
		fail_msg("expected '%s' in '%s'", msg, f->err);
	/* nothing of a refused key is left behind */
	for (i = 0; i < sizeof(key); i++)
		assert_int_equal(key[i], 0);
}

static void test_good_16(void **state)
{
	static const uint8_t want[16] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	};
	struct fixture *f = *state;
	uint8_t key[STAMP_KEY_MAX_LEN];
	size_t len = 0;

	/* grouped, wrapped, mixed case, CRLF: all the same key */
	write_file(f, " 00112233 44556677\r\n\t8899AaBb\nccDDeeff\n\n", 0600);
	assert_int_equal(read_key(f, f->path, key, &len), 0);
	assert_int_equal(len, 16);
	assert_memory_equal(key, want, 16);
	assert_string_equal(f->err, "");
}

static void test_good_64_read_only(void **state)
{
	struct fixture *f = *state;
	uint8_t key[STAMP_KEY_MAX_LEN];
	char text[129];
	size_t len = 0, i;

	for (i = 0; i < 64; i++)
		snprintf(text + 2 * i, 3, "%02x", (unsigned int)(255 - i));
	write_file(f, text, 0400);
	assert_int_equal(read_key(f, f->path, key, &len), 0);
	assert_int_equal(len, 64);
	for (i = 0; i < 64; i++)
		assert_int_equal(key[i], 255 - i);
}

static void test_missing(void **state)
{
	struct fixture *f = *state;
	uint8_t key[STAMP_KEY_MAX_LEN];
	size_t len;

	assert_int_equal(read_key(f, "/nonexistent/key", key, &len), -ENOENT);
	assert_non_null(strstr(f->err, "stampnl: key file /nonexistent/key: "));
}

static void test_empty(void **state)
{
	expect_refused(*state, "", 0600, -EINVAL, "is empty");
	expect_refused(*state, " \n\t\n", 0600, -EINVAL, "is empty");
}

static void test_odd(void **state)
{
	expect_refused(*state, "00112233445566778899aabbccddeeff0", 0600,
		       -EINVAL, "odd number of hex digits (33)");
}

static void test_not_hex(void **state)
{
	/* offsets count every octet of the file, whitespace included */
	expect_refused(*state, "0011 22g3445566778899aabbccddeeff", 0600,
		       -EINVAL, "character 0x67 at offset 7 is not a hex digit");
	expect_refused(*state, "0x00112233445566778899aabbccddeeff", 0600,
		       -EINVAL, "character 0x78 at offset 1");
}

static void test_too_short(void **state)
{
	expect_refused(*state, "00112233445566778899aabbccddee", 0600,
		       -EINVAL, "the key is 15 octets, it must be 16 to 64");
}

static void test_too_long(void **state)
{
	char text[200];
	size_t i;

	for (i = 0; i < 130; i++)
		text[i] = "0123456789abcdef"[i % 16];
	text[130] = 0;
	expect_refused(*state, text, 0600, -EINVAL,
		       "the key is 65 octets, it must be 16 to 64");
}

static void test_mode(void **state)
{
	const char *k = "00112233445566778899aabbccddeeff";

	expect_refused(*state, k, 0644, -EACCES, "(mode 0644): chmod 600 it");
	expect_refused(*state, k, 0640, -EACCES, "chmod 600");
	expect_refused(*state, k, 0620, -EACCES, "chmod 600");
	expect_refused(*state, k, 0602, -EACCES, "chmod 600");
}

/* "-": the key comes through a pipe, as from a secrets manager */
static void test_stdin_pipe(void **state)
{
	const char *text = "0f0e0d0c0b0a09080706050403020100\n";
	struct fixture *f = *state;
	uint8_t key[STAMP_KEY_MAX_LEN];
	int p[2], saved = dup(STDIN_FILENO), ret;
	size_t len = 0, i;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], text, strlen(text)),
			 (ssize_t)strlen(text));
	close(p[1]);
	dup2(p[0], STDIN_FILENO);
	close(p[0]);
	ret = read_key(f, "-", key, &len);
	dup2(saved, STDIN_FILENO);
	close(saved);
	assert_int_equal(ret, 0);
	assert_int_equal(len, 16);
	for (i = 0; i < 16; i++)
		assert_int_equal(key[i], 15 - i);
}

/* "-" redirected from a file others can read: as unsafe as its name */
static void test_stdin_file_mode(void **state)
{
	struct fixture *f = *state;
	uint8_t key[STAMP_KEY_MAX_LEN];
	int fd, saved = dup(STDIN_FILENO), ret;
	size_t len;

	write_file(f, "00112233445566778899aabbccddeeff", 0644);
	fd = open(f->path, O_RDONLY);
	assert_true(fd >= 0);
	dup2(fd, STDIN_FILENO);
	close(fd);
	ret = read_key(f, "-", key, &len);
	dup2(saved, STDIN_FILENO);
	close(saved);
	assert_int_equal(ret, -EACCES);
	assert_non_null(strstr(f->err, "(standard input)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_16, setup, teardown),
		cmocka_unit_test_setup_teardown(test_good_64_read_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_hex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdin_pipe, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stdin_file_mode, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
