#!/usr/bin/env python3
"""Checks docs/architecture.md's dependency rule: a folder of src/ includes only folders below it.

    core, metrics  <  store, auth  <  notify, push, audit  <  http  <  pass  <  live  <  calls  <  admin, app

A domain's services never see HTTP: only its HTTP-facing files include http/ — route files
(*routes*), the consoles' JSON shapes (*_json.hpp) and the call hub, which is the WebSocket
endpoint (hub.*). metrics/ sees none of ours but core/, and only app (serve.cpp) sees it: the
server and the services are handed callbacks. push/ (Web Push: keys, encryption, delivery, devices) sees
core/, store/ and audit/ only. Tests and test support headers may include anything. Exits 1 and names every include that looks up.
"""
import pathlib
import re
import sys

LAYER = {"core": 0, "metrics": 0, "store": 1, "auth": 1, "notify": 2, "push": 2, "audit": 2, "http": 3,
         "pass": 4, "live": 5, "calls": 6, "admin": 7, "app": 7}
DOMAINS = {"pass", "live", "calls"}
HTTP_FACING = re.compile(r"routes|_json\.hpp$|^hub\.")
INCLUDE = re.compile(r'^#include "([^"]+)"', re.M)


def folder_of(path: str) -> str:
    parts = path.split("/")
    return parts[0] if len(parts) > 1 else "app"  # src/app.*, src/config.*, src/main.cpp


def main() -> int:
    src = pathlib.Path(__file__).resolve().parent.parent / "src"
    problems = []
    for file in sorted(src.rglob("*.[ch]pp")):
        rel = file.relative_to(src).as_posix()
        if rel.endswith("_test.cpp") or "test_support" in rel or rel.startswith("testing/"):
            continue
        me = folder_of(rel)
        for target in INCLUDE.findall(file.read_text(encoding="utf-8")):
            other = folder_of(target)
            if other not in LAYER:
                continue
            if LAYER[other] > LAYER[me]:
                problems.append(f"{rel}: includes {target} ({other} is above {me})")
            elif other == "metrics" and me not in ("app", "metrics"):
                problems.append(f"{rel}: includes {target} (only serve() sees the metrics)")
            elif me == "metrics" and other not in ("core", "metrics"):
                problems.append(f"{rel}: includes {target} (metrics/ sees core/ only)")
            elif me == "push" and other not in ("core", "store", "audit", "push"):
                problems.append(f"{rel}: includes {target} (push/ sees core/, store/ and audit/ only)")
            elif other == "http" and me in DOMAINS and not HTTP_FACING.search(file.name):
                problems.append(f"{rel}: includes {target} (only HTTP-facing files see HTTP)")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) break the layering of docs/architecture.md")
        return 1
    print("layering: every include looks down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
