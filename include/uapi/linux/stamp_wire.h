/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * STAMP (RFC 8762, RFC 8972) test packet layout, shared by the kernel
 * module, the BPF programs and userspace. Offsets are in octets from the
 * start of the UDP payload; all multi-octet fields are big-endian.
 */
#ifndef _UAPI_LINUX_STAMP_WIRE_H
#define _UAPI_LINUX_STAMP_WIRE_H

#define STAMP_PORT			862

/* Unauthenticated mode, RFC 8762 section 4.2.1 and 4.3.1. */
#define STAMP_BASE_LEN			44
#define STAMP_OFF_SEQ			0
#define STAMP_OFF_TS			4
#define STAMP_OFF_ERREST		12
#define STAMP_OFF_SSID			14
#define STAMP_OFF_RX_TS			16
#define STAMP_OFF_SENDER_SEQ		24
#define STAMP_OFF_SENDER_TS		28
#define STAMP_OFF_SENDER_ERREST		36
#define STAMP_OFF_SENDER_TTL		40

/* Authenticated mode, RFC 8762 section 4.2.2 and 4.3.2. */
#define STAMP_AUTH_BASE_LEN		112
#define STAMP_AUTH_OFF_SEQ		0
#define STAMP_AUTH_OFF_TS		16
#define STAMP_AUTH_OFF_ERREST		24
#define STAMP_AUTH_OFF_SSID		26
#define STAMP_AUTH_OFF_RX_TS		32
#define STAMP_AUTH_OFF_SENDER_SEQ	48
#define STAMP_AUTH_OFF_SENDER_TS	64
#define STAMP_AUTH_OFF_SENDER_ERREST	72
#define STAMP_AUTH_OFF_SENDER_TTL	80
#define STAMP_AUTH_OFF_HMAC		96
#define STAMP_HMAC_LEN			16
#define STAMP_KEY_MIN_LEN		16
#define STAMP_KEY_MAX_LEN		64

/*
 * The shortest request a reflector answers: Seq, Timestamp and Error
 * Estimate, as a TWAMP-Light sender sends them (RFC 8762 section 4.6).
 */
#define STAMP_MIN_REQ_LEN		14

/* Error Estimate, RFC 4656 section 4.1.2: S(1) Z(1) Scale(6) Multiplier(8). */
#define STAMP_ERREST_S			0x8000
#define STAMP_ERREST_Z			0x4000
#define STAMP_ERREST_SCALE_SHIFT	8
#define STAMP_ERREST_SCALE_MASK		0x3f00
#define STAMP_ERREST_MULT_MASK		0x00ff

/* RFC 8972 TLV header: Flags(1) Type(1) Length(2). */
#define STAMP_TLV_HDR_LEN		4
#define STAMP_TLV_FLAG_U		0x80
#define STAMP_TLV_FLAG_M		0x40
#define STAMP_TLV_FLAG_I		0x20

/* STAMP TLV Types (IANA registry; RFC 8972, RFC 9503, RFC 9534). */
#define STAMP_TLV_EXTRA_PADDING		1
#define STAMP_TLV_LOCATION		2
#define STAMP_TLV_TIMESTAMP_INFO	3
#define STAMP_TLV_COS			4
#define STAMP_TLV_DIRECT_MEASUREMENT	5
#define STAMP_TLV_ACCESS_REPORT		6
#define STAMP_TLV_FOLLOW_UP		7
#define STAMP_TLV_HMAC			8
#define STAMP_TLV_DEST_NODE_ADDR	9
#define STAMP_TLV_RETURN_PATH		10
#define STAMP_TLV_MICRO_SESSION		11
#define STAMP_TLV_TYPE_MAX		11

/* Value lengths of the fixed-size TLVs. */
#define STAMP_TLV_TIMESTAMP_INFO_LEN	4
#define STAMP_TLV_COS_LEN		4
#define STAMP_TLV_DIRECT_MEASUREMENT_LEN 12
#define STAMP_TLV_ACCESS_REPORT_LEN	4
#define STAMP_TLV_FOLLOW_UP_LEN		16
#define STAMP_TLV_HMAC_LEN		16
#define STAMP_TLV_MICRO_SESSION_LEN	4
#define STAMP_TLV_LOCATION_MIN_LEN	4	/* Destination and Source Port */

/* Location sub-TLVs (RFC 8972 section 4.2): a request type, then answers. */
#define STAMP_SUB_SRC_MAC		1
#define STAMP_SUB_SRC_EUI48		2
#define STAMP_SUB_SRC_EUI64		3
#define STAMP_SUB_DST_IP		4
#define STAMP_SUB_DST_IPV4		5
#define STAMP_SUB_DST_IPV6		6
#define STAMP_SUB_SRC_IP		7
#define STAMP_SUB_SRC_IPV4		8
#define STAMP_SUB_SRC_IPV6		9
#define STAMP_SUB_MAC_LEN		8	/* EUI-48 + 2 reserved, or EUI-64 */
#define STAMP_SUB_IP_LEN		16	/* IPv4 + 12 reserved, or IPv6 */

/* Return Path sub-TLVs (RFC 9503 section 4.1). */
#define STAMP_RP_CONTROL_CODE		1
#define STAMP_RP_RETURN_ADDRESS		2
#define STAMP_RP_SR_MPLS_LABELS		3
#define STAMP_RP_SRV6_SEGMENTS		4
#define STAMP_RP_CONTROL_CODE_LEN	4
/* Control Code flags: clear means "no reply requested" */
#define STAMP_RP_CC_SAME_LINK		0x00000001

/* Access Report TLV Access IDs (RFC 8972 4.6): no other is valid. */
#define STAMP_ACCESS_3GPP		1
#define STAMP_ACCESS_NON_3GPP		2

/* Synchronization sources and timestamping methods (RFC 8972 4.3). */
#define STAMP_SYNC_NTP			1
#define STAMP_SYNC_PTP			2
#define STAMP_SYNC_SSU_BITS		3
#define STAMP_SYNC_GNSS			4
#define STAMP_SYNC_LOCAL		5
#define STAMP_TSM_HW_ASSIST		1
#define STAMP_TSM_SW_LOCAL		2
#define STAMP_TSM_CONTROL_PLANE		3

/*
 * Class of Service TLV (RFC 8972 section 4.4), the first 16 bits of the
 * value: DSCP1(6) DSCP2(6) ECN(2) RP(2), then 16 reserved.
 */
#define STAMP_COS_DSCP1_SHIFT		10
#define STAMP_COS_DSCP2_SHIFT		4
#define STAMP_COS_ECN_SHIFT		2
#define STAMP_COS_RP_MASK		0x3

/* Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
#define STAMP_NTP_UNIX_OFFSET		2208988800ULL

#endif /* _UAPI_LINUX_STAMP_WIRE_H */
