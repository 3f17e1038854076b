// SPDX-License-Identifier: GPL-2.0
/*
 * --histogram-bins: the bins the user chose, in the summary (text and
 * JSON) and in a CSV file (--histogram-file). sender_report() counts;
 * tools/lib/hist_bins.c says which bin a delay is in.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "print.h"
#include "sender.h"
#include "sender_report.h"

/* a bin's range in ms, to the ns: "<= 1", "(1, 1.5]", "> 5" */
static void range_text(const struct hist_bins *b, unsigned int i, char *buf,
		       size_t len)
{
	if (!i)
		snprintf(buf, len, "<= %.9g", hist_bins_edge(b, 0) / 1e6);
	else if (i == b->n - 1)
		snprintf(buf, len, "> %.9g", hist_bins_edge(b, i - 1) / 1e6);
	else
		snprintf(buf, len, "(%.9g, %.9g]",
			 hist_bins_edge(b, i - 1) / 1e6,
			 hist_bins_edge(b, i) / 1e6);
}

/**
 * sender_hist_print() - the chosen bins in the summary
 * @s: the sender
 * @r: its report
 *
 * JSON: "histogram": { "spacing", "bins", "min_ns", "max_ns", "edges_ns"
 * (bin i holds edges_ns[i-1] < d <= edges_ns[i]), and per delay
 * { "count", "below_min", "above_max", "counts" } }.
 */
void sender_hist_print(const struct sender *s, const struct sender_report *r)
{
	const struct hist_bins *b = s->o->hist ? &s->o->hist->bins : NULL;
	unsigned int i, k;

	if (!b)
		return;
	open_json_object("histogram");
	print_string(PRINT_JSON, "spacing", NULL, b->linear ? "linear" : "le");
	print_uint(PRINT_ANY, "bins", "histogram: %u bins", b->n);
	print_u64(PRINT_JSON, "min_ns", NULL, hist_bins_edge(b, 0));
	print_u64(PRINT_JSON, "max_ns", NULL, hist_bins_edge(b, b->n - 2));
	print_float(PRINT_FP, NULL, NULL, ", %.9g to", hist_bins_edge(b, 0) / 1e6);
	print_float(PRINT_FP, NULL, NULL, " %.9g ms",
		    hist_bins_edge(b, b->n - 2) / 1e6);
	print_text("%s; outliers in the first and last bins\n",
		   b->linear ? " in equal steps" : "");
	open_json_array("edges_ns");
	for (i = 0; i + 1 < b->n; i++)
		print_u64(PRINT_JSON, NULL, NULL, hist_bins_edge(b, i));
	close_json_array();
	for (k = REP_RTT; k < REP_RES; k++) {
		open_json_object(sender_report_names[k]);
		print_u64(PRINT_JSON, "count", NULL, r->bins.n[k]);
		print_u64(PRINT_JSON, "below_min", NULL, r->bins.in[k][0]);
		print_u64(PRINT_JSON, "above_max", NULL,
			  r->bins.in[k][b->n - 1]);
		open_json_array("counts");
		for (i = 0; i < b->n; i++)
			print_u64(PRINT_JSON, NULL, NULL, r->bins.in[k][i]);
		close_json_array();
		close_json_object();
	}
	close_json_object();

	print_text("  %4s  %-28s %10s %10s %10s\n", "bin", "delay (ms)", "rtt",
		   "forward", "backward");
	for (i = 0; i < b->n; i++) {
		char range[64];

		range_text(b, i, range, sizeof(range));
		print_uint(PRINT_FP, NULL, "  %4u", i);
		print_string(PRINT_FP, NULL, "  %-28s", range);
		for (k = REP_RTT; k < REP_RES; k++)
			print_u64(PRINT_FP, NULL, " %10" PRIu64,
				  r->bins.in[k][i]);
		print_nl(PRINT_FP);
	}
}

/**
 * sender_hist_write() - the chosen bins' counts to a CSV file
 * @s: the sender
 * @path: the file, replaced
 *
 * One header line, "bin,lo_ns,hi_ns,rtt,forward,backward", then a line
 * per bin: it holds lo_ns < d <= hi_ns, an empty bound being none (the
 * outlier bins).
 *
 * Return: 0, or -errno with a message printed.
 */
int sender_hist_write(const struct sender *s, const char *path)
{
	const struct hist_bins *b = s->o->hist ? &s->o->hist->bins : NULL;
	struct sender_report r;
	unsigned int i, k;
	FILE *f;
	int err;

	err = sender_report(s, &r);
	if (err)
		return err;
	f = fopen(path, "w");
	if (!f) {
		err = -errno;
		fprintf(stderr, "stampnl sender: --histogram-file %s: %s\n",
			path, strerror(-err));
		return err;
	}
	fputs("bin,lo_ns,hi_ns,rtt,forward,backward\n", f);
	for (i = 0; i < b->n; i++) {
		fprintf(f, "%u,", i);
		if (i)
			fprintf(f, "%" PRIu64, hist_bins_edge(b, i - 1));
		fputc(',', f);
		if (i < b->n - 1)
			fprintf(f, "%" PRIu64, hist_bins_edge(b, i));
		for (k = REP_RTT; k < REP_RES; k++)
			fprintf(f, ",%" PRIu64, r.bins.in[k][i]);
		fputc('\n', f);
	}
	/* a full disk shows at fclose(), or earlier in ferror() without errno */
	errno = 0;
	if (ferror(f) | fclose(f)) {
		err = errno ? -errno : -EIO;
		fprintf(stderr, "stampnl sender: --histogram-file %s: %s\n",
			path, strerror(-err));
		return err;
	}
	return 0;
}
