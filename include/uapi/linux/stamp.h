/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Generic netlink ABI of the kstamp STAMP reflector. The family is "stamp",
 * version 1 forever; attributes and commands are append-only.
 * The spec in Documentation/netlink/specs/stamp.yaml describes the same ABI.
 */
#ifndef _UAPI_LINUX_STAMP_H
#define _UAPI_LINUX_STAMP_H

#define STAMP_GENL_NAME		"stamp"
#define STAMP_GENL_VERSION	1

/* Most ports one namespace's reflector listens on at once. */
#define STAMP_MAX_PORTS		16

/* Most source prefixes in one namespace's allow-list. */
#define STAMP_MAX_ALLOW		64

enum stamp_ts_format {
	STAMP_TS_NTP,	/* NTP 64-bit, UTC (RFC 8762 default) */
	STAMP_TS_PTP,	/* PTPv2 truncated, TAI (Error Estimate Z=1) */
};

enum stamp_mode {
	/* Seq copied from the request; no per-sender state */
	STAMP_MODE_STATELESS,
	/* Seq from a counter per session (RFC 8762 section 4.3.1) */
	STAMP_MODE_STATEFUL,
};

/* What the reflector does with TLVs (RFC 8972) past the base packet. */
enum stamp_tlv_mode {
	/* answer them (RFC 8972 section 4); zero padding stays padding */
	STAMP_TLV_MODE_PROCESS,
	/* copy every octet past the base, as an RFC 8762 reflector does */
	STAMP_TLV_MODE_COPY,
	/* reply with the base packet only, for peers that cannot take TLVs */
	STAMP_TLV_MODE_STRIP,
};

enum {
	STAMP_A_UNSPEC,
	STAMP_A_PAD,
	/* u16, repeated: a UDP port the reflector answers on */
	STAMP_A_PORT,
	/* u8, enum stamp_ts_format: format of T2 and T3 in replies */
	STAMP_A_TS_FORMAT,
	/* u8 0/1: the host clock is synchronized (sets the S bit) */
	STAMP_A_CLOCK_SYNCED,
	/* u32 ns: the clock's error estimate to advertise */
	STAMP_A_CLOCK_ERROR,
	/*
	 * u32 s: how long STAMP_A_CLOCK_SYNCED/ERROR stay valid; after that
	 * the reflector reverts to "not synchronized". 0 means forever.
	 */
	STAMP_A_CLOCK_VALIDITY,
	/* nest, STAMP_STATS_A_*: reflector counters (read only) */
	STAMP_A_STATS,
	/* u8, enum stamp_mode */
	STAMP_A_MODE,
	/*
	 * u8 0/1: in stateful mode, a request matching no provisioned session
	 * creates one (1, the default) or is dropped (0)
	 */
	STAMP_A_SESSION_CREATE,
	/* u8 0/1: authenticated mode (RFC 8762 section 4.2.2): every request */
	STAMP_A_AUTH,
	/*
	 * binary, 16-64 octets, write only: the HMAC key of requests whose
	 * session has none; an empty attribute removes it
	 */
	STAMP_A_DEFAULT_KEY,
	/* u8 0/1, read only: a default key is set */
	STAMP_A_HAS_DEFAULT_KEY,
	/* u32: requests per second each source may send; 0 for no limit */
	STAMP_A_RATE_LIMIT,
	/* u32: requests a source may send at once after being quiet */
	STAMP_A_RATE_BURST,
	/*
	 * nest, STAMP_PREFIX_A_*, repeated: the sources answered; the list
	 * replaces the current one. No list: every source.
	 */
	STAMP_A_ALLOW,
	/* flag: empty the allow-list (answer every source) */
	STAMP_A_ALLOW_CLEAR,
	/* u32: most sessions in the namespace */
	STAMP_A_MAX_SESSIONS,
	/* u32 s: idle time after which a created session is forgotten */
	STAMP_A_SESSION_IDLE,
	/* u32, read only: sessions now */
	STAMP_A_SESSION_COUNT,
	/* nest, STAMP_SESSION_A_*: one session */
	STAMP_A_SESSION,
	/* u8, enum stamp_tlv_mode */
	STAMP_A_TLV_MODE,
	/*
	 * u8 0/1: a Class of Service TLV's DSCP1 may set the reply's DSCP
	 * (1, the default); 0 answers RP=1 and keeps the request's DSCP
	 */
	STAMP_A_COS_REMARK,
	/*
	 * u8 0/1: a Return Path TLV's Return Address may redirect the reply
	 * (0, the default: it is a reflection-attack vector)
	 */
	STAMP_A_RETURN_ADDR,
	/* u16: this reflector's Micro-session ID (RFC 9534), 0 for none */
	STAMP_A_MEMBER_ID,
	/*
	 * u8, 1-5 (RFC 8972 section 4.3): the source the host clock is
	 * synchronized to, reported in Timestamp Information TLVs while the
	 * clock is synchronized (default 1, NTP); 5 (local) otherwise
	 */
	STAMP_A_SYNC_SOURCE,
	/* nest, STAMP_TLV_STATS_A_*: TLV counters (read only) */
	STAMP_A_TLV_STATS,
	/*
	 * u8 0/1: a request whose Error Estimate multiplier is 0 is answered
	 * (0, the default: some senders send 0) or discarded (1, RFC 4656
	 * section 4.1.2's "SHOULD discard")
	 */
	STAMP_A_ERREST_ZERO_DISCARD,

