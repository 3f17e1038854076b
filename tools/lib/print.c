// SPDX-License-Identifier: GPL-2.0
/*
 * The print layer (see print.h): a streaming JSON writer that knows where
 * it is (object or array, first member or not) so that no caller writes a
 * comma, a quote or a brace, and the text side of the same calls.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "print.h"

#define MAX_DEPTH 32

static struct {
	FILE *f;
	bool json;
	int depth;
	bool first[MAX_DEPTH];	/* nothing written yet at this level */
} pr;

/**
 * print_start() - choose where and how the following calls print
 * @f: the stream, NULL for standard output
 * @json: JSON (the PRINT_JSON parts) or text (the PRINT_FP parts)
 */
void print_start(FILE *f, bool json)
{
	pr.f = f;
	pr.json = json;
	pr.depth = 0;
	pr.first[0] = true;
}

/**
 * is_json_context() - whether JSON is being printed
 *
 * Return: true in JSON mode.
 */
bool is_json_context(void)
{
	return pr.json;
}

/**
 * print_file() - the stream being printed to
 *
 * Return: the stream of print_start(), or stdout.
 */
FILE *print_file(void)
{
	return pr.f ? pr.f : stdout;
}

static bool want(enum output_type t)
{
	return t & (pr.json ? PRINT_JSON : PRINT_FP);
}

static bool text_wanted(enum output_type t)
{
	return !pr.json && (t & PRINT_FP);
}

static void json_escaped(const char *s)
{
	FILE *f = print_file();

	putc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			putc(c, f);
	}
	putc('"', f);
}

/* the comma before a member, and its key inside an object */
static void json_key(const char *key)
{
	FILE *f = print_file();

	if (!pr.first[pr.depth])
		putc(',', f);
	pr.first[pr.depth] = false;
	if (key) {
		json_escaped(key);
		putc(':', f);
	}
}

/* whether @t has a JSON side now; if so, its comma and key are written */
static bool json_member(enum output_type t, const char *key)
{
	if (!pr.json || !(t & PRINT_JSON))
		return false;
	json_key(key);
	return true;
}

static void json_open(const char *key, char c)
{
	if (!pr.json)
		return;
	json_key(key);
	putc(c, print_file());
	if (pr.depth < MAX_DEPTH - 1)
		pr.depth++;
	pr.first[pr.depth] = true;
}

static void json_close(char c)
{
	if (!pr.json)
		return;
	putc(c, print_file());
	if (pr.depth)
		pr.depth--;
	/* a new document may follow at the top: JSON lines */
	if (!pr.depth)
		pr.first[0] = true;
}

/**
 * open_json_object() - start an object (JSON only)
 * @key: its key in the enclosing object, NULL in an array or at the top
 */
void open_json_object(const char *key)
{
	json_open(key, '{');
}

/** close_json_object() - end the innermost object (JSON only) */
void close_json_object(void)
{
	json_close('}');
}

/**
 * open_json_array() - start an array (JSON only)
 * @key: its key in the enclosing object, NULL in an array or at the top
 */
void open_json_array(const char *key)
{
	json_open(key, '[');
}

/** close_json_array() - end the innermost array (JSON only) */
void close_json_array(void)
{
	json_close(']');
}

/*
 * The text side: @fmt with the value, as printf would. The format is the
 * caller's own string literal, never data.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#define TEXT(fmt, v) do {						\
		if (fmt)						\
			fprintf(print_file(), fmt, v);			\
	} while (0)

/**
 * print_string() - a string
 * @t: PRINT_FP, PRINT_JSON or PRINT_ANY
 * @key: its JSON key (NULL in an array)
 * @fmt: its text format, with one %s (NULL: none)
 * @value: the string; NULL is JSON null (and "" in text)
 */
void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value)
{
	if (text_wanted(t))
		TEXT(fmt, value ? value : "");
	else if (!json_member(t, key))
		return;
	else if (value)
		json_escaped(value);
	else
		fputs("null", print_file());
}

/**
 * print_bool() - true or false
 * @t: as for print_string()
 * @key: as for print_string()
 * @fmt: its text format, with one %s that gets "true" or "false"
 * @value: the value
 */
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value)
{
	if (text_wanted(t))
		TEXT(fmt, value ? "true" : "false");
	else if (json_member(t, key))
		fputs(value ? "true" : "false", print_file());
}

