// SPDX-License-Identifier: GPL-2.0
/*
 * benchobs: attach the benchmark's TC observer (bench_obs.bpf.c) to a
 * device until SIGINT or SIGTERM, then print what it saw as one JSON
 * object: the packet counters and, with --record, how the reflector's T2
 * and T3 compare with the moments the requests and replies passed the
 * device (the neutral observer of the reflector's timestamps).
 *
 *   benchobs -i DEV [-p PORT] [--alt-port PORT] [--sink] [--record] [--auth]
 *            [--pin FILE] [--ready FILE] [--dump FILE]
 *
 * --alt-port watches a second reflector's port too. --sink drops STAMP
 * replies and ICMP echo replies on ingress (counted first); --pin pins the counter map so benchgen can read it; --ready is
 * created once the programs are attached; --dump writes "SEQ WIRE_RTT_NS"
 * for every request seen leaving and its reply seen coming back, the
 * reflector's residence time (T3 - T2) taken out.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/timex.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_obs.h"
#include "bench_obs.skel.h"
#include "bench_stats.h"
#include "wire.h"

#define PRIO_TRIES 256

static atomic_int stop;	/* set by the signal handler */

static void on_signal(int sig)
{
	stop = 1;
}

static int attach(struct bpf_tc_hook *hook, enum bpf_tc_attach_point where,
		  int prog_fd, struct bpf_tc_opts *opts)
{
	struct bpf_tc_hook h = *hook;
	int i, err = -EEXIST;

	h.attach_point = where;
	for (i = 1; i <= PRIO_TRIES && (err == -EEXIST || err == -EINVAL);
	     i++) {
		memset(opts, 0, sizeof(*opts));
		opts->sz = sizeof(*opts);
		opts->prog_fd = prog_fd;
		opts->handle = 1;
		opts->priority = i;
		err = bpf_tc_attach(&h, opts);
	}
	return err;
}

static void detach(struct bpf_tc_hook *hook, enum bpf_tc_attach_point where,
		   struct bpf_tc_opts *opts)
{
	struct bpf_tc_hook h = *hook;

	h.attach_point = where;
	opts->prog_fd = 0;
	opts->prog_id = 0;
	opts->flags = 0;
	bpf_tc_detach(&h, opts);
}

/* A wire timestamp on CLOCK_TAI, in ns: NTP is UTC, PTPv2 is TAI. */
static int64_t wire_tai_ns(uint64_t wire, uint16_t errest, int64_t tai_off)
{
	bool ptp = stamp_errest_is_ptp(errest);
	struct stamp_time t;

	stamp_ts_decode(wire, ptp, &t);
	return t.sec * 1000000000LL + t.nsec + (ptp ? 0 : tai_off);
}

static const char *const counter_names[OBS_NCOUNTERS] = {
	"req_in", "req_out", "rep_in", "rep_out",
	"echo_in", "echo_out", "echorep_in", "echorep_out",
};

static void print_counters(struct bench_obs_bpf *skel)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *v = calloc(ncpu, sizeof(*v));
	__u32 k;
	int c;

	printf("\"counters\":{");
	for (k = 0; k < OBS_NCOUNTERS; k++) {
		__u64 sum = 0;

		if (v && !bpf_map__lookup_elem(skel->maps.counters, &k,
					       sizeof(k), v,
					       ncpu * sizeof(*v), 0))
			for (c = 0; c < ncpu; c++)
				sum += v[c];
		printf("%s\"%s\":%llu", k ? "," : "", counter_names[k],
		       (unsigned long long)sum);
	}
	printf("}");
	free(v);
}

/*
 * Every slot with both the request's arrival and the reply's departure
 * (the reflector's device) or the request's departure and the reply's
 * arrival (the sender's device).
 */
static int analyse(struct bench_obs_bpf *skel, const char *dump)
{
	struct bench_series d2 = {}, d3 = {}, res = {}, wres = {}, rtt = {};
	struct obs_slot s;
	struct timex tx = {};
	int64_t off, t2, t3;
	FILE *f = NULL;
	__u32 k;

	adjtimex(&tx);
	off = (int64_t)tx.tai * 1000000000LL;
	if (dump) {
		f = fopen(dump, "w");
		if (!f) {
			fprintf(stderr, "benchobs: %s: %s\n", dump,
				strerror(errno));
			return -errno;
		}
	}
	for (k = 0; k < OBS_SLOTS; k++) {
		if (bpf_map__lookup_elem(skel->maps.slots, &k, sizeof(k), &s,
					 sizeof(s), 0) || !s.t2 || !s.t3)
			continue;
		t2 = wire_tai_ns(s.t2, s.errest, off);
		t3 = wire_tai_ns(s.t3, s.errest, off);
		if (s.req_in && s.rep_out) {
			series_add(&d2, t2 - (int64_t)s.req_in);
			series_add(&d3, (int64_t)s.rep_out - t3);
			series_add(&res, t3 - t2);
			series_add(&wres, (int64_t)(s.rep_out - s.req_in));
		}
		if (s.req_out && s.rep_in) {
			int64_t r = (int64_t)(s.rep_in - s.req_out) - (t3 - t2);

			series_add(&rtt, r);
			if (f)
				fprintf(f, "%u %lld\n", s.seq, (long long)r);
		}
	}
	if (f)
		fclose(f);
	printf(",\"tai_offset_s\":%d", tx.tai);
	series_json(",\"t2_minus_wire_in\"", &d2);
	series_json(",\"wire_out_minus_t3\"", &d3);
	series_json(",\"t3_minus_t2\"", &res);
	series_json(",\"wire_residence\"", &wres);
	series_json(",\"wire_rtt\"", &rtt);
	series_free(&d2);
	series_free(&d3);
	series_free(&res);
	series_free(&wres);
	series_free(&rtt);
	return 0;
}

