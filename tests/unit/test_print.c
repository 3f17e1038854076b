// SPDX-License-Identifier: GPL-2.0
/*
 * The print layer (tools/lib/print.c): the same calls in text and in JSON,
 * JSON's structure (commas, nesting, documents one after another), string
 * escaping, 64-bit integers in full and the seed as a string, non-finite
 * numbers, and json-c's values passed through unchanged.
 */
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "print.h"

static char *buf;
static size_t len;
static FILE *mem;

static void begin(bool json)
{
	mem = open_memstream(&buf, &len);
	assert_non_null(mem);
	print_start(mem, json);
}

/* what was printed, checked against @want, then freed */
static void end_expect(const char *want)
{
	fclose(mem);
	print_start(NULL, false);
	assert_string_equal(buf, want);
	free(buf);
	buf = NULL;
}

/* JSON that json-c must accept as one document */
static struct json_object *end_parse(void)
{
	struct json_object *o;

	fclose(mem);
	print_start(NULL, false);
	o = json_tokener_parse(buf);
	assert_non_null(o);
	free(buf);
	buf = NULL;
	return o;
}

/* a report as a command would print it */
static void report(void)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "target", "--- %s ---\n", "host");
	print_u64(PRINT_ANY, "sent", "%" PRIu64 " sent, ", 10);
	print_u64(PRINT_ANY, "received", "%" PRIu64 " received\n", 9);
	print_bool(PRINT_JSON, "synced", NULL, true);
	print_float(PRINT_JSON, "avg_ns", "%.0f", NULL, 1234567.4);
	print_float(PRINT_FP, NULL, NULL, "avg %.3f ms\n", 1234567.4 / 1e6);
	open_json_array("ports");
	print_uint(PRINT_ANY, NULL, "port %u\n", 862);
	print_uint(PRINT_ANY, NULL, "port %u\n", 863);
	close_json_array();
	open_json_object("tlv");
	print_int(PRINT_ANY, "dscp", "dscp %d\n", -1);
	print_null(PRINT_ANY, "ttl", "ttl %s\n", "?");
	close_json_object();
	print_text("note: %s\n", "text only");
	close_json_object();
	print_nl(PRINT_JSON);
}

static void test_text_and_json(void **state)
{
	begin(false);
	report();
	end_expect("--- host ---\n10 sent, 9 received\navg 1.235 ms\n"
		   "port 862\nport 863\ndscp -1\nttl ?\nnote: text only\n");
	begin(true);
	report();
	end_expect("{\"target\":\"host\",\"sent\":10,\"received\":9,"
		   "\"synced\":true,\"avg_ns\":1234567,\"ports\":[862,863],"
		   "\"tlv\":{\"dscp\":-1,\"ttl\":null}}\n");
}

/* JSON lines: a document after another, each starting afresh */
static void test_documents(void **state)
{
	begin(true);
	open_json_object(NULL);
	print_string(PRINT_JSON, "type", NULL, "reply");
	close_json_object();
	print_nl(PRINT_JSON);
	open_json_object(NULL);
	print_string(PRINT_JSON, "type", NULL, "lost");
	open_json_array("missing");
	close_json_array();
	open_json_object("empty");
	close_json_object();
	close_json_object();
	print_nl(PRINT_JSON);
	end_expect("{\"type\":\"reply\"}\n"
		   "{\"type\":\"lost\",\"missing\":[],\"empty\":{}}\n");
}

static void test_nested(void **state)
{
	struct json_object *o, *v;
	int i;

	begin(true);
	open_json_object(NULL);
	open_json_array("a");
	for (i = 0; i < 3; i++) {
		open_json_object(NULL);
		print_int(PRINT_ANY, "i", "%d", i);
		open_json_object("in");
		open_json_array("deep");
		print_int(PRINT_ANY, NULL, "%d", i * 10);
		close_json_array();
		close_json_object();
		close_json_object();
	}
	close_json_array();
	print_string(PRINT_ANY, "after", "%s", "x");
	close_json_object();
	o = end_parse();
	v = json_object_object_get(o, "a");
	assert_int_equal(json_object_array_length(v), 3);
	v = json_object_array_get_idx(v, 2);
	assert_int_equal(json_object_get_int(json_object_object_get(v, "i")),
			 2);
	v = json_object_object_get(json_object_object_get(v, "in"), "deep");
	assert_int_equal(json_object_get_int(json_object_array_get_idx(v, 0)),
			 20);
	assert_string_equal(json_object_get_string(
		json_object_object_get(o, "after")), "x");
	json_object_put(o);
}

static void test_escaping(void **state)
{
	static const char s[] = "q\"b\\s/\x01\t\n\x1f\x7f" "caf\xc3\xa9 \xe2\x82\xac";
	struct json_object *o;

	begin(true);
	open_json_object(NULL);
	print_string(PRINT_ANY, "k\"ey", "%s", s);
	print_string(PRINT_ANY, "none", "%s", NULL);
	close_json_object();
	end_expect("{\"k\\\"ey\":\"q\\\"b\\\\s/\\u0001\\u0009\\u000a\\u001f"
		   "\\u007fcaf\xc3\xa9 \xe2\x82\xac\",\"none\":null}");
	/* and a JSON reader gets the string back as it was */
	begin(true);
	open_json_object(NULL);
	print_string(PRINT_ANY, "s", "%s", s);
	close_json_object();
	o = end_parse();
	assert_string_equal(json_object_get_string(json_object_object_get(o, "s")),
			    s);
	json_object_put(o);
	/* text is not JSON: the string as it is */
	begin(false);
	print_string(PRINT_ANY, "s", "[%s]", "a\"b\\c");
	end_expect("[a\"b\\c]");
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *key;
	uint64_t magnitude;
	bool negative;
} exact_cases[] = {
	{ "max_exact", 1ULL << 53, false },
	{ "above", (1ULL << 53) + 1, false },
	{ "seedlike", 12345678901234567ULL, false },
	{ "u64_max", UINT64_MAX, false },
	{ "neg", 1ULL << 53, true },
	{ "neg_above", (1ULL << 53) + 1, true },
	{ "below", 1ULL << 63, true },
};

