#!/usr/bin/env python3
"""deploy/turnserver.conf relays only to the public internet.

1. Every special-purpose range (RFC 6890 registries) lies inside a `denied-peer-ip` range.
2. A real coturn started with that file (its listener moved to loopback, TLS off) refuses to
   relay to an address of each IPv4 range (403 Forbidden IP), while a control peer that the
   test alone allows gets its packets through: so the refusals come from the deny list.
"""
import ipaddress
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONF = os.path.join(ROOT, "deploy", "turnserver.conf")

REQUIRED = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64",
    "2001::/23", "2001:db8::/32", "2002::/16", "fc00::/7", "fe80::/10", "ff00::/8",
]
# One address of each IPv4 range, tried through the relay.
PROBES = ["127.0.0.1", "10.0.0.1", "100.64.0.1", "169.254.169.254", "172.16.0.1", "192.0.0.1",
          "192.168.1.1", "198.18.0.1", "240.0.0.1"]
CONTROL = "127.0.0.2"

failures = []


def denied_ranges(text):
    out = []
    for line in text.splitlines():
        m = re.match(r"^denied-peer-ip=(\S+)$", line.strip())
        if not m:
            continue
        lo, _, hi = m.group(1).partition("-")
        lo = ipaddress.ip_address(lo)
        out.append((lo, ipaddress.ip_address(hi) if hi else lo))
    return out


def covered(net, ranges):
    return any(lo.version == net.version and lo <= net[0] and net[-1] <= hi for lo, hi in ranges)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def relay(peer, port, peer_port):
    # A user of its own per try: the file's user-quota counts allocations still open.
    r = subprocess.run(
        ["turnutils_uclient", "-W", "deny-list-test", "-u", f"probe-{peer}", "-e", peer, "-r",
         str(peer_port), "-p", str(port), "-n", "3", "-m", "1", "-l", "100", "127.0.0.1"],
        capture_output=True, text=True, timeout=30)
    return r.stdout + r.stderr


def main():
    text = open(CONF, encoding="utf-8").read()
    ranges = denied_ranges(text)
    for net in REQUIRED:
        if not covered(ipaddress.ip_network(net), ranges):
            failures.append(f"{net} is not inside any denied-peer-ip range of {CONF}")

    work = tempfile.mkdtemp(prefix="carelive-turn-")
    port, peer_port = free_port(), free_port()
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if key in ("listening-port", "tls-listening-port", "cert", "pkey", "log-file",
                   "static-auth-secret"):
            continue
        lines.append(line)
    lines += [f"listening-port={port}", "listening-ip=127.0.0.1", "relay-ip=127.0.0.1",
              "static-auth-secret=deny-list-test", "no-tls", "no-dtls", "simple-log",
              f"log-file={work}/turn.log", f"pidfile={work}/turn.pid", f"userdb={work}/turndb",
              # The control: loopback relaying allowed for this one address only.
              "allow-loopback-peers", f"allowed-peer-ip={CONTROL}"]
    conf = os.path.join(work, "turnserver.conf")
    open(conf, "w").write("\n".join(lines) + "\n")
    turn = subprocess.Popen(["turnserver", "-c", conf], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    peer = subprocess.Popen(["turnutils_peer", "-L", CONTROL, "-p", str(peer_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)
        log = "".join(open(os.path.join(work, f)).read() for f in os.listdir(work)
                      if f.startswith("turn") and f.endswith(".log"))
        if "Bad configuration format" in log:
            failures.append("coturn refused lines of the file:\n" + log)
        out = relay(CONTROL, port, peer_port)
        if "403" in out or "Total lost packets 0 " not in out:
            failures.append(f"control peer {CONTROL} was not relayed:\n{out}")
        for address in PROBES:
            out = relay(address, port, peer_port)
            if "403 (Forbidden IP)" not in out:
                failures.append(f"coturn relayed to {address}:\n{out[-500:]}")
            else:
                print(f"ok   {address}: 403 Forbidden IP")
    finally:
        for p in (turn, peer):
            p.terminate()
            p.wait()
        shutil.rmtree(work, ignore_errors=True)

    for f in failures:
        print("FAIL", f)
    print(f"deploy/turnserver.conf: {len(REQUIRED)} ranges checked, {len(PROBES)} relays refused"
          if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
