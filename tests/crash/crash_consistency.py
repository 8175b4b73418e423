#!/usr/bin/env python3
"""Crash consistency of the real server on SQLite (hardening issue 10).

Several clients sign up and log in while `carelive serve` is killed with SIGKILL again and
again. Afterwards, with one clean start to finish sending:
  - every sign-up the server acknowledged (202) is stored, with exactly one 仮登録 message;
  - every acknowledged login left its session;
  - every message was delivered exactly once: none pending, one outbox file per sent message,
    named by its id, no other files (no duplicates, no temp files), Message-ID from its id;
  - PRAGMA integrity_check is ok.
Bounded in time: about a minute of load and kills, two minutes at most in all.

  python3 tests/crash/crash_consistency.py [--bin build/carelive] [--seconds 45]
"""

import argparse
import http.client
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

PASSWORD = "Crash#Test2026"
LOGIN_ID = "login@example.jp"
DEADLINE_SECONDS = 120


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, data, port, config):
        self.binary, self.data, self.port, self.config = binary, data, port, config
        self.url = f"http://127.0.0.1:{port}"
        self.proc = None
        self.log = open(os.path.join(data, "server.log"), "ab")

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--config", self.config, "--data", self.data,
             "--listen", f"127.0.0.1:{self.port}", "--public-url", self.url],
            stdout=self.log, stderr=self.log)
        for _ in range(300):
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not become ready")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("server did not stop on SIGTERM")


class Client:
    """One browser: its own cookies (session, CSRF) and the Origin of the public URL."""

    def __init__(self, url):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self):
        for c in self.jar:
            if c.name == "carelive_csrf":
                return c.value
        self.opener.open(self.url + "/api/v1/session", timeout=10).read()
        return self.csrf()

    def post(self, path, body):
        req = urllib.request.Request(
            self.url + "/api/v1" + path, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "X-CSRF-Token": self.csrf(),
                     "Origin": self.url})
        try:
            with self.opener.open(req, timeout=15) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code


def client_loop(url, index, stop, acked, lock):
    """Signs up new addresses and logs in until `stop`; records what the server acknowledged."""
    n = 0
    while not stop.is_set():
        client = Client(url)
        try:
            if random.random() < 0.7:
                n += 1
                email = f"c{index}-{n}-{random.getrandbits(32):08x}@example.jp"
                status = client.post("/signup", {
                    "family_name": "富士田", "given_name": "熊吉",
                    "family_name_kana": "ふじた", "given_name_kana": "くまきち",
                    "contact_kind": "email", "email": email, "email_confirm": email,
                    "password": PASSWORD, "password_confirm": PASSWORD})
                if status == 202:
                    with lock:
                        acked["signups"].append(email)
                elif status not in (502, 503):
                    with lock:
                        acked["unexpected"].append(("signup", status))
            else:
                status = client.post("/login", {"login_id": LOGIN_ID, "password": PASSWORD})
                if status == 200:
                    with lock:
                        acked["logins"] += 1
                elif status == 429:
                    # The throttle counts an attempt before checking it (so parallel guesses
                    # cannot slip through); attempts cut off by a kill stay counted until the
                    # next success clears them, and five of them delay the next login briefly.
                    with lock:
                        acked["throttled"] += 1
                elif status not in (502, 503):
                    with lock:
                        acked["unexpected"].append(("login", status))
        except (urllib.error.URLError, ConnectionError, OSError, http.client.HTTPException):
            time.sleep(0.02)  # the server is down (killed): try again once it is back


