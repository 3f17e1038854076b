/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers, durations, sizes and names on the command line, in the manner of
 * iproute2's lib/utils.c: exact integers (never through a double), ranges
 * checked, no sign where none belongs, nothing after the number. Each
 * returns 0, -EINVAL when the text is not of the kind, or -ERANGE when it
 * is but lies outside [min, max]; nothing is printed (cli.h says it).
 */
#ifndef _KSTAMP_PARSE_H
#define _KSTAMP_PARSE_H

#include <stdint.h>

#define NSEC_PER_USEC	1000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_s64(const char *s, int64_t min, int64_t max, int64_t *out);
int parse_uint(const char *s, unsigned int min, unsigned int max,
	       unsigned int *out);
int parse_real(const char *s, double min, double max, double *out);
int parse_duration(const char *s, uint64_t unit_ns, uint64_t min_ns,
		   uint64_t max_ns, uint64_t *ns);
int parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_percent(const char *s, double *out);
int parse_dscp(const char *s, unsigned int *out);
int parse_ecn(const char *s, unsigned int *out);
int parse_choice(const char *s, const char *const *names, unsigned int n,
		 unsigned int *out);
int parse_onoff(const char *s, unsigned int *out);

/* The names parse_dscp() and parse_ecn() take, for usage and completion. */
extern const char *const parse_dscp_names[];
extern const char *const parse_ecn_names[];
extern const char *const parse_onoff_names[];

#endif /* _KSTAMP_PARSE_H */
