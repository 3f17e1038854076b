// SPDX-License-Identifier: GPL-2.0
/*
 * The sync source from the daemons running (tools/lib/clock_source.c), over
 * fake /proc trees in a temporary directory: PTP from phc2sys or ptp4l,
 * before an NTP daemon beside it; NTP from chronyd, ntpd or
 * systemd-timesyncd (its comm cut to 15 characters); nothing otherwise;
 * and an unreadable /proc.
 */
#include <errno.h>
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

#include "clock_source.h"

#define MAX_ENTRIES 32

struct fixture {
	char dir[64];
	char paths[MAX_ENTRIES][128];	/* made under dir, removed in reverse */
	int n;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_clock_source.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	while (f->n--)
		remove(f->paths[f->n]);
	rmdir(f->dir);
	free(f);
	return 0;
}

static const char *remember(struct fixture *f, const char *fmt, ...)
{
	va_list ap;

	assert_true(f->n < MAX_ENTRIES);
	va_start(ap, fmt);
	vsnprintf(f->paths[f->n], sizeof(f->paths[0]), fmt, ap);
	va_end(ap);
	return f->paths[f->n++];
}

/* DIR/NAME/, and DIR/NAME/comm holding @comm unless it is NULL */
static void entry(struct fixture *f, const char *name, const char *comm)
{
	FILE *fp;

	assert_int_equal(mkdir(remember(f, "%s/%s", f->dir, name), 0755), 0);
	if (!comm)
		return;
	fp = fopen(remember(f, "%s/%s/comm", f->dir, name), "w");
	assert_non_null(fp);
	fprintf(fp, "%s\n", comm);
	fclose(fp);
}

/* a /proc as a system without a time daemon has it */
static void bystanders(struct fixture *f)
{
	entry(f, "1", "systemd");
	entry(f, "2", "kthreadd");
	entry(f, "733", "sshd");
	entry(f, "9001", "bash");
	/* not processes: never read */
	entry(f, "self", "chronyd");
	entry(f, "sys", NULL);
	/* a process that ended between readdir and the read */
	entry(f, "4242", NULL);
}

static int detect(struct fixture *f, char *who, size_t len)
{
	memset(who, 'x', len);
	return stamp_clock_source_detect(f->dir, who, len);
}

static void test_ptp4l_only(void **state)
{
	struct fixture *f = *state;
	char who[16];

	bystanders(f);
	entry(f, "812", "ptp4l");
	assert_int_equal(detect(f, who, sizeof(who)), STAMP_SYNC_PTP);
	assert_string_equal(who, "ptp4l");
}

static void test_phc2sys_and_chronyd(void **state)
{
	struct fixture *f = *state;
	char who[16];

	bystanders(f);
	entry(f, "500", "chronyd");
	entry(f, "812", "ptp4l");
	entry(f, "813", "phc2sys");
	assert_int_equal(detect(f, who, sizeof(who)), STAMP_SYNC_PTP);
	/* the one that disciplines the system clock is named */
	assert_string_equal(who, "phc2sys");
}

static void test_chronyd(void **state)
{
	struct fixture *f = *state;
	char who[16];

	bystanders(f);
	entry(f, "500", "chronyd");
	assert_int_equal(detect(f, who, sizeof(who)), STAMP_SYNC_NTP);
	assert_string_equal(who, "chronyd");
}

static void test_ntpd(void **state)
{
	struct fixture *f = *state;
	char who[16];

	entry(f, "77", "ntpd");
	assert_int_equal(detect(f, who, sizeof(who)), STAMP_SYNC_NTP);
	assert_string_equal(who, "ntpd");
}

static void test_timesyncd(void **state)
{
	struct fixture *f = *state;
	char who[16];

	/* the kernel keeps 15 characters of "systemd-timesyncd" */
	entry(f, "310", "systemd-timesyn");
	assert_int_equal(detect(f, who, sizeof(who)), STAMP_SYNC_NTP);
	assert_string_equal(who, "systemd-timesyn");
}

static void test_nothing(void **state)
{
	struct fixture *f = *state;
	char who[16];

	bystanders(f);
	/* names that only look like a daemon's */
	entry(f, "600", "chrony");
	entry(f, "601", "ptp4l-wrapper");
	entry(f, "602", "xntpd");
	assert_int_equal(detect(f, who, sizeof(who)), 0);
	assert_string_equal(who, "");
}

static void test_empty(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(stamp_clock_source_detect(f->dir, NULL, 0), 0);
}

static void test_no_proc(void **state)
{
	struct fixture *f = *state;
	char path[128], who[16];

	snprintf(path, sizeof(path), "%s/missing", f->dir);
	memset(who, 'x', sizeof(who));
	assert_int_equal(stamp_clock_source_detect(path, who, sizeof(who)),
			 -ENOENT);
	assert_string_equal(who, "");
}

/* the name is cut to the buffer given, never overrun */
static void test_short_buffer(void **state)
{
	struct fixture *f = *state;
	char who[8];

	entry(f, "813", "phc2sys");
	entry(f, "500", "chronyd");
	memset(who, 'x', sizeof(who));
	assert_int_equal(stamp_clock_source_detect(f->dir, who, 4),
			 STAMP_SYNC_PTP);
	assert_string_equal(who, "phc");
	assert_int_equal(who[4], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ptp4l_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phc2sys_and_chronyd, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_chronyd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ntpd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timesyncd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_proc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_buffer, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
