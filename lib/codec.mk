# The STAMP codec for userspace builds, one fragment for all of them
# (tools/, snmp/ through tools/, bench/, tests/unit, tests/fuzz, tests/bpf;
# tests/mutation/mutate.py reads the same lists). Include it by its path:
#   include ../lib/codec.mk
# and compile the sources with $(STAMP_CODEC_CFLAGS). Those put lib/ and
# the UAPI headers on the include path, never kmod/: the module's own
# headers are kernel-only.
#   STAMP_WIRE_SRCS    the base packet: wire.c (both sides), wire_refl.c,
#                      wire_send.c
#   STAMP_CODEC_SRCS   those and the TLVs: tlv.c, tlv_refl.c, tlv_send.c
#   STAMP_CODEC_HDRS   wire.h and tlv.h, for dependencies
STAMP_CODEC_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
STAMP_CODEC_CFLAGS := -I$(STAMP_CODEC_DIR) -I$(dir $(STAMP_CODEC_DIR))include
STAMP_WIRE_SRCS := $(addprefix $(STAMP_CODEC_DIR)/,wire.c wire_refl.c wire_send.c)
STAMP_CODEC_SRCS := $(STAMP_WIRE_SRCS) \
	$(addprefix $(STAMP_CODEC_DIR)/,tlv.c tlv_refl.c tlv_send.c)
STAMP_CODEC_HDRS := $(addprefix $(STAMP_CODEC_DIR)/,wire.h tlv.h)
