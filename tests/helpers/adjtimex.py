#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The kernel's clock state (adjtimex), read and set for the sender's
clock tests. Setting needs CAP_SYS_TIME, and changes the whole machine:
tests save the state first and restore it on exit.

  adjtimex.py show            synced, TAI offset, status, maxerror, esterror
  adjtimex.py synced          exit 0 when the kernel says synchronized
  adjtimex.py tai             print the TAI offset (s)
  adjtimex.py set-tai N       set the TAI offset to N s (ADJ_TAI)
  adjtimex.py save FILE       write the state a restore puts back
  adjtimex.py restore FILE    put it back
  adjtimex.py mark-synced [S] clear STA_UNSYNC, as an NTP daemon would

mark-synced leaves maxerror S seconds (default 30) short of the kernel's
limit (16 s, grown by 500 us every second): should the restore never
run, the kernel marks the clock unsynchronized again by itself within S
seconds. A test in the VM whose synchronized stretch takes longer under
TCG gives more.

"synced" means what stampnl's sender_clock_init() takes it to mean: the
state is not TIME_ERROR and STA_UNSYNC is clear."""
import ctypes
import ctypes.util
import os
import sys

ADJ_ESTERROR = 0x0008
ADJ_MAXERROR = 0x0004
ADJ_STATUS = 0x0010
ADJ_TAI = 0x0080
STA_UNSYNC = 0x0040
STA_RONLY = 0xff00
TIME_ERROR = 5
NTP_PHASE_LIMIT_US = 16000000
MAXERROR_GROWTH_US = 500


class Timeval(ctypes.Structure):
    _fields_ = [("sec", ctypes.c_long), ("usec", ctypes.c_long)]


class Timex(ctypes.Structure):
    _fields_ = [("modes", ctypes.c_uint), ("offset", ctypes.c_long),
                ("freq", ctypes.c_long), ("maxerror", ctypes.c_long),
                ("esterror", ctypes.c_long), ("status", ctypes.c_int),
                ("constant", ctypes.c_long), ("precision", ctypes.c_long),
                ("tolerance", ctypes.c_long), ("time", Timeval),
                ("tick", ctypes.c_long), ("ppsfreq", ctypes.c_long),
                ("jitter", ctypes.c_long), ("shift", ctypes.c_int),
                ("stabil", ctypes.c_long), ("jitcnt", ctypes.c_long),
                ("calcnt", ctypes.c_long), ("errcnt", ctypes.c_long),
                ("stbcnt", ctypes.c_long), ("tai", ctypes.c_int),
                ("pad", ctypes.c_int * 11)]


libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def adjtimex(tx):
    state = libc.adjtimex(ctypes.byref(tx))
    if state < 0:
        err = ctypes.get_errno()
        sys.exit("adjtimex: %s" % os.strerror(err))
    return state


def read():
    tx = Timex()
    return adjtimex(tx), tx


def synced():
    state, tx = read()
    return state != TIME_ERROR and not tx.status & STA_UNSYNC


def write(**fields):
    tx = Timex()
    for k, v in fields.items():
        setattr(tx, k, v)
    adjtimex(tx)


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "show"
    if cmd == "show":
        state, tx = read()
        print("synced=%d tai=%d status=%#x maxerror=%d esterror=%d"
              % (synced(), tx.tai, tx.status, tx.maxerror, tx.esterror))
    elif cmd == "synced":
        sys.exit(0 if synced() else 1)
    elif cmd == "tai":
        print(read()[1].tai)
    elif cmd == "set-tai":
        write(modes=ADJ_TAI, constant=int(sys.argv[2]))
        if read()[1].tai != int(sys.argv[2]):
            sys.exit("adjtimex: the TAI offset did not change")
    elif cmd == "save":
        _, tx = read()
        with open(sys.argv[2], "w") as f:
            f.write("%d %d %d %d\n" % (tx.status, tx.maxerror, tx.esterror,
                                       tx.tai))
    elif cmd == "restore":
        with open(sys.argv[2]) as f:
            status, maxerror, esterror, tai = map(int, f.read().split())
        write(modes=ADJ_STATUS | ADJ_MAXERROR | ADJ_ESTERROR | ADJ_TAI,
              status=status & ~STA_RONLY, maxerror=maxerror,
              esterror=esterror, constant=tai)
    elif cmd == "mark-synced":
        _, tx = read()
        write(modes=ADJ_STATUS | ADJ_MAXERROR | ADJ_ESTERROR,
              status=tx.status & ~STA_UNSYNC & ~STA_RONLY,
              maxerror=NTP_PHASE_LIMIT_US - int(sys.argv[2] if len(sys.argv) > 2
                                                else 30) * MAXERROR_GROWTH_US,
              esterror=1000)
        if not synced():
            sys.exit("adjtimex: the clock still says unsynchronized")
    else:
        sys.exit(__doc__)


main()
