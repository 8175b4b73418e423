#!/usr/bin/env bash
# The Debian package as a facility's IT person installs it (issue 10, SPEC "Version and
# service"): build it, `apt-get install ./dist/…deb`, check the layout, the user, the modes and
# the unit; run the unit's ExecStart as the service user and ask /healthz; `carelive admin` as
# root keeps the data folder's files owned by the service user; the installed service behind
# nginx with TLS in Chromium; remove and purge keep the data.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "package test FAILED: $*" >&2; exit 1; }

# A data folder this test makes is removed at its end (a later install would adopt it);
# one that was here before is left alone.
had_data=$([ -e /var/lib/carelive ] && echo yes || true)
had_logs=$([ -e /var/log/carelive ] && echo yes || true)

deb=$(bash scripts/package.sh | tail -1)
[ -f "$deb" ] || fail "no package built"
case "$(basename "$deb")" in carelive_*_*.deb) ;; *) fail "unexpected name $deb" ;; esac
version=$(dpkg-deb -f "$deb" Version)
dpkg-deb -f "$deb" Depends | grep -q 'libsodium' || fail "Depends lacks the linked libraries"
dpkg-deb -e "$deb" /tmp/carelive-deb-control.$$
grep -qx '/etc/carelive/carelive.toml' /tmp/carelive-deb-control.$$/conffiles || fail "config is not a conffile"
grep -qx '/etc/logrotate.d/carelive' /tmp/carelive-deb-control.$$/conffiles || fail "logrotate file is not a conffile"
rm -rf /tmp/carelive-deb-control.$$

echo "==> apt-get install $deb"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "./$deb" >/dev/null

[ "$(/usr/bin/carelive --version)" = "carelive $version" ] || fail "--version: $(/usr/bin/carelive --version)"
[ -f /usr/share/carelive/web/index.html ] || fail "web app not in /usr/share/carelive/web"
[ -f /lib/systemd/system/carelive.service ] || fail "no unit"
getent passwd carelive >/dev/null || fail "no user carelive"
[ "$(stat -c '%a %U:%G' /var/lib/carelive)" = "750 carelive:carelive" ] || fail "data folder: $(stat -c '%a %U:%G' /var/lib/carelive)"
[ "$(stat -c '%a %U:%G' /etc/carelive/carelive.toml)" = "640 root:carelive" ] || fail "config: $(stat -c '%a %U:%G' /etc/carelive/carelive.toml)"
[ "$(stat -c '%a %U' /var/lib/carelive/secret.key)" = "600 carelive" ] || fail "secret: $(stat -c '%a %U' /var/lib/carelive/secret.key 2>&1)"
secret_before=$(sha256sum /var/lib/carelive/secret.key)
[ "$(stat -c '%a %U:%G' /var/log/carelive)" = "750 carelive:carelive" ] || fail "log folder: $(stat -c '%a %U:%G' /var/log/carelive)"

