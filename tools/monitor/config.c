// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's configuration, a YAML file read with libyaml:
 *
 *   defaults:            # optional: every session's, unless it says otherwise
 *     interval: 1
 *   sessions:
 *     - target: 192.0.2.1
 *       name: par1        # optional; the `session` label
 *       labels: { site: par }
 *
 * A session's keys are the sender's long options (port, interval, dscp,
 * auth-key-file, tlv-timestamp-info, ...), checked by the sender's own
 * parser, so the monitor accepts exactly what `stampnl sender` does, plus
 * a few of its own (target, name, source, interface or vrf, labels,
 * alarm-rtt-ms, alarm-loss-pct). Every error names file:line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "monitor.h"
#include "util.h"

/* sender options a session may set: key, takes a value */
static const struct {
	const char *key;
	const char *opt;	/* the sender's spelling */
	bool arg;
} sender_keys[] = {
	{ "port", "-p", true },
	{ "source-port", "-s", true },
	{ "interval", "-i", true },
	{ "rate", "--rate", true },
	{ "wait", "-W", true },
	{ "length", "-l", true },
	{ "ssid", "--ssid", true },
	{ "dscp", "--dscp", true },
	{ "ecn", "--ecn", true },
	{ "poisson", "--poisson", false },
	{ "random-start", "--random-start", false },
	{ "seed", "--seed", true },
	{ "ptp", "--ptp", false },
	{ "timestamping", "--timestamping", true },
	{ "auth-key-file", "--auth-key-file", true },
	{ "stateful-reflector", "--stateful-reflector", false },
	{ "require-sync", "--require-sync", false },
	{ "tlv-padding", "--tlv-padding", true },
	{ "tlv-location", "--tlv-location", false },
	{ "tlv-timestamp-info", "--tlv-timestamp-info", false },
	{ "tlv-cos", "--tlv-cos", true },
	{ "tlv-direct-measurement", "--tlv-direct-measurement", false },
	{ "tlv-access-report", "--tlv-access-report", true },
	{ "tlv-follow-up", "--tlv-follow-up", false },
	{ "tlv-hmac", "--tlv-hmac", false },
	{ "tlv-hmac-key-file", "--tlv-hmac-key-file", true },
	{ "tlv-dest-node", "--tlv-dest-node", true },
	{ "tlv-return-path", "--tlv-return-path", true },
	{ "tlv-micro-session", "--tlv-micro-session", true },
	{ "tlv-type", "--tlv-type", true },
};

static const char *const own_keys[] = {
	"target", "name", "source", "interface", "vrf", "labels",
	"alarm-rtt-ms", "alarm-loss-pct", "timestamp-format", "family",
};

#define NKEYS (ARRAY_SIZE(sender_keys) + ARRAY_SIZE(own_keys))

/* One key of a session after the defaults are merged in. */
struct kv {
	const char *key;
	const char *val;	/* NULL for labels (a mapping) */
	yaml_node_t *node;
	int line;
};

struct kvset {
	struct kv v[NKEYS];
	size_t n;
};

static __printf(3, 4) int err_at(const char *path, int line,
				 const char *fmt, ...);

static int err_at(const char *path, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "stampnl monitor: %s:%d: ", path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

static int line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ?
	       (const char *)n->data.scalar.value : NULL;
}

static int sender_key(const char *k)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sender_keys); i++)
		if (!strcmp(sender_keys[i].key, k))
			return (int)i;
	return -1;
}

static bool known_key(const char *k)
{
	size_t i;

	if (sender_key(k) >= 0)
		return true;
	for (i = 0; i < ARRAY_SIZE(own_keys); i++)
		if (!strcmp(own_keys[i], k))
			return true;
	return false;
}

static bool is_true(const char *v)
{
	return !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on");
}

static bool is_bool(const char *v)
{
	return is_true(v) || !strcmp(v, "false") || !strcmp(v, "no") ||
	       !strcmp(v, "off");
}

/* A mapping's keys into @kv, later ones replacing earlier ones. */
static int collect(const char *path, yaml_document_t *doc, yaml_node_t *map,
		   struct kvset *kv, bool is_default)
{
	yaml_node_pair_t *p;

