#!/usr/bin/env python3
"""Processes started at the same instant on one empty PostgreSQL database all come up.

Issue 10 ("Upgrades"): several `carelive serve` processes behind nginx share one PostgreSQL
database; after an install or an upgrade they start together and each runs the migrations.
This starts PROCESSES real servers at once on a database that has no tables yet, and checks
that every one answers GET /healthz 200, that each migration was recorded once, and that a
sign-up made through one is seen by another (they share the store).

Needs the test PostgreSQL of scripts/postgres.sh (CARELIVE_TEST_PG_URL, exported by
`eval "$(bash scripts/postgres.sh start)"`).

  python3 tests/cluster/start_together.py [--bin build/carelive] [--processes 4]
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

WAIT_SECONDS = 60  # a generous limit for start-up, never an assertion on speed


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url):
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def psql(admin_url, sql):
    return subprocess.run(["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qtAc", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--bin", default=os.path.join(root, "build", "carelive"))
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    admin_url = os.environ.get("CARELIVE_TEST_PG_URL")
    if not admin_url:
        sys.exit('start-together test: run `eval "$(bash scripts/postgres.sh start)"` first')

    name = "carelive_start_" + uuid.uuid4().hex[:10]
    psql(admin_url, f"CREATE DATABASE {name}")
    db_url = admin_url.rsplit("/", 1)[0] + "/" + name
    work = tempfile.mkdtemp(prefix="carelive-start-together-")
    secret = uuid.uuid4().hex + uuid.uuid4().hex
    servers, failures = [], []
    try:
        gate = threading.Barrier(args.processes)
        launched = [None] * args.processes

        def launch(i):
            port = free_port()
            data = os.path.join(work, f"node{i}")
            os.makedirs(data, mode=0o700)
            config = os.path.join(data, "carelive.toml")
            with open(os.open(config, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                f.write(f'[server]\nsecret = "{secret}"\n[database]\nurl = "{db_url}"\n')
            log = open(os.path.join(data, "server.log"), "w")
            gate.wait()  # every process starts at the same instant
            proc = subprocess.Popen(
                [args.bin, "serve", "--config", config, "--data", data,
                 "--listen", f"127.0.0.1:{port}", "--public-url", f"http://127.0.0.1:{port}"],
                stdout=log, stderr=subprocess.STDOUT)
            launched[i] = (proc, f"http://127.0.0.1:{port}", data)

        threads = [threading.Thread(target=launch, args=(i,)) for i in range(args.processes)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        servers = launched

        deadline = time.monotonic() + WAIT_SECONDS
        pending = list(range(len(servers)))
        while pending and time.monotonic() < deadline:
            for i in list(pending):
                proc, url, _ = servers[i]
                if proc.poll() is not None:
                    pending.remove(i)
                    failures.append(f"process {i} exited with {proc.returncode}")
                elif healthy(url):
                    pending.remove(i)
            time.sleep(0.1)
        failures += [f"process {i} never answered /healthz" for i in pending]

        counts = psql(db_url, "SELECT COUNT(*), COUNT(DISTINCT number) FROM schema_migrations")
        total, distinct = (int(x) for x in counts.split("|"))
        if total != distinct:
            failures.append(f"migrations recorded {total} times for {distinct} steps")
        migration_files = len([f for f in os.listdir(os.path.join(root, "migrations"))
                               if f.endswith(".sql")])
        if distinct != migration_files:
            failures.append(f"{distinct} migrations applied, {migration_files} known")

        if not failures:
            # One store: the facility one process made is there for another.
            subprocess.run([args.bin, "admin", "--config",
                            os.path.join(servers[0][2], "carelive.toml"), "facility", "add",
                            "--code", "together", "--name", "ふじ園", "--kind", "老人保健施設"],
                           check=True, capture_output=True)
            if psql(db_url, "SELECT COUNT(*) FROM facilities WHERE code = 'together'") != "1":
                failures.append("the processes do not share one store")
    finally:
        for entry in servers:
            if entry:
                entry[0].terminate()
        for entry in servers:
            if entry:
                try:
                    entry[0].wait(timeout=30)
                except subprocess.TimeoutExpired:
                    entry[0].kill()
        try:
            psql(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except subprocess.CalledProcessError as e:
            print(f"start-together test: could not drop {name}: {e.stderr}", file=sys.stderr)

    if failures:
        print("FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        for i, entry in enumerate(servers):
            if entry:
                with open(os.path.join(entry[2], "server.log"), errors="replace") as fh:
                    print(f"--- process {i}\n" + fh.read()[-2000:], file=sys.stderr)
        print(f"data kept in {work}", file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print(f"start together: {args.processes} processes on one empty PostgreSQL database all came up; "
          f"{distinct} migrations applied once each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