echo "==> every file the installed manual names as shipped"
# docs/operations.md "Install": the table's paths, the examples it lists, every
# /usr/share/doc/carelive/… path in the installed docs, and the docs' relative links.
doc=/usr/share/doc/carelive/operations.md
[ -f "$doc" ] || fail "operations.md not installed"
shipped=$(sed -n '/^## Install/,/^## First start/p' "$doc" | grep -o '^| `/[^`]*`' | tr -d '|` ')
[ "$(echo "$shipped" | wc -l)" -ge 8 ] || fail "the Install table of operations.md names too few paths: $shipped"
examples=$(grep '^| `/usr/share/doc/carelive/examples/`' "$doc" | cut -d'|' -f3 | grep -o '`[^`]*`' | tr -d '`')
[ -n "$examples" ] || fail "operations.md lists no examples"
for f in $examples; do shipped="$shipped /usr/share/doc/carelive/examples/$f"; done
shipped="$shipped $(grep -oh '/usr/share/doc/carelive/[A-Za-z0-9._/-]*[A-Za-z0-9_-]' /usr/share/doc/carelive/*.md | sort -u)"
for md in /usr/share/doc/carelive/*.md; do
  for link in $(grep -o '](\([a-z_-]*\.md\)' "$md" | sed 's/^](//'); do
    shipped="$shipped /usr/share/doc/carelive/$link"
  done
done
missing=""
for f in $shipped; do [ -e "$f" ] || missing="$missing $f"; done
[ -z "$missing" ] || fail "named in the installed docs but not shipped:$missing"
[ -x /usr/share/doc/carelive/examples/certbot-deploy-hook ] || fail "the certbot deploy hook is not executable"
if command -v logrotate >/dev/null 2>&1; then
  logrotate -d /etc/logrotate.d/carelive > /tmp/carelive-logrotate.$$ 2>&1 \
    || { cat /tmp/carelive-logrotate.$$; fail "logrotate -d refuses /etc/logrotate.d/carelive"; }
  if grep -qi 'error' /tmp/carelive-logrotate.$$; then cat /tmp/carelive-logrotate.$$; fail "logrotate -d reports errors"; fi
  rm -f /tmp/carelive-logrotate.$$
fi

if command -v systemd-analyze >/dev/null 2>&1; then
  echo "==> systemd-analyze verify"
  systemd-analyze verify /lib/systemd/system/carelive.service 2>&1 | grep -v 'Failed to connect\|not running' | tee /tmp/carelive-verify.$$ || true
  if grep -qi 'carelive.service' /tmp/carelive-verify.$$; then rm -f /tmp/carelive-verify.$$; fail "unit does not verify"; fi
  # The template, as an instance (carelive@pkgtest: --config /etc/carelive/pkgtest.toml).
  mkdir -p /tmp/carelive-units.$$
  cp /lib/systemd/system/carelive@.service /tmp/carelive-units.$$/carelive@pkgtest.service
  systemd-analyze verify /tmp/carelive-units.$$/carelive@pkgtest.service 2>&1 | grep -v 'Failed to connect\|not running' | tee /tmp/carelive-verify.$$ || true
  rm -rf /tmp/carelive-units.$$
  if grep -qi 'carelive@' /tmp/carelive-verify.$$; then rm -f /tmp/carelive-verify.$$; fail "template unit does not verify"; fi
  grep -qx 'ExecStart=/usr/bin/carelive serve --config /etc/carelive/%i.toml' /lib/systemd/system/carelive@.service \
    || fail "template unit's ExecStart"
  rm -f /tmp/carelive-verify.$$
fi

echo "==> the unit's ExecStart as the service user"
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/carelive.service)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
runuser -u carelive -- $exec_start --listen "127.0.0.1:$port" --public-url "http://127.0.0.1:$port" \
  > /tmp/carelive-pkg.$$.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat /tmp/carelive-pkg.$$.log; fail "no /healthz"; }
curl -fsS "http://127.0.0.1:$port/login" | grep -q '<div id="app"' || fail "the web app is not served"

echo "==> carelive admin as root keeps the service user's files"
code="pkg$$"
carelive admin --config /etc/carelive/carelive.toml facility add --code "$code" --name ふじ園 --kind 老人保健施設 >/dev/null
bad=$(find /var/lib/carelive ! -user carelive -print)
[ -z "$bad" ] || fail "files not owned by carelive: $bad"
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || fail "the service stopped after an admin command"
kill "$server"; wait "$server" 2>/dev/null || true
trap - EXIT

echo "==> the installed service behind the shipped nginx site over HTTPS (Playwright)"
# web/e2e/behind-nginx.spec.ts on the package: the unit's ExecStart as its user, on the installed
# config and data; a family idle 75 s on the call screen, then frames both ways.
(cd web && CARELIVE_INSTALLED=1 npx playwright test e2e/behind-nginx.spec.ts --retries=1)
bad=$(find /var/lib/carelive ! -user carelive -print)
[ -z "$bad" ] || fail "files not owned by carelive after the browser run: $bad"

echo "==> reinstall keeps the secret; remove and purge keep the data"
apt-get install -y -qq --reinstall "./$deb" >/dev/null
[ "$(sha256sum /var/lib/carelive/secret.key)" = "$secret_before" ] || fail "reinstall changed the secret"
apt-get purge -y -qq carelive >/dev/null
[ ! -e /usr/bin/carelive ] || fail "binary left after purge"
[ ! -e /etc/carelive/carelive.toml ] || fail "config left after purge"
[ -f /var/lib/carelive/secret.key ] || fail "purge deleted the data folder"
rm -f /tmp/carelive-pkg.$$.log
[ -n "$had_data" ] || rm -rf /var/lib/carelive
[ -n "$had_logs" ] || rm -rf /var/log/carelive
echo "package test: $(basename "$deb") installs, serves, keeps ownership and data"