	if (map->type != YAML_MAPPING_NODE)
		return err_at(path, line_of(map), "expected a mapping of key: value");
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		const char *key = scalar(k);
		size_t i;
		int si;

		if (!key)
			return err_at(path, line_of(k), "a key must be a plain word");
		if (!known_key(key))
			return err_at(path, line_of(k), "unknown key '%s' (the sender's long options, or target, name, source, interface, vrf, labels, alarm-rtt-ms, alarm-loss-pct, timestamp-format, family)",
				      key);
		if (is_default && (!strcmp(key, "target") || !strcmp(key, "name")))
			return err_at(path, line_of(k), "'%s' belongs to a session, not to the defaults",
				      key);
		if (strcmp(key, "labels") && !scalar(v))
			return err_at(path, line_of(v), "'%s' wants a single value", key);
		if (!strcmp(key, "labels") && v->type != YAML_MAPPING_NODE)
			return err_at(path, line_of(v), "labels: a mapping of name: value");
		si = sender_key(key);
		if (si >= 0 && !sender_keys[si].arg && !is_bool(scalar(v)))
			return err_at(path, line_of(v), "'%s' is true or false, not '%s'",
				      key, scalar(v));
		for (i = 0; i < kv->n; i++)
			if (!strcmp(kv->v[i].key, key))
				break;
		if (i == kv->n) {
			if (kv->n == NKEYS)
				return err_at(path, line_of(k), "too many keys");
			kv->n++;
		}
		kv->v[i] = (struct kv){ key, scalar(v), v, line_of(v) };
	}
	return 0;
}

static const struct kv *get(const struct kvset *kv, const char *key)
{
	size_t i;

	for (i = 0; i < kv->n; i++)
		if (!strcmp(kv->v[i].key, key))
			return &kv->v[i];
	return NULL;
}

/*
 * The strings of every session of a file, back to back in blocks of
 * STRS_BLOCK octets, freed together with the file's sessions. One malloc
 * per string would cost its header and a round-up to 16 octets, and the
 * strings, allocated while libyaml's document is, would be left between
 * its freed nodes: some 300 octets of RSS a session in all (issue 18:
 * memory per session, README "Monitoring a fleet").
 */
#define STRS_BLOCK	(256 * 1024)

struct mon_strs {
	struct mon_strs *next;
	size_t used, cap;
	char data[];
};

/* @len octets from @c's blocks, 8-aligned; NULL when out of memory */
static void *strs_alloc(struct mon_cfgset *c, size_t len)
{
	struct mon_strs *b = c->strs;
	void *p;

	len = (len + 7) & ~(size_t)7;
	if (!b || b->cap - b->used < len) {
		size_t cap = len > STRS_BLOCK - sizeof(*b) ?
			     len : STRS_BLOCK - sizeof(*b);

		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = c->strs;
		b->used = 0;
		b->cap = cap;
		c->strs = b;
	}
	p = b->data + b->used;
	b->used += len;
	return p;
}

static char *strs_dup(struct mon_cfgset *c, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = strs_alloc(c, n);

	return p ? memcpy(p, s, n) : NULL;
}

/* The file being loaded: its blocks take the strings (one file at a time). */
static struct mon_cfgset *loading;

/*
 * A session's strings allocated on their own (its argv array, name,
 * labels, source and interface) moved into the blocks, whatever happens:
 * mon_cfg_free() frees none of them.
 */
static int seal(struct mon_cfgset *set, struct mon_cfg *c)
{
	char **fields[] = { &c->name, &c->labels, &c->source, &c->ifname };
	char **argv = NULL;
	size_t i;
	int err = 0;

	if (c->argv) {
		argv = strs_alloc(set, (c->argc + 1) * sizeof(*argv));
		if (argv)
			memcpy(argv, c->argv, (c->argc + 1) * sizeof(*argv));
		else
			err = -ENOMEM;
		free(c->argv);
		c->argv = argv;
		if (!argv)
			c->argc = 0;
	}
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		char *heap = *fields[i];

		if (!heap)
			continue;
		*fields[i] = strs_dup(set, heap);
		if (!*fields[i])
			err = -ENOMEM;
		free(heap);
	}
	return err;
}


