#!/usr/bin/env python3
"""Backup and restore of the real server on SQLite (SPEC "Acceptance contract", docs/backup.md).

`carelive serve` runs while clients sign up and log in; `carelive admin backup` is taken in the
middle of that load. Then:
  - restore into the running server's data folder is refused (the store is in use), and a file
    that is no backup is refused, both with a message and without changing anything;
  - the server is stopped, a fresh data folder gets `carelive admin restore`, and a server
    started on it lets the accounts made before the backup log in, opens the invite URL printed
    before the backup (GET /api/v1/invites/{token} 200) and prints that same URL again;
  - every sign-up acknowledged before the backup began is in the restored store, and the store
    passes PRAGMA integrity_check;
  - the backup file, the restored database and secret.key are 0600.

  python3 tests/backup/backup_under_load.py [--bin build/carelive] [--seconds 6]
"""

import argparse
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in tests/crash/
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "crash"))
from crash_consistency import Client, Server, free_port  # noqa: E402

PASSWORD = "Backup#Test2026"
ACCOUNTS = [f"before{i}@example.jp" for i in range(3)]


def admin(binary, data, *args, stdin=None, check=True):
    r = subprocess.run([binary, "admin", "--data", data, *args], input=stdin, text=True,
                       capture_output=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"carelive admin {' '.join(args)}: exit {r.returncode}: {r.stderr}")
    return r


