/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print layer for text and JSON, after iproute2's json_print: each
 * field is one call naming its JSON key and its text format, and the mode
 * chosen once decides which of the two is written.
 *
 *	print_start(NULL, json);
 *	open_json_object(NULL);
 *	print_u64(PRINT_ANY, "rx", "rx %" PRIu64 "\n", rx);
 *	print_float(PRINT_JSON, "avg_ns", "%.0f", NULL, avg);
 *	print_float(PRINT_FP, NULL, NULL, "avg %.3f ms\n", avg / 1e6);
 *	close_json_object();
 *	print_nl(PRINT_JSON);
 *
 * PRINT_FP writes only in text mode, PRINT_JSON only in JSON mode,
 * PRINT_ANY in both. JSON is written as it goes (no tree), compact, with
 * strings escaped (quotes, backslashes, control characters; UTF-8 passes
 * through), non-finite numbers as null, and integers above 2^53 in
 * magnitude as strings of digits, so that a reader holding numbers in
 * doubles gets them exact; fields that can be that large (timestamps in
 * ns, the seed) always as strings: print_u64_string(), print_s64_string().
 */
#ifndef _STAMPNL_PRINT_H
#define _STAMPNL_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

struct json_object;

void print_start(FILE *f, bool json);
bool is_json_context(void);
FILE *print_file(void);

void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value);
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value);
void print_flag(const char *key, const char *fmt, bool value,
		const char *yes, const char *no);
void print_null(enum output_type t, const char *key, const char *fmt,
		const char *text);
void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value);
void print_int(enum output_type t, const char *key, const char *fmt,
	       int value);
void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value);
void print_s64(enum output_type t, const char *key, const char *fmt,
	       int64_t value);
void print_u64_string(enum output_type t, const char *key, const char *fmt,
		      uint64_t value);
void print_s64_string(enum output_type t, const char *key, const char *fmt,
		      int64_t value);
void print_float(enum output_type t, const char *key, const char *json_fmt,
		 const char *fmt, double value);
void print_json_value(const char *key, const char *json);
void print_json_c(const char *key, struct json_object *value);
void print_nl(enum output_type t);
void print_text(const char *fmt, ...);

#endif /* _STAMPNL_PRINT_H */