static int push(struct mon_cfg *c, const char *a)
{
	char **v;

	if (c->argc >= MON_MAX_ARGS - 1)
		return -E2BIG;
	/* NULL-terminated; copied into the blocks by seal() */
	v = realloc(c->argv, (c->argc + 2) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->argv = v;
	c->argv[c->argc + 1] = NULL;
	/* in the blocks already: the parsed options point into these */
	c->argv[c->argc] = strs_dup(loading, a);
	if (!c->argv[c->argc])
		return -ENOMEM;
	c->argc++;
	return 0;
}

/* Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*, and not ours */
static bool label_name_ok(const char *n)
{
	static const char *const reserved[] = { "session", "target", "le",
						"state", "kind", "direction" };
	size_t i;

	if (!*n || !(n[0] == '_' || (n[0] >= 'a' && n[0] <= 'z') ||
		     (n[0] >= 'A' && n[0] <= 'Z')) || !strncmp(n, "__", 2))
		return false;
	for (i = 1; n[i]; i++)
		if (!(n[i] == '_' || (n[i] >= 'a' && n[i] <= 'z') ||
		      (n[i] >= 'A' && n[i] <= 'Z') ||
		      (n[i] >= '0' && n[i] <= '9')))
			return false;
	for (i = 0; i < ARRAY_SIZE(reserved); i++)
		if (!strcmp(n, reserved[i]))
			return false;
	return true;
}

/* ,name="value" with the exposition format's escapes */
static void put_label(FILE *f, const char *n, const char *v)
{
	fprintf(f, ",%s=\"", n);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fprintf(f, "\\n");
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static int labels(const char *path, yaml_document_t *doc, const struct kv *l,
		  struct mon_cfg *c)
{
	yaml_node_pair_t *p;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&c->labels, &len);
	if (!f)
		return -ENOMEM;
	if (l) {
		for (p = l->node->data.mapping.pairs.start;
		     p < l->node->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			yaml_node_t *v = yaml_document_get_node(doc, p->value);

			if (!scalar(k) || !label_name_ok(scalar(k))) {
				fclose(f);
				return err_at(path, line_of(k), "label name '%s': [a-zA-Z_][a-zA-Z0-9_]*, not __*, session, target, le, state, kind or direction",
					      scalar(k) ?: "?");
			}
			if (!scalar(v)) {
				fclose(f);
				return err_at(path, line_of(v), "label %s: a single value",
					      scalar(k));
			}
			put_label(f, scalar(k), scalar(v));
		}
	}
	return fclose(f) ? -ENOMEM : 0;
}

static int nonneg(const char *path, const struct kv *v, double *out)
{
	char *end;

	*out = -1;
	if (!v)
		return 0;
	*out = strtod(v->val, &end);
	if (end == v->val || *end || *out < 0)
		return err_at(path, v->line, "%s: a number >= 0, not '%s'",
			      v->key, v->val);
	return 0;
}

/*
 * The sender's parser, its message caught (stderr is a variable in
 * glibc) so that it can be given again after file:line: one option, or
 * with @opt NULL the end of the parse.
 */
static int parse_caught(struct sender_parse *sp, const char *opt,
			const char *arg, char *msg, size_t len)
{
	FILE *saved = stderr, *f;
	char *buf = NULL;
	size_t n = 0;
	int err;

	f = open_memstream(&buf, &n);
	if (!f)
		return -ENOMEM;
	stderr = f;
	err = opt ? sender_parse_opt(sp, opt, arg) : sender_parse_end(sp);
	stderr = saved;
	fclose(f);
	/* the sender's own prefix and newline go */
	snprintf(msg, len, "%s", buf && !strncmp(buf, "stampnl sender: ", 16) ?
		 buf + 16 : buf ?: "");
	msg[strcspn(msg, "\n")] = 0;
	free(buf);
	return err;
}

/*
 * @opt and its @arg onto the session's argv (what tells sessions apart on
 * a reload) and, once, through the sender's own parser into its options;
 * an error names @key at @line. The options point into the argv's copy.
 */
static int add_opt(const char *path, int line, const char *key,
		   struct mon_cfg *c, struct sender_parse *sp, const char *opt,
		   const char *arg)
{
	char msg[512];
	int err;

	err = push(c, opt) ?: (arg ? push(c, arg) : 0);
	if (err)
		return err_at(path, line, "%s", strerror(-err));
	if (parse_caught(sp, opt, arg ? c->argv[c->argc - 1] : NULL, msg,
			 sizeof(msg)))
		return err_at(path, line, "%s: %s", key, msg);
	return 0;
}

/* a key that names one of the sender's options: into @c, checked */
static int sender_kv(const char *path, const struct kv *v, struct mon_cfg *c,
		     struct sender_parse *sp)
{
	int si = sender_key(v->key);

	if (sender_keys[si].arg && !strcmp(v->val, "-"))
		return err_at(path, v->line, "%s: a file, not standard input",
			      v->key);
	if (!sender_keys[si].arg && !is_true(v->val))
		return 0;
	return add_opt(path, v->line, v->key, c, sp, sender_keys[si].opt,
		       sender_keys[si].arg ? v->val : NULL);
}

static int build(const char *path, yaml_document_t *doc, struct kvset *kv,
		 int line, struct mon_cfg *c)
{
	const struct kv *t = get(kv, "target"), *v;
	struct sender_parse sp;
	size_t len = 0, i;
	char msg[512];
	FILE *f;
	int err;

	memset(c, 0, sizeof(*c));
	c->line = line;
	if (!t)
		return err_at(path, line, "a session needs a target");
	sender_parse_begin(&sp, &c->o);
	err = push(c, "sender");
	if (err)
		return err_at(path, line, "%s", strerror(-err));
	for (i = 0; i < kv->n; i++) {
		if (sender_key(kv->v[i].key) < 0)
			continue;
		err = sender_kv(path, &kv->v[i], c, &sp);
		if (err)
			return err;
	}
	v = get(kv, "timestamp-format");
	if (v) {
		if (strcmp(v->val, "ntp") && strcmp(v->val, "ptp"))
			return err_at(path, v->line, "timestamp-format: ntp or ptp, not '%s'",
				      v->val);
		if (!strcmp(v->val, "ptp") &&
		    add_opt(path, v->line, v->key, c, &sp, "--ptp", NULL))
			return -EINVAL;
	}
	/* -I twice: an address, and an interface or VRF */
	v = get(kv, "source");
	if (v && add_opt(path, v->line, v->key, c, &sp, "-I", v->val))
		return -EINVAL;
	v = get(kv, "interface") ?: get(kv, "vrf");
	if (v && add_opt(path, v->line, v->key, c, &sp, "-I", v->val))
		return -EINVAL;
	v = get(kv, "family");
	if (v) {
		if (strcmp(v->val, "4") && strcmp(v->val, "6"))
			return err_at(path, v->line, "family: 4 or 6, not '%s'",
				      v->val);
		if (add_opt(path, v->line, v->key, c, &sp,
			    !strcmp(v->val, "4") ? "-4" : "-6", NULL))
			return -EINVAL;
	}
	/* always quiet: the monitor prints windows, not replies */
	if (add_opt(path, line, "session", c, &sp, "-q", NULL))
		return -EINVAL;
	err = push(c, t->val);
	if (err)
		return err_at(path, line, "%s", strerror(-err));
	c->o.target = c->argv[c->argc - 1];
	/* what depends on several keys: the session's line */
	if (parse_caught(&sp, NULL, NULL, msg, sizeof(msg)))
		return err_at(path, line, "session: %s", msg);
	if (c->o.tsm == TS_KERNEL)
		return err_at(path, get(kv, "timestamping")->line,
			      "timestamping: kernel keeps a record per packet sent, which a monitor running for good cannot: bpf or user");
	v = get(kv, "source");
	c->source = v ? strdup(v->val) : NULL;
	v = get(kv, "interface") ?: get(kv, "vrf");
	if (get(kv, "interface") && get(kv, "vrf"))
		return err_at(path, get(kv, "vrf")->line, "interface and vrf both bind the socket to a device: give one");
	c->ifname = v ? strdup(v->val) : NULL;
	if (nonneg(path, get(kv, "alarm-rtt-ms"), &c->alarm_rtt_ms) ||
	    nonneg(path, get(kv, "alarm-loss-pct"), &c->alarm_loss_pct))
		return -EINVAL;
	err = labels(path, doc, get(kv, "labels"), c);
	if (err)
		return err;
	v = get(kv, "name");
	if (v) {
		c->name = strdup(v->val);
		if (!c->name)
			return -ENOMEM;
	} else {
		/* what tells two sessions apart, in a stable order */
		f = open_memstream(&c->name, &len);
		if (!f)
			return -ENOMEM;
		fprintf(f, "%s:%u", c->o.target, c->o.port);
		if (c->source)
			fprintf(f, " from %s", c->source);
		if (c->o.sport)
			fprintf(f, " sport %u", c->o.sport);
		if (c->ifname)
			fprintf(f, " dev %s", c->ifname);
		if (c->o.tos >= 0)
			fprintf(f, " tos %d", c->o.tos);
		if (c->o.ssid && !c->o.ssid_auto)
			fprintf(f, " ssid %u", c->o.ssid);
		if (fclose(f))
			return -ENOMEM;
	}
	return mon_cfg_digest(c, &c->digest);
}

/*
 * Everything a session's behaviour depends on, as text: two blocks with
 * the same text are the same session (a reload keeps its state).
 */
static int fingerprint(const struct mon_cfg *c, char **out)
{
	size_t len = 0;
	FILE *f;
	int i;

	*out = NULL;
	f = open_memstream(out, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "%s|%s|%s|%s|%g|%g", c->name, c->source ?: "",
		c->ifname ?: "", c->labels, c->alarm_rtt_ms, c->alarm_loss_pct);
	for (i = 0; i < c->argc; i++)
		fprintf(f, "|%s", c->argv[i]);
	if (fclose(f)) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

/**
 * mon_cfg_digest() - a session's fingerprint, hashed (FNV-1a, 64 bits)
 * @c: the session's configuration
 * @digest: the hash
 *
 * Kept instead of the text (some 100 octets a session): a reload finds
 * the candidates by digest and mon_cfg_same() confirms them.
 *
 * Return: 0, -ENOMEM.
 */
int mon_cfg_digest(const struct mon_cfg *c, uint64_t *digest)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *p;
	char *fp;
	int err;

	err = fingerprint(c, &fp);
	if (err)
		return err;
	for (p = (const unsigned char *)fp; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	free(fp);
	*digest = h;
	return 0;
}

/**
 * mon_cfg_same() - whether two blocks describe the same session
 * @a: one configuration
 * @b: the other
 *
 * Return: true when their fingerprints are equal; false when not, or
 * when memory ran out (the session is then started anew: safe).
 */
bool mon_cfg_same(const struct mon_cfg *a, const struct mon_cfg *b)
{
	char *fa, *fb;
	bool same;

	if (a->digest != b->digest || fingerprint(a, &fa))
		return false;
	if (fingerprint(b, &fb)) {
		free(fa);
		return false;
	}
	same = !strcmp(fa, fb);
	free(fa);
	free(fb);
	return same;
}

/**
 * mon_cfg_free() - free one session's configuration
 * @c: the session's configuration
 */
void mon_cfg_free(struct mon_cfg *c)
{
	/* the strings are the set's blocks (seal()) */
	explicit_bzero(&c->o, sizeof(c->o));
	memset(c, 0, sizeof(*c));
}

/**
 * mon_config_free() - free a whole configuration
 * @c: the configuration
 */
void mon_config_free(struct mon_cfgset *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		mon_cfg_free(&c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
	while (c->strs) {
		struct mon_strs *b = c->strs;

		c->strs = b->next;
		free(b);
	}
}

static const struct mon_cfgset *dup_set;

/* by name, then by position in the file */
static int by_name(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int d = strcmp(dup_set->v[i].name, dup_set->v[j].name);

	return d ? d : (i > j) - (i < j);
}

/*
 * Two sessions the same packets would measure: the second is refused.
 * Sorted, not compared pairwise: 10 000 sessions are 5 * 10^7 pairs.
 */
static int duplicates(const char *path, const struct mon_cfgset *set)
{
	size_t *ix, i, g, bad = SIZE_MAX, first = 0;

	if (set->n < 2)
		return 0;
	ix = malloc(set->n * sizeof(*ix));
	if (!ix)
		return -ENOMEM;
	for (i = 0; i < set->n; i++)
		ix[i] = i;
	dup_set = set;
	qsort(ix, set->n, sizeof(*ix), by_name);
	/*
	 * The first in the file that repeats an earlier one, as read; a
	 * group of equal names is in file order, its first at ix[g].
	 */
	for (i = 1, g = 0; i < set->n; i++) {
		if (strcmp(set->v[ix[i]].name, set->v[ix[g]].name)) {
			g = i;
			continue;
		}
		if (i == g + 1 && ix[i] < bad) {
			bad = ix[i];
			first = ix[g];
		}
	}
	free(ix);
	if (bad == SIZE_MAX)
		return 0;
	return err_at(path, set->v[bad].line,
		      "session '%s' is already defined at line %d (give each a different name, or different target, port, source, interface, dscp or ssid)",
		      set->v[bad].name, set->v[first].line);
}

static int load_doc(const char *path, yaml_document_t *doc,
		    struct mon_cfgset *out)
{
	yaml_node_t *root = yaml_document_get_root_node(doc), *defs = NULL,
		    *list = NULL, *it;
	yaml_node_item_t *item;
	yaml_node_pair_t *p;
	struct kvset base = { .n = 0 };
	int err;

	if (!root)
		return err_at(path, 1, "the file is empty");
	if (root->type != YAML_MAPPING_NODE)
		return err_at(path, line_of(root), "the top level is a mapping with defaults: and sessions:");
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		const char *key = scalar(k);

		if (key && !strcmp(key, "defaults"))
			defs = yaml_document_get_node(doc, p->value);
		else if (key && !strcmp(key, "sessions"))
			list = yaml_document_get_node(doc, p->value);
		else
			return err_at(path, line_of(k), "unknown top-level key '%s' (defaults, sessions)",
				      key ?: "?");
	}
	if (defs) {
		err = collect(path, doc, defs, &base, true);
		if (err)
			return err;
	}
	if (!list)
		return 0;
	if (list->type != YAML_SEQUENCE_NODE)
		return err_at(path, line_of(list), "sessions: a list, one '- target: ...' per session");
	for (item = list->data.sequence.items.start;
	     item < list->data.sequence.items.top; item++) {
		struct kvset kv = base;
		struct mon_cfg *v;

		it = yaml_document_get_node(doc, *item);
		err = collect(path, doc, it, &kv, false);
		if (err)
			return err;
		v = realloc(out->v, (out->n + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		out->v = v;
		loading = out;
		err = build(path, doc, &kv, line_of(it), &out->v[out->n]);
		err = seal(out, &out->v[out->n]) ?: err;
		loading = NULL;
		out->n++;
		if (err)
			return err;
	}
	return duplicates(path, out);
}

/**
 * mon_config_load() - read and check the whole file
 * @path: the file
 * @out: the sessions, on success; nothing to free on failure
 *
 * Return: 0, or -errno with the file, line and reason printed.
 */
int mon_config_load(const char *path, struct mon_cfgset *out)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	FILE *f;
	int err;

	*out = (struct mon_cfgset){ 0 };
	f = fopen(path, "r");
	if (!f) {
		err = -errno;
		fprintf(stderr, "stampnl monitor: %s: %s\n", path, strerror(errno));
		return err;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		err = err_at(path, (int)parser.problem_mark.line + 1, "%s%s%s",
			     parser.problem ?: "not YAML",
			     parser.context ? " " : "", parser.context ?: "");
		yaml_parser_delete(&parser);
		fclose(f);
		return err;
	}
	err = load_doc(path, &doc, out);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	if (err)
		mon_config_free(out);
	return err;
}