	__STAMP_A_MAX,
	STAMP_A_MAX = __STAMP_A_MAX - 1
};

/* All counters are u64 and count packets. */
enum {
	STAMP_STATS_A_UNSPEC,
	STAMP_STATS_A_PAD,
	/* UDP to a reflector port, addressed to this host */
	STAMP_STATS_A_RX,
	/* replies handed to the IP layer */
	STAMP_STATS_A_REFLECTED,
	/* payload shorter than STAMP_MIN_REQ_LEN */
	STAMP_STATS_A_DROP_SHORT,
	/* UDP length inconsistent with the IP packet */
	STAMP_STATS_A_DROP_MALFORMED,
	/* bad UDP checksum */
	STAMP_STATS_A_DROP_CSUM,
	/*
	 * Error Estimate multiplier of 0 (RFC 4656 section 4.1.2), with
	 * STAMP_A_ERREST_ZERO_DISCARD set
	 */
	STAMP_STATS_A_DROP_ERREST,
	/* broadcast, multicast or another host's destination */
	STAMP_STATS_A_DROP_NOT_LOCAL,
	/* IPv6 fragment (the reflector needs the whole datagram) */
	STAMP_STATS_A_DROP_FRAGMENT,
	/* no route back to the sender */
	STAMP_STATS_A_DROP_NO_ROUTE,
	/* no memory for the reply */
	STAMP_STATS_A_DROP_NOMEM,
	/* the IP layer refused the reply */
	STAMP_STATS_A_DROP_XMIT,
	/* authenticated mode: no key, or the HMAC did not verify */
	STAMP_STATS_A_DROP_AUTH,
	/* stateful mode: no session and none may be created */
	STAMP_STATS_A_DROP_NO_SESSION,
	/* stateful mode: the session table is full */
	STAMP_STATS_A_DROP_SESSIONS_FULL,
	/* the source sent faster than the rate limit */
	STAMP_STATS_A_DROP_RATE_LIMIT,
	/* the source is not in the allow-list */
	STAMP_STATS_A_DROP_NOT_ALLOWED,
	/* a Micro-session ID TLV named another reflector (RFC 9534) */
	STAMP_STATS_A_DROP_MICRO_SESSION,
	/* a Return Path TLV asked for no reply (RFC 9503) */
	STAMP_STATS_A_DROP_NO_REPLY,
	/*
	 * not a request: from a reflector port and shaped like a reply (a
	 * request's MBZ octets not zero). Left to the stack, not in RX.
	 */
	STAMP_STATS_A_PEER_REPLIES,
	/*
	 * requests with an Error Estimate multiplier of 0 that went on to be
	 * answered like any other (not a drop: also in RX)
	 */
	STAMP_STATS_A_ERREST_ZERO,

	__STAMP_STATS_A_MAX,
	STAMP_STATS_A_MAX = __STAMP_STATS_A_MAX - 1
};

/* TLV counters (u64): TLVs in requests by type, and what they caused. */
enum {
	STAMP_TLV_STATS_A_UNSPEC,
	STAMP_TLV_STATS_A_PAD,
	/* TLVs of a type the reflector does not know (answered with U) */
	STAMP_TLV_STATS_A_UNKNOWN,
	/* TLVs of types 1 to 11, in order */
	STAMP_TLV_STATS_A_EXTRA_PADDING,
	STAMP_TLV_STATS_A_LOCATION,
	STAMP_TLV_STATS_A_TIMESTAMP_INFO,
	STAMP_TLV_STATS_A_COS,
	STAMP_TLV_STATS_A_DIRECT_MEASUREMENT,
	STAMP_TLV_STATS_A_ACCESS_REPORT,
	STAMP_TLV_STATS_A_FOLLOW_UP,
	STAMP_TLV_STATS_A_HMAC,
	STAMP_TLV_STATS_A_DEST_NODE_ADDR,
	STAMP_TLV_STATS_A_RETURN_PATH,
	STAMP_TLV_STATS_A_MICRO_SESSION,
	/* requests whose TLVs were malformed (M set, processing stopped) */
	STAMP_TLV_STATS_A_MALFORMED,
	/* requests whose HMAC TLV did not verify (I set on every TLV) */
	STAMP_TLV_STATS_A_INTEGRITY_FAILED,
	/* replies stripped of their TLVs (tlv mode strip) */
	STAMP_TLV_STATS_A_STRIPPED,
	/* replies sent to a Return Path TLV's Return Address */
	STAMP_TLV_STATS_A_RETURN_ADDR,
	/* replies sent out of the ingress link (Return Path Control Code) */
	STAMP_TLV_STATS_A_SAME_LINK,
	/* replies whose DSCP a Class of Service TLV set */
	STAMP_TLV_STATS_A_COS_REMARKED,

