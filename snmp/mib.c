// SPDX-License-Identifier: GPL-2.0
/*
 * KSTAMP-MIB's objects (snmp/KSTAMP-MIB.txt): one read-only handler for
 * every group, scalars included. A group is a set of columns over rows
 * with an index; a scalar group has one row, index .0, while it has
 * instances. Counters take their column from the netlink attribute
 * number in stampnl's counter tables (tools/reflector/counters.c): those numbers
 * never change (the ABI is append-only), so an OID never changes either,
 * and a counter added there is served here with no change to this file.
 */
#include "agentx.h"

#include <errno.h>
#include <string.h>

#include "counters.h"
#include "stampnl.h"

/* subidentifiers under the module's base: kstampObjects.N */
enum {
	OBJ_REFLECTOR = 1,
	OBJ_COUNTERS = 2,
	OBJ_TLV_COUNTERS = 3,
	OBJ_PORTS = 4,
	OBJ_ALLOW = 5,
	OBJ_SESSIONS = 6,
	OBJ_LINKS = 7,
	OBJ_FAST_PATH = 8,
};

/* kstampReflector's columns */
enum {
	R_STATUS = 1, R_DISCONTINUITY, R_SESSIONS, R_TS_FORMAT, R_SYNCED,
	R_ERROR_NS, R_VALIDITY, R_MODE, R_SESSION_CREATE, R_AUTH,
	R_DEFAULT_KEY, R_RATE_LIMIT, R_RATE_BURST, R_MAX_SESSIONS,
	R_SESSION_IDLE, R_TLV_MODE, R_COS_REMARK, R_RETURN_ADDR,
	R_MEMBER_ID, R_SYNC_SOURCE, R_ERREST_ZERO, R_T3_POINT,
	R_MAX = R_T3_POINT
};

/* kstampSessionEntry's accessible columns; 1-5 are its index */
enum {
	S_PROVISIONED = 6, S_HAS_KEY, S_NEXT_SEQ, S_RX, S_REFLECTED,
	S_DROP_AUTH, S_IDLE_MS, S_LAST_T3, S_ACCESS_ID, S_ACCESS_CODE,
	S_MAX = S_ACCESS_CODE
};

struct val {
	u_char type;
	long i;
	u_long u;
	struct counter64 c64;
	u_char str[16];
	size_t len;
};

struct group;

/* -ENOENT: no such column; -ENODATA: the column has no instance now */
typedef int (*value_fn)(const struct group *g, const struct snap *s,
			size_t row, unsigned int col, struct val *v);

struct group {
	const char *name;
	oid sub[2];		/* under the base: {kstampObjects, N}[, entry] */
	size_t sublen;
	unsigned int mincol, maxcol;
	size_t (*nrows)(const struct snap *s);
	/* the row's index; rows are in index order */
	size_t (*index)(const struct snap *s, size_t row, oid *idx);
	value_fn value;
	struct refresher *r;
};

static void v_int(struct val *v, long i)
{
	v->type = ASN_INTEGER;
	v->i = i;
}

static void v_uns(struct val *v, u_long u)
{
	v->type = ASN_UNSIGNED;
	v->u = u;
}

/* TruthValue (SNMPv2-TC): true(1), false(2) */
static void v_bool(struct val *v, int b)
{
	v_int(v, b ? 1 : 2);
}

static void v_c64(struct val *v, uint64_t x)
{
	v->type = ASN_COUNTER64;
	v->c64.high = x >> 32;
	v->c64.low = x & 0xffffffff;
}

static size_t one_row(const struct snap *s)
{
	return 1;
}

static size_t present_row(const struct snap *s)
{
	return s->present;
}

static size_t scalar_index(const struct snap *s, size_t row, oid *idx)
{
	idx[0] = 0;
	return 1;
}

static size_t pos_index(const struct snap *s, size_t row, oid *idx)
{
	idx[0] = row + 1;
	return 1;
}

