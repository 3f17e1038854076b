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

The same holds for the netdev hooks: stamp_refl registers an
NF_NETDEV_EGRESS hook on every device (and may register NF_NETDEV_INGRESS
ones), so rmmod and insmod flip nf_hooks_needed[NFPROTO_NETDEV][...] and
egress_needed_key or ingress_needed_key, which guard __dev_queue_xmit() and
__netif_receive_skb_core(), the hottest paths of all. No table of iptables
holds those, and the debug kernel has no nftables netdev family
(CONFIG_NF_TABLES_NETDEV), so a test module does: keep/nf_keep_netdev.c, an
ingress and an egress hook that accept everything on this namespace's lo,
which tests/vm/suite.sh loads beside this script and never unloads.

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


def main():
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
