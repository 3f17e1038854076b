// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus textfiles as data (tools/lib/prom.c): two targets' files
 * merged by family, whatever the order of the families in each, HELP and
 * TYPE once, samples of a family together, labels with spaces and braces
 * kept, and malformed lines refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "prom.h"

static int read_text(struct prom_set *set, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err;

	assert_non_null(f);
	err = prom_set_read(set, f);
	fclose(f);
	return err;
}

static void assert_written(const struct prom_set *set, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	prom_set_write(f, set);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
}

static void test_merge(void **state)
{
	struct prom_set set = { 0 };

	assert_int_equal(read_text(&set,
		"# HELP a_total A things.\n# TYPE a_total counter\n"
		"a_total{target=\"x\"} 1\n"
		"# HELP d_seconds D.\n# TYPE d_seconds summary\n"
		"d_seconds{target=\"x\",quantile=\"0.5\"} 0.001\n"
		"d_seconds_sum{target=\"x\"} 0.003\n"
		"d_seconds_count{target=\"x\"} 3\n"), 0);
	/* the second file: families in another order, a label with " }" */
	assert_int_equal(read_text(&set,
		"# HELP d_seconds D.\n# TYPE d_seconds summary\n"
		"d_seconds_count{target=\"y }\"} 0\n"
		"# HELP a_total other help\n# TYPE a_total counter\n"
		"a_total{target=\"y }\"} 2\n"
		"# HELP n_plain N.\n# TYPE n_plain gauge\nn_plain 7\n"), 0);
	assert_int_equal(set.n, 3);
	assert_written(&set,
		"# HELP a_total A things.\n# TYPE a_total counter\n"
		"a_total{target=\"x\"} 1\n"
		"a_total{target=\"y }\"} 2\n"
		"# HELP d_seconds D.\n# TYPE d_seconds summary\n"
		"d_seconds{target=\"x\",quantile=\"0.5\"} 0.001\n"
		"d_seconds_sum{target=\"x\"} 0.003\n"
		"d_seconds_count{target=\"x\"} 3\n"
		"d_seconds_count{target=\"y }\"} 0\n"
		"# HELP n_plain N.\n# TYPE n_plain gauge\nn_plain 7\n");
	prom_set_free(&set);
	assert_int_equal(set.n, 0);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"a_total 1\n",				/* a sample before any family */
		"# HELP a_total A.\na_total{x=\"1\" 1\n",	/* no closing brace */
		"# HELP a_total A.\na_total\n",		/* no value */
		"# TYPE \n",				/* no name */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct prom_set set = { 0 };

		assert_int_equal(read_text(&set, bad[i]), -EINVAL);
		prom_set_free(&set);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests_name("prom", tests, NULL, NULL);
}
