// SPDX-License-Identifier: GPL-2.0
/*
 * json-c's values through the print layer: what a --targets child printed,
 * parsed, goes out again as members of the parent's document. Apart from
 * print.c so that programs which only print (snmp/) do not link json-c.
 */
#include <json-c/json.h>

#include "print.h"

/**
 * print_json_c() - a value json-c parsed, written as a member (JSON only)
 * @key: as for print_string()
 * @value: the value; json-c writes numbers as they were read
 */
void print_json_c(const char *key, struct json_object *value)
{
	size_t i, n;

	if (!is_json_context())
		return;
	switch (json_object_get_type(value)) {
	case json_type_object:
		open_json_object(key);
		json_object_object_foreach(value, k, v)
			print_json_c(k, v);
		close_json_object();
		return;
	case json_type_array:
		open_json_array(key);
		n = json_object_array_length(value);
		for (i = 0; i < n; i++)
			print_json_c(NULL,
				     json_object_array_get_idx(value, i));
		close_json_array();
		return;
	case json_type_string:
		print_string(PRINT_JSON, key, NULL,
			     json_object_get_string(value));
		return;
	default:
		print_json_value(key, json_object_to_json_string_ext(value,
						JSON_C_TO_STRING_PLAIN));
	}
}
