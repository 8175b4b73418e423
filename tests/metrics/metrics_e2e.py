#!/usr/bin/env python3
"""Metrics, health and log rotation of the real server (operations issue).

Starts `carelive serve` on SQLite with `[metrics] listen` and `[server] log_file`, makes a few
requests, then:
  - scrapes GET /metrics on the metrics address and has `promtool check metrics` (Debian
    `prometheus`, installed here when missing) check it; the families of docs/monitoring.md are
    there, requests are counted by route pattern (never a raw path), the failed login counted;
  - the main port answers /metrics and unknown /api/ paths with 404, not the web app;
  - deploy/prometheus/'s scrape configuration and alert rules pass `promtool check`;
  - GET /healthz is JSON with the store and Redis ("off": none configured);
  - with `[redis]` pointing where no Redis listens, GET /healthz says "degraded", still 200;
  - the log file is moved away and SIGHUP sent: the server still answers and writes a new log
    file at the configured path; SIGTERM still stops it cleanly.

  python3 tests/metrics/metrics_e2e.py [--bin build/carelive]
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

WAIT_SECONDS = 30  # a generous limit for the server to start or write, never an assertion on speed


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_promtool():
    if shutil.which("promtool"):
        return shutil.which("promtool")
    if os.geteuid() != 0:
        sys.exit("metrics test: promtool is missing; run as root to install Debian's prometheus")
    print("==> installing prometheus (for promtool)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "prometheus"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    # The package's own service is not wanted here (no systemd in CI; harmless elsewhere).
    if os.path.isdir("/run/systemd/system"):
        subprocess.run(["systemctl", "disable", "--now", "prometheus"], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = shutil.which("promtool")
    if not path:
        sys.exit("metrics test: promtool not found after installing prometheus")
    return path


def wait_until(what, check):
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


def request(url, method="GET", body=None, headers=None):
    """(status, headers, body text) of one request; HTTP errors are answers too."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def answers(url):
    try:
        return request(url)[0] == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def sample(text, series):
    """The value of the sample line `series value`, or None."""
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line[len(series) + 1:])
    return None


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def exercise(base):
    """A few requests of each kind; returns what the main port answered."""
    status, headers, _ = request(base + "/api/v1/session")
    check(status == 200, f"GET /api/v1/session: {status}")
    cookie = headers.get("Set-Cookie", "")
    csrf = cookie.split("carelive_csrf=", 1)[1].split(";", 1)[0]
    status, _, body = request(base + "/api/v1/login", "POST",
                              {"login_id": "nobody@example.jp", "password": "Wrong#Pass2026"},
                              {"Content-Type": "application/json", "X-CSRF-Token": csrf,
                               "Cookie": f"carelive_csrf={csrf}", "Origin": base})
    check(status == 401 and json.loads(body)["error"]["code"] == "login_failed",
          f"wrong login: {status} {body}")
    status, _, body = request(base + "/login")
    check(status == 200 and "<title>CareLive" in body, "the web app's fallback page")
    for path in ("/api/v1/no-such-route/raw-path-marker", "/api"):
        status, headers, body = request(base + path)
        check(status == 404, f"{path}: {status}")
        check(json.loads(body)["error"]["code"] == "not_found", f"{path}: {body}")
    status, _, body = request(base + "/metrics")
    check(status == 404 and "<html" not in body.lower(), f"/metrics on the main port: {status}")
    status, headers, body = request(base + "/healthz")
    check(status == 200, f"/healthz: {status}")
    check(json.loads(body) == {"status": "ok", "store": "ok", "redis": "off"}, f"/healthz: {body}")


def check_scrape(metrics_url, promtool):
    status, headers, text = request(metrics_url)
    check(status == 200, f"GET /metrics: {status}")
    lint = subprocess.run([promtool, "check", "metrics"], input=text, text=True,
                          capture_output=True)
    check(lint.returncode == 0, f"promtool check metrics:\n{lint.stdout}{lint.stderr}")
    for family, kind in (("carelive_http_requests_total", "counter"),
                         ("carelive_http_request_duration_seconds", "histogram"),
                         ("carelive_websocket_connections", "gauge"),
                         ("carelive_calls_active", "gauge"),
                         ("carelive_messages_pending", "gauge"),
                         ("carelive_login_failures_total", "counter"),
                         ("carelive_push_sent_total", "counter"),
                         ("process_cpu_seconds_total", "counter"),
                         ("process_resident_memory_bytes", "gauge"),
                         ("process_open_fds", "gauge"),
                         ("process_start_time_seconds", "gauge")):
        check(f"# TYPE {family} {kind}\n" in text, f"{family} ({kind}) missing")
    check(sample(text, 'carelive_http_requests_total{route="/api/v1/session",status="200"}') == 1,
          "GET /api/v1/session not counted under its route")
    check(sample(text, 'carelive_http_requests_total{route="/api/v1/login",status="401"}') == 1,
          "the failed login not counted under its route")
    check(sample(text, 'carelive_http_requests_total{route="static",status="200"}') == 1,
          "the web app's page not counted as static")
    check(sample(text, 'carelive_http_requests_total{route="unmatched",status="404"}') == 3,
          "the 404s not counted as unmatched")
    check("raw-path-marker" not in text and "no-such-route" not in text,
          "a raw path became a label")
    check(sample(text, 'carelive_login_failures_total{reason="password"}') == 1,
          "the failed login not counted")
    check(sample(text, "carelive_websocket_connections") == 0, "websockets")
    check(sample(text, 'carelive_push_sent_total{result="sent"}') == 0, "nothing was pushed")
    check(sample(text, "carelive_messages_pending") is not None, "messages pending")
    check(sample(text, "process_open_fds") > 0, "process_open_fds")