static int bad_usage(void)
{
	fprintf(stderr, "usage: benchobs -i DEV [-p PORT] [--alt-port PORT] [--sink] [--record] [--auth] [--pin FILE] [--ready FILE] [--dump FILE]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sink", no_argument, NULL, 'S' },
		{ "record", no_argument, NULL, 'R' },
		{ "auth", no_argument, NULL, 'A' },
		{ "pin", required_argument, NULL, 'P' },
		{ "ready", required_argument, NULL, 'r' },
		{ "dump", required_argument, NULL, 'D' },
		{ "alt-port", required_argument, NULL, 'a' },
		{ 0 }
	};
	const char *dev = NULL, *pin = NULL, *ready = NULL, *dump = NULL;
	struct bpf_tc_opts in = {}, out = {};
	struct obs_cfg cfg = { .port = htons(STAMP_PORT) };
	struct bench_obs_bpf *skel;
	struct bpf_tc_hook hook = { .sz = sizeof(hook) };
	bool created;
	int c, err;

	while ((c = getopt_long(argc, argv, "i:p:", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			dev = optarg;
			break;
		case 'p':
			cfg.port = htons(atoi(optarg));
			break;
		case 'S':
			cfg.sink = 1;
			break;
		case 'R':
			cfg.record = 1;
			break;
		case 'A':
			cfg.auth = 1;
			break;
		case 'P':
			pin = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		case 'D':
			dump = optarg;
			break;
		case 'a':
			cfg.alt_port = htons(atoi(optarg));
			break;
		default:
			return bad_usage();
		}
	}
	if (!dev || optind != argc)
		return bad_usage();
	hook.ifindex = if_nametoindex(dev);
	if (!hook.ifindex) {
		fprintf(stderr, "benchobs: no device %s\n", dev);
		return 2;
	}
	skel = bench_obs_bpf__open();
	if (!skel) {
		fprintf(stderr, "benchobs: opening the BPF object failed\n");
		return 2;
	}
	skel->rodata->cfg = cfg;
	err = bench_obs_bpf__load(skel);
	if (err) {
		fprintf(stderr, "benchobs: loading: %s\n", strerror(-err));
		goto err_destroy;
	}
	hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		fprintf(stderr, "benchobs: clsact on %s (sch_ingress loaded?): %s\n",
			dev, strerror(-err));
		goto err_destroy;
	}
	created = !err;
	err = attach(&hook, BPF_TC_INGRESS,
		     bpf_program__fd(skel->progs.obs_ingress), &in);
	if (err)
		goto err_hook;
	err = attach(&hook, BPF_TC_EGRESS,
		     bpf_program__fd(skel->progs.obs_egress), &out);
	if (err)
		goto err_ingress;
	if (pin) {
		unlink(pin);
		err = bpf_map__pin(skel->maps.counters, pin);
		if (err) {
			fprintf(stderr, "benchobs: pinning %s: %s\n", pin,
				strerror(-err));
			goto err_egress;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}
	/* a signal between a test and pause() would be missed: poll */
	while (!stop)
		usleep(50000);

	printf("{\"device\":\"%s\",", dev);
	print_counters(skel);
	analyse(skel, dump);
	printf("}\n");
	fflush(stdout);
	if (pin)
		unlink(pin);
	err = 0;
err_egress:
	detach(&hook, BPF_TC_EGRESS, &out);
err_ingress:
	detach(&hook, BPF_TC_INGRESS, &in);
err_hook:
	if (created)
		bpf_tc_hook_destroy(&hook);
	if (err)
		fprintf(stderr, "benchobs: on %s (cls_bpf loaded?): %s\n",
			dev, strerror(-err));
err_destroy:
	bench_obs_bpf__destroy(skel);
	return err ? 2 : 0;
}
