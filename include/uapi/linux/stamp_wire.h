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

/* Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
#define STAMP_NTP_UNIX_OFFSET		2208988800ULL

#endif /* _UAPI_LINUX_STAMP_WIRE_H */