static int reflector_value(const struct group *g, const struct snap *s,
			   size_t row, unsigned int col, struct val *v)
{
	const struct refl_cfg *c = &s->cfg;

	if (col == R_STATUS) {
		v_int(v, s->present ? 1 : 2);	/* present(1), absent(2) */
		return 0;
	}
	if (col == R_DISCONTINUITY) {
		v->type = ASN_TIMETICKS;
		v->u = s->discontinuity;
		return 0;
	}
	if (col < R_STATUS || col > R_MAX)
		return -ENOENT;
	if (!s->present)
		return -ENODATA;
	switch (col) {
	case R_SESSIONS:
		v->type = ASN_GAUGE;
		v->u = s->val[stamp_ncounters];
		break;
	/* enumerations start at 1: the module's codes from 0 plus one */
	case R_TS_FORMAT:
		v_int(v, c->ts_format + 1);
		break;
	case R_SYNCED:
		v_bool(v, c->synced);
		break;
	case R_ERROR_NS:
		v_uns(v, c->error_ns);
		break;
	case R_VALIDITY:
		v_uns(v, c->validity_s);
		break;
	case R_MODE:
		v_int(v, c->mode + 1);
		break;
	case R_SESSION_CREATE:
		v_bool(v, c->session_create);
		break;
	case R_AUTH:
		v_bool(v, c->auth);
		break;
	case R_DEFAULT_KEY:
		v_bool(v, c->has_default_key);
		break;
	case R_RATE_LIMIT:
		v_uns(v, c->rate_limit);
		break;
	case R_RATE_BURST:
		v_uns(v, c->rate_burst);
		break;
	case R_MAX_SESSIONS:
		v_uns(v, c->max_sessions);
		break;
	case R_SESSION_IDLE:
		v_uns(v, c->session_idle);
		break;
	case R_TLV_MODE:
		v_int(v, c->tlv_mode + 1);
		break;
	case R_COS_REMARK:
		v_bool(v, c->cos_remark);
		break;
	case R_RETURN_ADDR:
		v_bool(v, c->return_addr);
		break;
	case R_MEMBER_ID:
		v_uns(v, c->member_id);
		break;
	/* RFC 8972 section 4.3's codes, as they are */
	case R_SYNC_SOURCE:
		v_int(v, c->sync_source);
		break;
	case R_ERREST_ZERO:
		v_int(v, c->errest_zero_discard ? 2 : 1);
		break;
	case R_T3_POINT:
		v_int(v, c->t3_point == STAMP_T3_POINT_EGRESS ? 2 : 1);
		break;
	}
	return 0;
}

/* The counter whose attribute is @col, from stampnl's tables. */
static int counter_value(const struct snap *s, const struct stamp_counter *t,
			 size_t n, size_t first, unsigned int col,
			 struct val *v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned int)t[i].attr == col) {
			v_c64(v, s->val[first + i]);
			return 0;
		}
	return -ENOENT;
}

static int counters_value(const struct group *g, const struct snap *s,
			  size_t row, unsigned int col, struct val *v)
{
	return counter_value(s, stamp_counters, stamp_ncounters, 0, col, v);
}

static int tlv_value(const struct group *g, const struct snap *s,
		     size_t row, unsigned int col, struct val *v)
{
	return counter_value(s, stamp_tlv_counters, stamp_ntlv_counters,
			     stamp_ncounters + 1, col, v);
}

static size_t port_rows(const struct snap *s)
{
	return s->present ? s->cfg.nports : 0;
}

static int port_value(const struct group *g, const struct snap *s,
		      size_t row, unsigned int col, struct val *v)
{
	if (col != 2)
		return -ENOENT;
	v_uns(v, s->cfg.ports[row]);
	return 0;
}

static size_t allow_rows(const struct snap *s)
{
	return s->present ? s->cfg.nallow : 0;
}

static void v_addr(struct val *v, const struct nladdr *a)
{
	v->type = ASN_OCTET_STR;
	v->len = a->len;
	memcpy(v->str, a->a, a->len);
}