/**
 * print_flag() - a bool: true or false in JSON, one of two words in text
 * @key: its JSON key
 * @fmt: its text format, with one %s that gets @yes or @no
 * @value: the value
 * @yes: the text for true
 * @no: the text for false
 */
void print_flag(const char *key, const char *fmt, bool value,
		const char *yes, const char *no)
{
	print_bool(PRINT_JSON, key, NULL, value);
	print_string(PRINT_FP, NULL, fmt, value ? yes : no);
}

/**
 * print_null() - a value that is not known
 * @t: as for print_string()
 * @key: as for print_string()
 * @fmt: its text format, with one %s that gets @text
 * @text: what text shows for it
 */
void print_null(enum output_type t, const char *key, const char *fmt,
		const char *text)
{
	if (text_wanted(t))
		TEXT(fmt, text);
	else if (json_member(t, key))
		fputs("null", print_file());
}

/*
 * The integers: text with the caller's format; JSON by one rule, so that
 * a reader holding numbers in doubles (JavaScript, jq 1.6) never rounds
 * one: an integer is a JSON number only when its magnitude is at most
 * 2^53 (every such integer is exact in a double), otherwise a string of
 * its decimal digits. Counts never get there in practice, but a caller
 * cannot forget the rule. Fields whose values can be above 2^53 (absolute
 * timestamps in ns, the seed) use the _string variants, always a string,
 * so that their readers never have to check the type. Each takes
 * (t, key, fmt, value) as print_string() does, fmt with one conversion
 * for the value's type.
 */
#define JSON_EXACT_MAX (1ULL << 53)

static void json_integer(uint64_t magnitude, bool negative, bool string)
{
	if (magnitude > JSON_EXACT_MAX)
		string = true;
	fprintf(print_file(), "%s%s%" PRIu64 "%s", string ? "\"" : "",
		negative ? "-" : "", magnitude, string ? "\"" : "");
}

static void json_unsigned(uint64_t value, bool string)
{
	json_integer(value, false, string);
}

static void json_signed(int64_t value, bool string)
{
	json_integer(value < 0 ? -(uint64_t)value : (uint64_t)value,
		     value < 0, string);
}

#define PRINT_INTEGER(name, type, json_fn, string)			\
void name(enum output_type t, const char *key, const char *fmt,	\
	  type value)							\
{									\
	if (text_wanted(t))						\
		TEXT(fmt, value);					\
	else if (json_member(t, key))					\
		json_fn(value, string);					\
}

PRINT_INTEGER(print_uint, unsigned int, json_unsigned, false)
PRINT_INTEGER(print_int, int, json_signed, false)
PRINT_INTEGER(print_u64, uint64_t, json_unsigned, false)
PRINT_INTEGER(print_s64, int64_t, json_signed, false)
PRINT_INTEGER(print_u64_string, uint64_t, json_unsigned, true)
PRINT_INTEGER(print_s64_string, int64_t, json_signed, true)

/**
 * print_float() - a double
 * @t: as for print_string()
 * @key: as for print_string()
 * @json_fmt: its JSON format (one floating conversion, e.g. "%.3f")
 * @fmt: its text format
 * @value: the value; JSON null when not finite (NaN and infinities are
 *	   not JSON)
 */
void print_float(enum output_type t, const char *key, const char *json_fmt,
		 const char *fmt, double value)
{
	if (text_wanted(t))
		TEXT(fmt, value);
	else if (!json_member(t, key))
		return;
	else if (isfinite(value))
		fprintf(print_file(), json_fmt ? json_fmt : "%g", value);
	else
		fputs("null", print_file());
}
#pragma GCC diagnostic pop

/**
 * print_json_value() - a member whose value is JSON text already (JSON only)
 * @key: as for print_string()
 * @json: one JSON number, true, false or null, as a JSON writer wrote it;
 *	  never a string from outside (print_string() escapes those)
 */
void print_json_value(const char *key, const char *json)
{
	if (!pr.json)
		return;
	json_key(key);
	fputs(json, print_file());
}

/**
 * print_nl() - end a line
 * @t: in which modes
 */
void print_nl(enum output_type t)
{
	if (want(t))
		putc('\n', print_file());
}

/**
 * print_text() - text only, as printf
 * @fmt: the format
 */
void print_text(const char *fmt, ...)
{
	va_list ap;

	if (pr.json)
		return;
	va_start(ap, fmt);
	vfprintf(print_file(), fmt, ap);
	va_end(ap);
}