def wait_until_sent(db_path, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with sqlite3.connect(db_path, timeout=5) as db:
            pending = db.execute("SELECT COUNT(*) FROM messages WHERE sent_at IS NULL").fetchone()[0]
        if pending == 0:
            return True
        time.sleep(0.2)
    return False


def check(data, acked):
    failures = []
    db_path = os.path.join(data, "carelive.db")
    db = sqlite3.connect(db_path)
    integrity = db.execute("PRAGMA integrity_check").fetchall()
    if integrity != [("ok",)]:
        failures.append(f"integrity_check: {integrity}")

    stored = {r[0] for r in db.execute("SELECT login_id FROM signups")}
    missing = [e for e in acked["signups"] if e not in stored]
    if missing:
        failures.append(f"{len(missing)} acknowledged sign-ups lost, e.g. {missing[:3]}")
    for email in acked["signups"]:
        n = db.execute("SELECT COUNT(*) FROM messages WHERE recipient = ? AND subject LIKE ?",
                       (email, "%仮登録%")).fetchone()[0]
        if n != 1:
            failures.append(f"{email}: {n} sign-up messages")

    sessions = db.execute(
        "SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id "
        "WHERE a.email = ?", (LOGIN_ID,)).fetchone()[0]
    if sessions < acked["logins"]:
        failures.append(f"{acked['logins']} logins acknowledged, {sessions} sessions stored")

    rows = db.execute("SELECT id, sent_at FROM messages").fetchall()
    unsent = [i for i, sent in rows if sent is None]
    if unsent:
        failures.append(f"{len(unsent)} messages never sent, e.g. {unsent[:5]}")
    sent = {i for i, s in rows if s is not None}
    outbox = os.path.join(data, "outbox")
    files = sorted(os.listdir(outbox)) if os.path.isdir(outbox) else []
    strays = [f for f in files if not re.fullmatch(r"\d{12}\.(eml|sms)", f)]
    if strays:
        failures.append(f"unexpected files in the outbox: {strays[:5]}")
    by_id = {}
    for f in files:
        if f in strays:
            continue
        by_id.setdefault(int(f[:12]), []).append(f)
    if len(files) - len(strays) != len(sent):
        failures.append(f"{len(files) - len(strays)} outbox files for {len(sent)} sent messages")
    if set(by_id) != sent:
        failures.append(f"files without a sent message: {sorted(set(by_id) - sent)[:5]}; "
                        f"sent messages without a file: {sorted(sent - set(by_id))[:5]}")
    duplicated = {i: fs for i, fs in by_id.items() if len(fs) != 1}
    if duplicated:
        failures.append(f"messages with several files: {list(duplicated.items())[:3]}")
    for i, fs in by_id.items():
        with open(os.path.join(outbox, fs[0]), encoding="utf-8") as fh:
            text = fh.read()
        if fs[0].endswith(".eml") and not re.search(rf"^Message-ID: <carelive\.{i}\.[0-9a-f]{{16}}@",
                                                    text, re.M):
            failures.append(f"{fs[0]}: Message-ID not derived from the message id")
            break
    return failures, len(sent), len(files)


def main():
    parser = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--bin", default=os.path.join(root, "build", "carelive"))
    parser.add_argument("--seconds", type=float, default=45, help="load and kills")
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    started = time.monotonic()

    data = tempfile.mkdtemp(prefix="carelive-crash-")
    config = os.path.join(data, "carelive.toml")
    # 0600: the server refuses a config file other users may read (it holds secrets).
    with open(os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
        # Many sign-ups from one address; the quota has its own test.
        f.write("[throttle]\nsignups_per_address = 1000000\n")
    subprocess.run([args.bin, "admin", "--data", data, "account", "add",
                    "--family-name", "富士田", "--given-name", "熊吉",
                    "--family-name-kana", "ふじた", "--given-name-kana", "くまきち",
                    "--login-id", LOGIN_ID, "--password-stdin"],
                   input=PASSWORD + "\n", text=True, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)

    server = Server(args.bin, data, free_port(), config)
    acked = {"signups": [], "logins": 0, "throttled": 0, "unexpected": []}
    lock = threading.Lock()
    stop = threading.Event()
    server.start()
    clients = [threading.Thread(target=client_loop, args=(server.url, i, stop, acked, lock))
               for i in range(args.clients)]
    for t in clients:
        t.start()
    kills = 0
    try:
        while time.monotonic() - started < args.seconds:
            # Killed at a random moment: in a request, in a transaction, while writing a file.
            time.sleep(random.uniform(0.3, 2.5))
            server.kill()
            kills += 1
            server.start()
    finally:
        stop.set()
        for t in clients:
            t.join()

    # The last start (already running) finishes sending; then a clean stop.
    drained = wait_until_sent(os.path.join(data, "carelive.db"),
                              max(5, DEADLINE_SECONDS - 15 - (time.monotonic() - started)))
    server.stop()
    failures, sent, files = check(data, acked)
    if not drained:
        failures.append("messages still unsent when time ran out")
    if acked["unexpected"]:
        failures.append(f"unexpected answers: {acked['unexpected'][:5]}")
    if not acked["signups"] or not acked["logins"] or kills < 3:
        failures.append(f"too little happened: {len(acked['signups'])} sign-ups, {kills} kills")
    elapsed = time.monotonic() - started
    with open(os.path.join(data, "server.log"), encoding="utf-8", errors="replace") as fh:
        released = sum(1 for line in fh if "claimed by a gone process" in line)
    print(f"crash consistency: {kills} kills, {len(acked['signups'])} sign-ups and "
          f"{acked['logins']} logins acknowledged ({acked['throttled']} briefly throttled), "
          f"{sent} messages sent, {files} outbox files, "
          f"{released} restarts took over a killed server's claims, {elapsed:.0f} s")
    if elapsed > DEADLINE_SECONDS:
        failures.append(f"took {elapsed:.0f} s (limit {DEADLINE_SECONDS} s)")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        print(f"data kept in {data}", file=sys.stderr)
        return 1
    if not args.keep:
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