static int allow_value(const struct group *g, const struct snap *s,
		       size_t row, unsigned int col, struct val *v)
{
	const struct nladdr *a = &s->cfg.allow[row];

	switch (col) {
	case 2:
		v_int(v, a->len == 4 ? 1 : 2);
		break;
	case 3:
		v_addr(v, a);
		break;
	case 4:
		v_uns(v, s->cfg.allow_len[row]);
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

static size_t link_rows(const struct snap *s)
{
	return s->present ? s->cfg.nlinks : 0;
}

static size_t fast_rows(const struct snap *s)
{
	return s->present ? s->cfg.nfast : 0;
}

static int fast_value(const struct group *g, const struct snap *s,
		      size_t row, unsigned int col, struct val *v)
{
	if (col != 2)
		return -ENOENT;
	v_uns(v, s->cfg.fast_ifindex[row]);
	return 0;
}

static int link_value(const struct group *g, const struct snap *s,
		      size_t row, unsigned int col, struct val *v)
{
	switch (col) {
	case 2:
		v_uns(v, s->cfg.link_ifindex[row]);
		break;
	case 3:
		v_uns(v, s->cfg.link_id[row]);
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

static size_t sess_rows(const struct snap *s)
{
	return s->present && s->sess_idx ? s->sess.n : 0;
}

static size_t sess_index(const struct snap *s, size_t row, oid *idx)
{
	memcpy(idx, s->sess_idx[row].o, s->sess_idx[row].len * sizeof(oid));
	return s->sess_idx[row].len;
}

static int sess_value(const struct group *g, const struct snap *s,
		      size_t row, unsigned int col, struct val *v)
{
	const struct sess *x = &s->sess.v[row];

	switch (col) {
	case S_PROVISIONED:
		v_bool(v, x->provisioned);
		break;
	case S_HAS_KEY:
		v_bool(v, x->has_key);
		break;
	case S_NEXT_SEQ:
		v_uns(v, x->seq);
		break;
	case S_RX:
		v_c64(v, x->rx);
		break;
	case S_REFLECTED:
		v_c64(v, x->reflected);
		break;
	case S_DROP_AUTH:
		v_c64(v, x->drop_auth);
		break;
	case S_IDLE_MS:
		v_uns(v, x->idle_ms);
		break;
	case S_LAST_T3:
		/* the wire format, network order; empty before a reply */
		v->type = ASN_OCTET_STR;
		v->len = x->last_t3 ? 8 : 0;
		for (int i = 0; i < (int)v->len; i++)
			v->str[i] = x->last_t3 >> (56 - 8 * i);
		break;
	case S_ACCESS_ID:
		v_int(v, x->ar_id);
		break;
	case S_ACCESS_CODE:
		v_int(v, x->ar_code);
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

#define GROUP(n, s0, s1, sl, lo, hi, rows, idx, val) \
	{ .name = n, .sub = { s0, s1 }, .sublen = sl, .mincol = lo, \
	  .maxcol = hi, .nrows = rows, .index = idx, .value = val }

static struct group groups[] = {
	GROUP("kstampReflector", OBJ_REFLECTOR, 0, 1, R_STATUS, R_MAX,
	      one_row, scalar_index, reflector_value),
	/* 1 is STAMP_STATS_A_PAD, never a counter: the range covers the ABI */
	GROUP("kstampCounters", OBJ_COUNTERS, 0, 1, 1, STAMP_STATS_A_MAX,
	      present_row, scalar_index, counters_value),
	GROUP("kstampTlvCounters", OBJ_TLV_COUNTERS, 0, 1, 1,
	      STAMP_TLV_STATS_A_MAX, present_row, scalar_index, tlv_value),
	GROUP("kstampPortTable", OBJ_PORTS, 1, 2, 2, 2,
	      port_rows, pos_index, port_value),
	GROUP("kstampAllowTable", OBJ_ALLOW, 1, 2, 2, 4,
	      allow_rows, pos_index, allow_value),
	GROUP("kstampSessionTable", OBJ_SESSIONS, 1, 2, S_PROVISIONED, S_MAX,
	      sess_rows, sess_index, sess_value),
	GROUP("kstampLinkTable", OBJ_LINKS, 1, 2, 2, 3,
	      link_rows, pos_index, link_value),
	GROUP("kstampFastPathTable", OBJ_FAST_PATH, 1, 2, 2, 2,
	      fast_rows, pos_index, fast_value),
};

static int set_value(netsnmp_variable_list *vb, const struct val *v)
{
	switch (v->type) {
	case ASN_INTEGER:
		return snmp_set_var_typed_value(vb, v->type, &v->i,
						sizeof(v->i));
	case ASN_COUNTER64:
		return snmp_set_var_typed_value(vb, v->type, &v->c64,
						sizeof(v->c64));
	case ASN_OCTET_STR:
		return snmp_set_var_typed_value(vb, v->type, v->str, v->len);
	default:
		return snmp_set_var_typed_value(vb, v->type, &v->u,
						sizeof(v->u));
	}
}

/* first row whose index is after @idx (all of them when @idxlen is 0) */
static size_t row_after(const struct group *g, const struct snap *s,
			size_t n, const oid *idx, size_t idxlen)
{
	oid ri[SESS_IDX_MAX];
	size_t lo = 0, hi = n, mid, len;

	if (!idxlen)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		len = g->index(s, mid, ri);
		if (snmp_oid_compare(ri, len, idx, idxlen) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* the row with exactly @idx, or @n */
static size_t row_exact(const struct group *g, const struct snap *s,
			size_t n, const oid *idx, size_t idxlen)
{
	oid ri[SESS_IDX_MAX];
	size_t lo = 0, hi = n, mid, len;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		len = g->index(s, mid, ri);
		c = snmp_oid_compare(ri, len, idx, idxlen);
		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n;
}

static void do_get(const struct group *g, const struct snap *s,
		   const oid *root, size_t rootlen,
		   netsnmp_agent_request_info *reqinfo, netsnmp_request_info *req)
{
	netsnmp_variable_list *vb = req->requestvb;
	size_t n = g->nrows(s), row;
	struct val v = { 0 };
	unsigned int col;
	int err;

	if (vb->name_length <= rootlen ||
	    snmp_oid_compare(vb->name, rootlen, root, rootlen)) {
		netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
		return;
	}
	col = vb->name[rootlen];
	row = row_exact(g, s, n, vb->name + rootlen + 1,
			vb->name_length - rootlen - 1);
	err = col < g->mincol || col > g->maxcol ? -ENOENT :
	      row == n ? -ENODATA : g->value(g, s, row, col, &v);
	if (err == -ENODATA && n) {
		/* is it a column at all? ask any row */
		struct val w;

		if (g->value(g, s, 0, col, &w) == -ENOENT)
			err = -ENOENT;
	}
	if (err)
		netsnmp_set_request_error(reqinfo, req, err == -ENOENT ?
					  SNMP_NOSUCHOBJECT :
					  SNMP_NOSUCHINSTANCE);
	else
		set_value(vb, &v);
}

static void do_getnext(const struct group *g, const struct snap *s,
		       const oid *root, size_t rootlen,
		       netsnmp_request_info *req)
{
	netsnmp_variable_list *vb = req->requestvb;
	oid name[MAX_OID_LEN];
	size_t n = g->nrows(s), row, idxlen = 0, len;
	const oid *idx = NULL;
	unsigned int col = g->mincol;
	struct val v;
	int c;

	c = snmp_oid_compare(vb->name, vb->name_length < rootlen ?
			     vb->name_length : rootlen, root, rootlen);
	if (c > 0)
		return;
	if (!c && vb->name_length > rootlen) {
		if (vb->name[rootlen] > g->maxcol)
			return;
		if (vb->name[rootlen] >= g->mincol) {
			col = vb->name[rootlen];
			idx = vb->name + rootlen + 1;
			idxlen = vb->name_length - rootlen - 1;
			/* the column itself: its first row */
			if (!idxlen)
				idx = NULL;
		}
	}
	for (; col <= g->maxcol; col++, idx = NULL, idxlen = 0) {
		row = idx ? row_after(g, s, n, idx, idxlen) : 0;
		for (; row < n; row++) {
			memset(&v, 0, sizeof(v));
			c = g->value(g, s, row, col, &v);
			if (c == -ENOENT)
				break;
			if (c)
				continue;
			memcpy(name, root, rootlen * sizeof(oid));
			name[rootlen] = col;
			len = g->index(s, row, name + rootlen + 1);
			snmp_set_var_objid(vb, name, rootlen + 1 + len);
			set_value(vb, &v);
			return;
		}
	}
}

static int handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
		   netsnmp_agent_request_info *reqinfo,
		   netsnmp_request_info *requests)
{
	const struct group *g = h->myvoid;
	const struct snap *s = refresher_get(g->r);
	netsnmp_request_info *req;

	for (req = requests; req; req = req->next) {
		if (req->processed)
			continue;
		if (reqinfo->mode == MODE_GET)
			do_get(g, s, reg->rootoid, reg->rootoid_len, reqinfo,
			       req);
		else if (reqinfo->mode == MODE_GETNEXT)
			do_getnext(g, s, reg->rootoid, reg->rootoid_len, req);
		else
			netsnmp_set_request_error(reqinfo, req,
						  SNMP_ERR_NOTWRITABLE);
	}
	return SNMP_ERR_NOERROR;
}

/**
 * mib_register() - register every group of KSTAMP-MIB under @base
 * @r: where the values come from
 * @base: the module's OID (its MODULE-IDENTITY); kstampObjects is base.1
 * @baselen: its length
 * @context: the SNMP context to register in, or NULL for the default
 *
 * Return: 0 or -errno.
 */
int mib_register(struct refresher *r, const oid *base, size_t baselen,
		 const char *context)
{
	oid name[MAX_OID_LEN];
	size_t i, len;

	if (baselen + 3 > MAX_OID_LEN - SESS_IDX_MAX - 1)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		struct group *g = &groups[i];
		netsnmp_handler_registration *reg;
		netsnmp_mib_handler *h;

		g->r = r;
		memcpy(name, base, baselen * sizeof(oid));
		len = baselen;
		name[len++] = 1;	/* kstampObjects */
		name[len++] = g->sub[0];
		if (g->sublen == 2)
			name[len++] = g->sub[1];
		h = netsnmp_create_handler(g->name, handler);
		if (!h)
			return -ENOMEM;
		h->myvoid = g;
		reg = netsnmp_handler_registration_create(g->name, h, name,
							  len,
							  HANDLER_CAN_RONLY);
		if (!reg) {
			netsnmp_handler_free(h);
			return -ENOMEM;
		}
		if (context)
			reg->contextName = strdup(context);
		if (netsnmp_register_handler(reg) != MIB_REGISTERED_OK)
			return -EEXIST;
	}
	return 0;
}