def check_redis_down(binary, data):
    """With [redis] configured and nobody listening there: /healthz 200 "degraded"."""
    port, redis_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    config = os.path.join(data, "redis.toml")
    with open(os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
        f.write(f'[redis]\nurl = "redis://127.0.0.1:{redis_port}"\n')
    with open(os.path.join(data, "redis-console.log"), "wb") as console:
        proc = subprocess.Popen([binary, "serve", "--config", config, "--data", data,
                                 "--listen", f"127.0.0.1:{port}", "--public-url", base],
                                stdout=console, stderr=console)
        try:
            def degraded():
                if proc.poll() is not None:
                    raise AssertionError(f"server with [redis] exited with {proc.returncode}")
                try:
                    return request(base + "/healthz")
                except (urllib.error.URLError, ConnectionError, OSError):
                    return None

            status, _, body = wait_until("the server with [redis] answers /healthz", degraded)
            check(status == 200, f"/healthz with Redis down: {status}")
            check(json.loads(body) == {"status": "degraded", "store": "ok", "redis": "down"},
                  f"/healthz with Redis down: {body}")
            proc.send_signal(signal.SIGTERM)
            check(proc.wait(timeout=WAIT_SECONDS) == 0, "SIGTERM with [redis]: clean exit")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(root, "build", "carelive"))
    args = parser.parse_args()
    promtool = ensure_promtool()
    # The shipped scrape configuration and alert rules (docs/monitoring.md) are valid.
    deploy = os.path.join(root, "deploy", "prometheus")
    for what, name in (("config", "prometheus.yml"), ("rules", "carelive-alerts.yml")):
        run = subprocess.run([promtool, "check", what, os.path.join(deploy, name)],
                             capture_output=True, text=True)
        check(run.returncode == 0, f"promtool check {what} {name}:\n{run.stdout}{run.stderr}")

    data = tempfile.mkdtemp(prefix="carelive-metrics-")
    port, metrics_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    log_file = os.path.join(data, "log", "carelive.log")
    config = os.path.join(data, "carelive.toml")
    # 0600: the server refuses a config file other users may read (it holds secrets).
    with open(os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
        f.write(f'[server]\nlog_file = "{log_file}"\n\n'
                f'[metrics]\nlisten = "127.0.0.1:{metrics_port}"\n')
    # A web app of one page, so that a path the SPA fallback would take shows it.
    web = os.path.join(data, "web")
    os.mkdir(web)
    with open(os.path.join(web, "index.html"), "w") as f:
        f.write("<!doctype html><html><title>CareLive</title></html>")
    console = open(os.path.join(data, "console.log"), "wb")
    proc = subprocess.Popen([args.bin, "serve", "--config", config, "--data", data,
                             "--listen", f"127.0.0.1:{port}", "--public-url", base,
                             "--web", web],
                            stdout=console, stderr=console)
    ok = False
    try:
        def ready():
            if proc.poll() is not None:
                raise AssertionError(f"server exited with {proc.returncode}")
            return answers(base + "/healthz")

        wait_until("the server answers /healthz", ready)
        exercise(base)
        check_scrape(f"http://127.0.0.1:{metrics_port}/metrics", promtool)

        # logrotate: move the file away, then SIGHUP; the server reopens the configured path.
        with open(log_file) as f:
            check("listening on port" in f.read(), "the log file holds the server's lines")
        os.rename(log_file, log_file + ".1")
        proc.send_signal(signal.SIGHUP)
        wait_until("a new log file after SIGHUP", lambda: os.path.exists(log_file))
        check(proc.poll() is None, "the server died on SIGHUP")
        check(answers(base + "/healthz"), "the server answers after SIGHUP")
        wait_until("the reopened file says so",
                   lambda: "log file reopened" in open(log_file).read())
        with open(log_file + ".1") as f:
            check("log file reopened" not in f.read(), "the moved file kept being written")
        check(os.path.getsize(os.path.join(data, "console.log")) == 0,
              "with log_file set, nothing goes to stderr")

        proc.send_signal(signal.SIGTERM)
        check(proc.wait(timeout=WAIT_SECONDS) == 0, "SIGTERM: clean exit")
        check_redis_down(args.bin, data)
        ok = True
        print("metrics e2e: ok (promtool clean, 404s, /healthz JSON, SIGHUP reopened the log)")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        console.close()
        if ok:
            shutil.rmtree(data)
        else:
            print(f"metrics e2e: kept {data} (console.log, log/)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