/*
 * Read as a double-based reader does (JavaScript, jq 1.6): a number is a
 * double, a string of digits is parsed whole. Every value must come back
 * exact.
 */
static void test_exact_integers_double_reader(void **state)
{
	struct json_object *o, *v;
	char want[32];
	size_t i;

	begin(true);
	open_json_object(NULL);
	for (i = 0; i < ARRAY_LEN(exact_cases); i++) {
		if (exact_cases[i].negative)
			print_s64(PRINT_JSON, exact_cases[i].key, NULL,
				  (int64_t)-exact_cases[i].magnitude);
		else
			print_u64(PRINT_JSON, exact_cases[i].key, NULL,
				  exact_cases[i].magnitude);
	}
	close_json_object();
	o = end_parse();
	for (i = 0; i < ARRAY_LEN(exact_cases); i++) {
		assert_true(json_object_object_get_ex(o, exact_cases[i].key,
						      &v));
		snprintf(want, sizeof(want), "%s%" PRIu64,
			 exact_cases[i].negative ? "-" : "",
			 exact_cases[i].magnitude);
		if (json_object_is_type(v, json_type_string)) {
			assert_string_equal(json_object_get_string(v), want);
			continue;
		}
		/* a bare number: what a double makes of it, printed whole */
		assert_true(json_object_is_type(v, json_type_int));
		snprintf(want, sizeof(want), "%.0f",
			 (exact_cases[i].negative ? -1.0 : 1.0) *
			 (double)exact_cases[i].magnitude);
		assert_string_equal(json_object_to_json_string(v), want);
	}
	json_object_put(o);
}

static void test_exact_integers(void **state)
{
	begin(true);
	open_json_object(NULL);
	print_u64(PRINT_ANY, "max_exact", "%" PRIu64, 1ULL << 53);
	print_u64(PRINT_ANY, "above", "%" PRIu64, (1ULL << 53) + 1);
	print_u64(PRINT_ANY, "max", "%" PRIu64, UINT64_MAX);
	print_s64(PRINT_ANY, "neg", "%" PRId64, -(int64_t)(1ULL << 53));
	print_s64(PRINT_ANY, "below", "%" PRId64, INT64_MIN);
	print_int(PRINT_ANY, "int", "%d", -3);
	print_u64_string(PRINT_ANY, "seed", "%" PRIu64, 42);
	print_s64_string(PRINT_ANY, "t1_ns", "%" PRId64, -7);
	close_json_object();
	end_expect("{\"max_exact\":9007199254740992,"
		   "\"above\":\"9007199254740993\","
		   "\"max\":\"18446744073709551615\","
		   "\"neg\":-9007199254740992,"
		   "\"below\":\"-9223372036854775808\",\"int\":-3,"
		   "\"seed\":\"42\",\"t1_ns\":\"-7\"}");
	/* text prints the number as it is */
	begin(false);
	print_u64(PRINT_ANY, "above", "%" PRIu64, 12345678901234567ULL);
	print_u64_string(PRINT_ANY, "seed", " %" PRIu64, 42);
	end_expect("12345678901234567 42");
}

static void test_floats(void **state)
{
	begin(true);
	open_json_object(NULL);
	print_float(PRINT_ANY, "a", "%.3f", "%.1f", 2.0 / 3);
	print_float(PRINT_ANY, "nan", "%.3f", "%.1f", NAN);
	print_float(PRINT_ANY, "inf", "%.3f", "%.1f", INFINITY);
	print_float(PRINT_ANY, "g", NULL, "%.1f", 0.25);
	close_json_object();
	end_expect("{\"a\":0.667,\"nan\":null,\"inf\":null,\"g\":0.25}");
	begin(false);
	print_float(PRINT_ANY, "a", "%.3f", "%.1f", 2.0 / 3);
	end_expect("0.7");
}

/* what a child printed goes through unchanged, numbers as they were */
static void test_json_c(void **state)
{
	static const char doc[] = "{\"target\":\"a\\\"b\",\"n\":18446744073709551615,"
		"\"neg\":-3,\"f\":0.100,\"g\":1e-07,\"t\":true,\"z\":null,"
		"\"a\":[1,{\"x\":[]},\"s\"],\"o\":{}}";
	struct json_object *o = json_tokener_parse(doc);

	assert_non_null(o);
	begin(true);
	print_json_c(NULL, o);
	end_expect(doc);
	/* and as a member, after others */
	begin(true);
	open_json_object(NULL);
	print_string(PRINT_JSON, "first", NULL, "1");
	print_json_c("child", o);
	close_json_object();
	json_object_put(o);
	o = end_parse();
	assert_int_equal(json_object_get_boolean(json_object_object_get(
		json_object_object_get(o, "child"), "t")), 1);
	json_object_put(o);
	/* nothing in text mode */
	begin(false);
	o = json_tokener_parse(doc);
	print_json_c(NULL, o);
	json_object_put(o);
	end_expect("");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_and_json),
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_exact_integers),
		cmocka_unit_test(test_exact_integers_double_reader),
		cmocka_unit_test(test_floats),
		cmocka_unit_test(test_json_c),
	};

	return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}