	__STAMP_TLV_STATS_A_MAX,
	STAMP_TLV_STATS_A_MAX = __STAMP_TLV_STATS_A_MAX - 1
};

enum {
	STAMP_CMD_UNSPEC,
	/* reflector configuration: STAMP_A_PORT..STAMP_A_CLOCK_VALIDITY */
	STAMP_CMD_REFL_GET,
	/* change the configuration; needs CAP_NET_ADMIN in the netns */
	STAMP_CMD_REFL_SET,
	/* counters: STAMP_A_STATS, STAMP_A_SESSION_COUNT */
	STAMP_CMD_STATS_GET,
	/*
	 * provision a session (STAMP_A_SESSION); needs CAP_NET_ADMIN. A
	 * session created on first packet becomes provisioned.
	 */
	STAMP_CMD_SESSION_NEW,
	/* remove a session; needs CAP_NET_ADMIN */
	STAMP_CMD_SESSION_DEL,
	/* one session with its counters, or a dump of all of them */
	STAMP_CMD_SESSION_GET,

	__STAMP_CMD_MAX,
	STAMP_CMD_MAX = __STAMP_CMD_MAX - 1
};

/* An address prefix. */
enum {
	STAMP_PREFIX_A_UNSPEC,
	/* binary, 4 or 16 octets */
	STAMP_PREFIX_A_ADDR,
	/* u8: prefix length in bits */
	STAMP_PREFIX_A_LEN,

	__STAMP_PREFIX_A_MAX,
	STAMP_PREFIX_A_MAX = __STAMP_PREFIX_A_MAX - 1
};

/*
 * A session: the Session-Sender's address and port, the reflector's port
 * and address, and the SSID (RFC 8972 section 3) identify it.
 */
enum {
	STAMP_SESSION_A_UNSPEC,
	STAMP_SESSION_A_PAD,
	/* binary, 4 or 16 octets: the Session-Sender's address */
	STAMP_SESSION_A_PEER_ADDR,
	/* u16: the Session-Sender's UDP port */
	STAMP_SESSION_A_PEER_PORT,
	/*
	 * binary, 4 or 16 octets: the address the requests are sent to;
	 * when absent, any of this host's (provisioned sessions only)
	 */
	STAMP_SESSION_A_LOCAL_ADDR,
	/* u16: the reflector port (default: the first configured one) */
	STAMP_SESSION_A_LOCAL_PORT,
	/* u16: SSID, 0 for none */
	STAMP_SESSION_A_SSID,
	/* binary, 16-64 octets, write only: the session's HMAC key */
	STAMP_SESSION_A_KEY,
	/* u8 0/1, read only: the session has its own key */
	STAMP_SESSION_A_HAS_KEY,
	/* u8 0/1, read only: provisioned (never forgotten when idle) */
	STAMP_SESSION_A_PROVISIONED,
	/* u32, read only: the reflector's next sequence number */
	STAMP_SESSION_A_SEQ,
	/* u64, read only: requests that matched the session */
	STAMP_SESSION_A_RX,
	/* u64, read only: replies handed to the IP layer */
	STAMP_SESSION_A_REFLECTED,
	/* u64, read only: requests that failed authentication */
	STAMP_SESSION_A_DROP_AUTH,
	/* u32 ms, read only: time since the last request (or creation) */
	STAMP_SESSION_A_IDLE_MS,
	/*
	 * u8 each, read only, once one arrived: the last Access Report TLV's
	 * access ID and return code (RFC 8972 section 4.6)
	 */
	STAMP_SESSION_A_ACCESS_ID,
	STAMP_SESSION_A_ACCESS_CODE,
	/*
	 * u64, read only, once a reply went out: that reply's Timestamp (T3)
	 * as it went on the wire, in the 64-bit NTP or PTPv2 format the
	 * namespace used then (what a Follow-Up Telemetry TLV reports)
	 */
	STAMP_SESSION_A_LAST_T3,

	__STAMP_SESSION_A_MAX,
	STAMP_SESSION_A_MAX = __STAMP_SESSION_A_MAX - 1
};

#endif /* _UAPI_LINUX_STAMP_H */