def load(url, index, stop, acked, lock):
    """Signs up new addresses and logs in until `stop`: writes going on during the backup."""
    n = 0
    while not stop.is_set():
        client = Client(url)
        n += 1
        email = f"load{index}-{n}@example.jp"
        status = client.post("/signup", {
            "family_name": "富士田", "given_name": "熊吉",
            "family_name_kana": "ふじた", "given_name_kana": "くまきち",
            "contact_kind": "email", "email": email, "email_confirm": email,
            "password": PASSWORD, "password_confirm": PASSWORD})
        with lock:
            if status == 202:
                acked.append((time.monotonic(), email))
            else:
                acked.append((time.monotonic(), f"unexpected {status}"))
        Client(url).post("/login", {"login_id": ACCOUNTS[n % len(ACCOUNTS)],
                                    "password": PASSWORD})


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def get_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    parser = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--bin", default=os.path.join(root, "build", "carelive"))
    parser.add_argument("--seconds", type=float, default=6, help="load before and after the backup")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the temp folders")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="carelive-backup-")
    old, new, backups = (os.path.join(work, d) for d in ("old", "new", "backups"))
    os.mkdir(old, 0o700)
    os.mkdir(backups, 0o700)
    config = os.path.join(work, "carelive.toml")
    # 0600: the server refuses a config file other users may read (it holds secrets).
    with open(os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
        f.write("[throttle]\nsignups_per_address = 1000000\n")
    failures = []

    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    for login_id in ACCOUNTS:
        admin(args.bin, old, "account", "add", "--family-name", "富士田", "--given-name", "熊吉",
              "--family-name-kana", "ふじた", "--given-name-kana", "くまきち",
              "--login-id", login_id, "--password-stdin", stdin=PASSWORD + "\n")
    admin(args.bin, old, "facility", "add", "--code", "backup01", "--name", "ふじ園",
          "--kind", "老人保健施設（施設サービス版）")
    resident = admin(args.bin, old, "resident", "add", "--facility", "backup01",
                     "--family-name", "山田", "--given-name", "花子",
                     "--family-name-kana", "やまだ", "--given-name-kana", "はなこ",
                     ).stdout.strip().splitlines()[-1]
    invite_args = ["--public-url", public_url, "invite", "--facility", "backup01",
                   "--resident", resident]
    invite_url = admin(args.bin, old, *invite_args).stdout.strip().splitlines()[-1]
    token = urllib.parse.parse_qs(urllib.parse.urlparse(invite_url).query)["token"][0]

    server = Server(args.bin, old, port, config)
    server.start()
    acked, lock, stop = [], threading.Lock(), threading.Event()
    clients = [threading.Thread(target=load, args=(server.url, i, stop, acked, lock))
               for i in range(args.clients)]
    for t in clients:
        t.start()
    backup_file = os.path.join(backups, "carelive-backup.db")
    try:
        time.sleep(args.seconds / 2)  # load runs: sign-ups and logins are being written
        backup_began = time.monotonic()
        r = admin(args.bin, old, "backup", "--to", backup_file)
        if r.stdout.strip() != backup_file:
            failures.append(f"backup printed {r.stdout!r}, not the file")
        with lock:
            before_backup = [e for at, e in acked if at < backup_began]
        # The server runs: restore must refuse and leave the store alone.
        refused = admin(args.bin, old, "restore", "--from", backup_file, check=False)
        if refused.returncode == 0 or "in use" not in refused.stderr:
            failures.append(f"restore under a running server: exit {refused.returncode}, "
                            f"{refused.stderr.strip()!r}")
        time.sleep(args.seconds / 2)
    finally:
        stop.set()
        for t in clients:
            t.join()
    status = get_status(f"{server.url}/api/v1/invites/{token}")
    if status != 200:
        failures.append(f"the invite did not open on the original server: {status}")
    server.stop()

    not_backup = os.path.join(work, "notes.txt")
    with open(not_backup, "w") as f:
        f.write("not a backup\n")
    r = admin(args.bin, new, "restore", "--from", not_backup, check=False)
    if r.returncode == 0 or "not a CareLive backup" not in r.stderr:
        failures.append(f"restore of a text file: exit {r.returncode}, {r.stderr.strip()!r}")

    admin(args.bin, new, "restore", "--from", backup_file)
    for path in (backup_file, os.path.join(new, "carelive.db"), os.path.join(new, "secret.key")):
        if mode(path) != 0o600:
            failures.append(f"{path} is {oct(mode(path))}, not 0600")
    with open(os.path.join(old, "secret.key")) as a, open(os.path.join(new, "secret.key")) as b:
        if a.read() != b.read():
            failures.append("the restored secret.key differs from the original")

    db = sqlite3.connect(os.path.join(new, "carelive.db"))
    integrity = db.execute("PRAGMA integrity_check").fetchall()
    if integrity != [("ok",)]:
        failures.append(f"integrity_check: {integrity}")
    stored = {r[0] for r in db.execute("SELECT login_id FROM signups")}
    leftover = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'backup_secret'")
    if leftover.fetchone()[0] != 0:
        failures.append("the backup's own table was restored into the store")
    db.close()
    unexpected = [e for e in before_backup if e.startswith("unexpected")]
    if unexpected:
        failures.append(f"answers under load: {unexpected[:3]}")
    lost = [e for e in before_backup if not e.startswith("unexpected") and e not in stored]
    if lost:
        failures.append(f"{len(lost)} sign-ups acknowledged before the backup are missing: "
                        f"{lost[:3]}")
    if len(before_backup) < args.clients:
        failures.append(f"too little load before the backup: {len(before_backup)} sign-ups")

    restored = Server(args.bin, new, port, config)
    restored.start()
    try:
        for login_id in ACCOUNTS:
            status = Client(restored.url).post("/login", {"login_id": login_id,
                                                          "password": PASSWORD})
            if status != 200:
                failures.append(f"{login_id} made before the backup: login answered {status}")
        status = get_status(f"{restored.url}/api/v1/invites/{token}")
        if status != 200:
            failures.append(f"the invite URL printed before the backup answered {status}")
        again = admin(args.bin, new, *invite_args).stdout.strip().splitlines()[-1]
        if again != invite_url:
            failures.append(f"invite printed after the restore differs: {again} vs {invite_url}")
    finally:
        restored.stop()

    print(f"backup under load: {len(before_backup)} sign-ups before the backup, "
          f"{len(acked)} in all, {len(stored)} in the restored store")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        print(f"data kept in {work}", file=sys.stderr)
        return 1
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
