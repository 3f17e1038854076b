#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Churn the reflector's configuration and sessions over generic netlink,
checking every answer, for the stress test.

A netlink client of its own (not stampnl, not libnl), with the attribute
numbers read from include/uapi/linux/stamp.h. Round after round, in the
current network namespace: provision a session (with its own key), provision
it again (must be refused: EEXIST), read it back (must be provisioned, with
a key, as added), find it in a dump (a dump interrupted by concurrent
changes, NLM_F_DUMP_INTR, is read again), delete it, delete it again and
read it (ENOENT); change every setting and read the configuration back
(must be what was set); send requests that must be refused, each with its
own errno; and read the counters, which must never go down. Runs until
SIGTERM or --seconds, paced at --rate requests per second so that the
traffic it races with still gets the CPU, then prints one JSON line:
requests, wrong (answers that were not what they should be), rounds,
dumps, dump_intr, and the slowest request (slowest_s, slowest). Each wrong
answer is described on stderr.

SIGTERM ends the run before the next request, not at the end of the
round: on a debug kernel under TCG a round can take longer than the
stress test waits for it, and a churn killed before it printed its JSON
looks as if it never ran. The JSON is printed whatever ends the run; an
exception (the family missing, say) counts as a wrong answer.
"""
import argparse
import errno
import json
import os
import re
import signal
import socket
import struct
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
HEADER = os.path.join(ROOT, "include/uapi/linux/stamp.h")

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK = 1, 2, 4
NLM_F_DUMP_INTR, NLM_F_DUMP = 0x10, 0x300
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2


def header_enums(path):
    """Every enumerator of the UAPI header, by name."""
    with open(path) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    names = {}
    for body in re.findall(r"enum(?:\s+\w+)?\s*\{(.*?)\};", text, re.S):
        nxt = 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            m = re.match(r"(\w+)\s*(?:=\s*\(?\s*(\w+)(?:\s*-\s*1)?\s*\)?)?$",
                         item)
            if m[2] is not None:
                # a name, or a number (the generated header: PAD = 1)
                v = int(m[2], 0) if m[2][0].isdigit() else names[m[2]]
                nxt = v - 1 if "-" in item else v
            names[m[1]] = nxt
            nxt += 1
    return names


E = header_enums(HEADER)


def attr(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + bytes(-len(a) % 4)


def nest(t, *attrs):
    return attr(t | NLA_F_NESTED, b"".join(attrs))


def u8(t, v):
    return attr(t, struct.pack("=B", v))


def u16(t, v):
    return attr(t, struct.pack("=H", v))


def u32(t, v):
    return attr(t, struct.pack("=I", v))


def parse_attrs(buf):
    """{type: [payload, ...]} (types without NLA_F_NESTED)."""
    out = {}
    while len(buf) >= 4:
        ln, t = struct.unpack_from("=HH", buf)
        if ln < 4:
            break
        out.setdefault(t & 0x3fff, []).append(buf[4:ln])
        buf = buf[(ln + 3) & ~3:]
    return out


class Nl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                               NETLINK_GENERIC)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.bind((0, 0))
        self.s.settimeout(10)
        self.seq = 0
        self.family = GENL_ID_CTRL
        err, msgs, _ = self.request(
            CTRL_CMD_GETFAMILY, attr(CTRL_ATTR_FAMILY_NAME, b"stamp\0"))
        if err or not msgs:
            raise OSError(err, "no generic netlink family \"stamp\" here "
                          "(is stamp_refl loaded?)")
        self.family = struct.unpack(
            "=H", parse_attrs(msgs[0])[CTRL_ATTR_FAMILY_ID][0])[0]

    def request(self, cmd, payload=b"", dump=False):
        """(errno or 0, [attribute payloads of the replies], extack
        message); a dump also flags NLM_F_DUMP_INTR as errno EINTR."""
        self.seq += 1
        flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else NLM_F_ACK)
        body = struct.pack("=BBH", cmd, 1, 0) + payload
        self.s.send(struct.pack("=IHHII", 16 + len(body), self.family,
                                flags, self.seq, 0) + body)
        msgs, intr = [], False
        while True:
            data = self.s.recv(65536)
            while len(data) >= 16:
                ln, typ, fl, seq, _ = struct.unpack_from("=IHHII", data)
                msg, data = data[16:ln], data[(ln + 3) & ~3:]
                if seq != self.seq:
                    continue
                intr |= bool(fl & NLM_F_DUMP_INTR)
                if typ == NLMSG_ERROR:
                    err = -struct.unpack_from("=i", msg)[0]
                    ext = ""
                    if fl & NLM_F_ACK_TLVS:
                        a = parse_attrs(msg[4 + 16:])
                        if NLMSGERR_ATTR_MSG in a:
                            ext = a[NLMSGERR_ATTR_MSG][0].rstrip(b"\0").decode()
                    return err, msgs, ext
                if typ == NLMSG_DONE:
                    err = -struct.unpack_from("=i", msg)[0]
                    return err or (errno.EINTR if intr else 0), msgs, ""
                msgs.append(msg[4:])


class Stopped(Exception):
    pass


class Churn:
    def __init__(self, a):
        self.nl = Nl()
        self.a = a
        self.k1 = read_key(a.key_file)
        self.k2 = read_key(a.session_key_file)
        self.peer = socket.inet_aton(a.peer)
        self.out = {"requests": 0, "wrong": 0, "rounds": 0, "dumps": 0,
                    "dump_intr": 0, "slowest_s": 0.0, "slowest": ""}
        self.stats = {}
        self.start = time.monotonic()
        self.stop = False

    def wrong(self, what):
        self.out["wrong"] += 1
        if self.out["wrong"] <= 20:
            print("stress_churn: round %d: %s" % (self.out["rounds"], what),
                  file=sys.stderr, flush=True)

    def req(self, what, cmd, payload=b"", want=0, dump=False):
        """One request, paced; its answer must be errno want."""
        ahead = self.out["requests"] / self.a.rate - \
            (time.monotonic() - self.start)
        if ahead > 0:
            time.sleep(ahead)
        if self.stop:
            raise Stopped()
        self.out["requests"] += 1
        t0 = time.monotonic()
        try:
            err, msgs, ext = self.nl.request(E[cmd], payload, dump)
        except OSError as e:
            self.wrong("%s: %s" % (what, e))
            return None
        finally:
            took = time.monotonic() - t0
            if took > self.out["slowest_s"]:
                self.out["slowest_s"], self.out["slowest"] = \
                    round(took, 3), what
        if err not in (want if isinstance(want, tuple) else (want,)):
            self.wrong("%s: got %s (%s), expected %s" %
                       (what, errno.errorcode.get(err, err) if err else 0,
                        ext, want))
            return None
        # every refusal says why (an extack message), not just an errno
        if err and err != errno.EINTR and not ext:
            self.wrong("%s: refused (%s) without a message" %
                       (what, errno.errorcode.get(err, err)))
            return None
        if err == errno.EINTR and dump:
            return "intr"
        return [parse_attrs(m) for m in msgs]

    def session(self, port, ssid, key=True):
        return nest(E["STAMP_A_SESSION"],
                    attr(E["STAMP_SESSION_A_PEER_ADDR"], self.peer),
                    u16(E["STAMP_SESSION_A_PEER_PORT"], port),
                    u16(E["STAMP_SESSION_A_SSID"], ssid),
                    *([attr(E["STAMP_SESSION_A_KEY"], self.k2)] if key
                      else []))

    def sessions(self, i):
        port, ssid = 20000 + i % 50, i % 7
        sess, bare = self.session(port, ssid), self.session(port, ssid, False)
        name = "session %d ssid %d" % (port, ssid)
        self.req("add " + name, "STAMP_CMD_SESSION_NEW", sess)
        self.req("add " + name + " again", "STAMP_CMD_SESSION_NEW", sess,
                 errno.EEXIST)
        r = self.req("show " + name, "STAMP_CMD_SESSION_GET", bare)
        if r is not None:
            s = parse_attrs(r[0][E["STAMP_A_SESSION"]][0])
            got = (s[E["STAMP_SESSION_A_PEER_ADDR"]][0],
                   s[E["STAMP_SESSION_A_PEER_PORT"]][0],
                   s[E["STAMP_SESSION_A_SSID"]][0],
                   s[E["STAMP_SESSION_A_PROVISIONED"]][0],
                   s[E["STAMP_SESSION_A_HAS_KEY"]][0])
            want = (self.peer, struct.pack("=H", port),
                    struct.pack("=H", ssid), b"\1", b"\1")
            if got != want:
                self.wrong("show %s: %s, expected %s" % (name, got, want))
        self.dump(name, port, ssid)
        self.req("del " + name, "STAMP_CMD_SESSION_DEL", bare)
        self.req("del " + name + " again", "STAMP_CMD_SESSION_DEL", bare,
                 errno.ENOENT)
        self.req("show deleted " + name, "STAMP_CMD_SESSION_GET", bare,
                 errno.ENOENT)

    def dump(self, name, port, ssid):
        """The provisioned session must be in a complete dump."""
        for _ in range(20):
            self.out["dumps"] += 1
            r = self.req("dump", "STAMP_CMD_SESSION_GET", dump=True,
                         want=(0, errno.EINTR))
            if r is None:
                return
            if r != "intr":
                break
            self.out["dump_intr"] += 1
        else:
            self.wrong("dump: interrupted 20 times in a row")
            return
        key = (self.peer, struct.pack("=H", port), struct.pack("=H", ssid))
        for m in r:
            s = parse_attrs(m[E["STAMP_A_SESSION"]][0])
            if key == (s[E["STAMP_SESSION_A_PEER_ADDR"]][0],
                       s[E["STAMP_SESSION_A_PEER_PORT"]][0],
                       s[E["STAMP_SESSION_A_SSID"]][0]):
                return
        self.wrong("dump: %s not among %d sessions" % (name, len(r)))

    def settings(self, i):
        """Every setting, changed, then read back."""
        ports = [862, 4000] if i % 8 == 0 else [862]
        want = {
            "STAMP_A_MODE": i % 3 != 0,
            "STAMP_A_SESSION_CREATE": i % 5 != 0,
            "STAMP_A_AUTH": i % 4 == 0,
            "STAMP_A_RATE_LIMIT": (i % 3) * 500,
            "STAMP_A_RATE_BURST": 1 + i % 100,
            "STAMP_A_MAX_SESSIONS": 1000 + (i % 4) * 100,
            "STAMP_A_SESSION_IDLE": 1 + i % 3,
        }
        p = b"".join(u8(E[k], v) for k, v in want.items()
                     if k in ("STAMP_A_MODE", "STAMP_A_SESSION_CREATE",
                              "STAMP_A_AUTH"))
        self.req("set mode, session-create, auth", "STAMP_CMD_REFL_SET", p)
        self.req("set default key" if i % 2 else "remove default key",
                 "STAMP_CMD_REFL_SET",
                 attr(E["STAMP_A_DEFAULT_KEY"], self.k1 if i % 2 else b""))
        self.req("set rate-limit, rate-burst", "STAMP_CMD_REFL_SET",
                 u32(E["STAMP_A_RATE_LIMIT"], want["STAMP_A_RATE_LIMIT"]) +
                 u32(E["STAMP_A_RATE_BURST"], want["STAMP_A_RATE_BURST"]))
        self.req("set max-sessions, session-idle", "STAMP_CMD_REFL_SET",
                 u32(E["STAMP_A_MAX_SESSIONS"],
                     want["STAMP_A_MAX_SESSIONS"]) +
                 u32(E["STAMP_A_SESSION_IDLE"],
                     want["STAMP_A_SESSION_IDLE"]))
        if i % 6:
            allow = []
            self.req("allow any", "STAMP_CMD_REFL_SET",
                     attr(E["STAMP_A_ALLOW_CLEAR"], b""))
        else:
            allow = [(socket.inet_aton("10.0.0.0"), 24),
                     (socket.inet_pton(socket.AF_INET6, "fd00::"), 64)]
            self.req("allow 10.0.0.0/24,fd00::/64", "STAMP_CMD_REFL_SET",
                     b"".join(nest(E["STAMP_A_ALLOW"],
                                   attr(E["STAMP_PREFIX_A_ADDR"], a),
                                   u8(E["STAMP_PREFIX_A_LEN"], n))
                              for a, n in allow))
        self.req("set port %s" % ports, "STAMP_CMD_REFL_SET",
                 b"".join(u16(E["STAMP_A_PORT"], p) for p in ports))
        r = self.req("show", "STAMP_CMD_REFL_GET")
        if r is None:
            return
        c = r[0]
        got = {k: int.from_bytes(c[E[k]][0], sys.byteorder) for k in want}
        want = {k: int(v) for k, v in want.items()}
        got_ports = [struct.unpack("=H", v)[0] for v in
                     c.get(E["STAMP_A_PORT"], [])]
        got_allow = []
        for v in c.get(E["STAMP_A_ALLOW"], []):
            pa = parse_attrs(v)
            got_allow.append((pa[E["STAMP_PREFIX_A_ADDR"]][0],
                              pa[E["STAMP_PREFIX_A_LEN"]][0][0]))
        has_key = c[E["STAMP_A_HAS_DEFAULT_KEY"]][0][0]
        if (got, got_ports, got_allow, has_key) != \
           (want, ports, allow, i % 2):
            self.wrong("show: %s, expected %s" %
                       ((got, got_ports, got_allow, has_key),
                        (want, ports, allow, i % 2)))

    def refused(self):
        """Requests that must be refused, each for its own reason."""
        v4 = socket.inet_aton
        self.req("set port 0", "STAMP_CMD_REFL_SET",
                 u16(E["STAMP_A_PORT"], 0), errno.ERANGE)
        self.req("set nothing", "STAMP_CMD_REFL_SET", b"", errno.EINVAL)
        self.req("allow 10.0.0.1/24 (host bits)", "STAMP_CMD_REFL_SET",
                 nest(E["STAMP_A_ALLOW"],
                      attr(E["STAMP_PREFIX_A_ADDR"], v4("10.0.0.1")),
                      u8(E["STAMP_PREFIX_A_LEN"], 24)), errno.EINVAL)
        self.req("set an 8-octet default key", "STAMP_CMD_REFL_SET",
                 attr(E["STAMP_A_DEFAULT_KEY"], bytes(8)), errno.EINVAL)
        self.req("set max-sessions 0", "STAMP_CMD_REFL_SET",
                 u32(E["STAMP_A_MAX_SESSIONS"], 0), errno.ERANGE)
        self.req("set the counters", "STAMP_CMD_REFL_SET",
                 nest(E["STAMP_A_STATS"]), errno.EINVAL)
        self.req("add a session without a peer port",
                 "STAMP_CMD_SESSION_NEW",
                 nest(E["STAMP_A_SESSION"],
                      attr(E["STAMP_SESSION_A_PEER_ADDR"], self.peer)),
                 errno.EINVAL)

    def counters(self):
        """No counter ever goes down."""
        r = self.req("stats", "STAMP_CMD_STATS_GET")
        if r is None:
            return
        now = {t: struct.unpack("=Q", v[0])[0] for t, v in
               parse_attrs(r[0][E["STAMP_A_STATS"]][0]).items()
               if len(v[0]) == 8}
        down = [t for t in now if now[t] < self.stats.get(t, 0)]
        if down:
            self.wrong("counters went down: %s" %
                       [(t, self.stats[t], now[t]) for t in down])
        self.stats = now

    def run(self):
        end = time.monotonic() + self.a.seconds if self.a.seconds else None
        i = 0
        try:
            while not self.stop and \
                  (end is None or time.monotonic() < end):
                i += 1
                self.sessions(i)
                self.settings(i)
                self.refused()
                self.counters()
                self.out["rounds"] = i
        except Stopped:
            pass
        except Exception as e:
            self.wrong("%s: %s" % (type(e).__name__, e))
        print(json.dumps(self.out), flush=True)


def read_key(path):
    with open(path) as f:
        return bytes.fromhex("".join(f.read().split()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", required=True,
                    help="IPv4 address of the provisioned sessions' peer")
    ap.add_argument("--key-file", required=True, help="the default key")
    ap.add_argument("--session-key-file", required=True)
    ap.add_argument("--rate", type=float, default=100,
                    help="requests per second")
    ap.add_argument("--seconds", type=float, default=0)
    a = ap.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    try:
        c = Churn(a)
    except Exception as e:
        print("stress_churn: %s: %s" % (type(e).__name__, e),
              file=sys.stderr)
        print(json.dumps({"requests": 0, "wrong": 1, "rounds": 0,
                          "dumps": 0, "dump_intr": 0, "slowest_s": 0.0,
                          "slowest": ""}), flush=True)
        return
    c.stop = bool(stop)
    signal.signal(signal.SIGTERM, lambda *_: setattr(c, "stop", True))
    c.run()


if __name__ == "__main__":
    main()
