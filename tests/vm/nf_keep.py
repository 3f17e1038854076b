#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Keep netfilter's LOCAL_IN hooks in use while the tests run.

Instantiates iptables' and ip6tables' filter tables in the current network
namespace, as `iptables -L` would (the IPT_SO_GET_INFO query loads a table
on demand), so that they hold a LOCAL_IN hook for IPv4 and for IPv6 for as
long as the namespace lives.

Why: when stamp_refl holds the only LOCAL_IN hooks, rmmod and insmod flip
the static key that guards them (nf_hooks_needed), and the kernel rewrites
ip_local_deliver() and ip6_input() through an int3 breakpoint
(text_poke_bp). Under QEMU's TCG (7.2, Debian 12) a vCPU can go on
executing the breakpoint after memory holds the new instruction: the
kernel's int3 handler finds no breakpoint there any more and resumes at the
same address, which traps again, forever, in softirq. Seen after 24 and 55
rmmod/insmod rounds under a flood (an RCU stall; the CPUs at
ip_local_deliver+0x5c, where memory showed the patched NOP, one of them
entering asm_exc_int3 from there); never in 265 rounds with these tables
present. Real hardware does not execute stale code, so the module is not
changed for it.

Needs the kernel's filter tables for ip_tables and ip6_tables (modprobe
iptable_filter ip6table_filter first, or built in). Prints the tables it
found; exits non-zero when either is missing.
"""
import ctypes
import os
import socket
import struct
import sys

# linux/netfilter_ipv4/ip_tables.h, linux/netfilter_ipv6/ip6_tables.h
SO_GET_INFO = 64
# struct ipt_getinfo / ip6t_getinfo: name[32], valid_hooks, hook_entry[5],
# underflow[5], num_entries, size
GETINFO = struct.Struct("32sI5I5III")
NF_INET_LOCAL_IN = 1


LIBC = ctypes.CDLL(None, use_errno=True)


def load(family, level, name="filter"):
    # the query names its table in the buffer it reads into: Python's
    # getsockopt() cannot pass that in, libc's can
    buf = ctypes.create_string_buffer(
        GETINFO.pack(name.encode(), 0, *([0] * 12)), GETINFO.size)
    size = ctypes.c_uint(GETINFO.size)
    s = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_RAW)
    try:
        if LIBC.getsockopt(s.fileno(), level, SO_GET_INFO, buf,
                           ctypes.byref(size)):
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
    finally:
        s.close()
    return GETINFO.unpack(buf.raw)[1]


# linux/netfilter/nfnetlink.h, nf_tables.h
NFNL_SUBSYS_NFTABLES = 10
NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END = 0x10, 0x11
NFT_MSG_NEWTABLE, NFT_MSG_NEWCHAIN = 0, 3
NFTA_TABLE_NAME = 1
NFTA_CHAIN_TABLE, NFTA_CHAIN_NAME, NFTA_CHAIN_HOOK = 1, 3, 4
NFTA_CHAIN_TYPE = 7
NFTA_HOOK_HOOKNUM, NFTA_HOOK_PRIORITY, NFTA_HOOK_DEV = 1, 2, 3
NLA_F_NESTED = 0x8000
NFPROTO_NETDEV = 5
NF_NETDEV_INGRESS = 0
NLM_F_REQUEST, NLM_F_ACK, NLM_F_CREATE = 1, 4, 0x400
NLMSG_ERROR = 2


def nla(typ, data):
    hdr = struct.pack("=HH", 4 + len(data), typ)
    return hdr + data + b"\0" * (-len(data) % 4)


def nlstr(typ, s):
    return nla(typ, s.encode() + b"\0")


def nfmsg(typ, seq, family, attrs, flags=NLM_F_REQUEST):
    body = struct.pack("=BBH", family, 0, socket.htons(NFNL_SUBSYS_NFTABLES))
    body += attrs
    return struct.pack("=IHHII", 16 + len(body), typ, flags, seq, 0) + body


def netdev_ingress(dev="lo"):
    """An nftables netdev ingress base chain (empty, policy accept) on
    @dev, as `nft add chain netdev kstamp-keep in { type filter hook
    ingress device lo priority -500; }` would make it: it holds the static
    keys of netdev ingress hooks (ingress_needed_key, nf_hooks_needed), so
    that the fast path's hooks coming and going under a flood do not
    patch __netif_receive_skb_core() either. nft itself is not installed,
    so the batch is built here."""
    nft = NFNL_SUBSYS_NFTABLES << 8
    hook = nla(NFTA_HOOK_HOOKNUM | 0, struct.pack("!I", NF_NETDEV_INGRESS))
    hook += nla(NFTA_HOOK_PRIORITY, struct.pack("!i", -500))
    hook += nlstr(NFTA_HOOK_DEV, dev)
    batch = nfmsg(NFNL_MSG_BATCH_BEGIN, 1, 0, b"")
    batch += nfmsg(nft | NFT_MSG_NEWTABLE, 2, NFPROTO_NETDEV,
                   nlstr(NFTA_TABLE_NAME, "kstamp-keep"),
                   NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK)
    batch += nfmsg(nft | NFT_MSG_NEWCHAIN, 3, NFPROTO_NETDEV,
                   nlstr(NFTA_CHAIN_TABLE, "kstamp-keep") +
                   nlstr(NFTA_CHAIN_NAME, "in") +
                   nla(NFTA_CHAIN_HOOK | NLA_F_NESTED, hook) +
                   nlstr(NFTA_CHAIN_TYPE, "filter"),
                   NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK)
    batch += nfmsg(NFNL_MSG_BATCH_END, 4, 0, b"")
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETFILTER
    try:
        s.settimeout(2)
        s.bind((0, 0))
        s.send(batch)
        for _ in range(2):
            msg = s.recv(65536)
            typ, = struct.unpack_from("=H", msg, 4)
            err, = struct.unpack_from("=i", msg, 16)
            if typ == NLMSG_ERROR and err:
                raise OSError(-err, os.strerror(-err))
    finally:
        s.close()


def main():
    # not required: the fast path's tests are the only netdev hook users
    try:
        netdev_ingress()
        print("nftables netdev ingress chain on lo: held")
    except OSError as e:
        print("nftables netdev ingress chain on lo: %s (not held)" %
              e.strerror)
    ok = True
    for fam, level, what in ((socket.AF_INET, socket.SOL_IP, "iptables"),
                             (socket.AF_INET6, socket.IPPROTO_IPV6,
                              "ip6tables")):
        try:
            hooks = load(fam, level)
        except OSError as e:
            print("%s filter table: %s" % (what, e.strerror))
            ok = False
            continue
        held = bool(hooks & (1 << NF_INET_LOCAL_IN))
        print("%s filter table: valid hooks 0x%x, LOCAL_IN %s" %
              (what, hooks, "held" if held else "not held"))
        ok = ok and held
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
