#!/usr/bin/env bash
# Make sure what the tests need from the system is there: Debian's Chromium and the Noto
# CJK fonts (the dashboard's browser tests drive /usr/bin/chromium with Playwright), and a
# PostgreSQL server on 127.0.0.1:5432 with trust authentication. Installs Debian's
# postgresql and starts a throwaway cluster when no server answers. PostgreSQL tests never
# skip.
set -euo pipefail

PGPORT=5432
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
pg_up() { pg_isready -q -h 127.0.0.1 -p "$PGPORT" 2>/dev/null; }

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# The dashboard's browser tests: Chromium, and fonts that draw Chinese; the report's tests
# render its PDF with poppler-utils (pdftoppm, pdftotext).
apt_install chromium fonts-noto-cjk poppler-utils

# The accessibility checks inject axe-core (npm, pinned in package-lock.json) into the pages.
if ! command -v npm >/dev/null 2>&1; then apt_install nodejs npm; fi
here=$(cd "$(dirname "$0")/.." && pwd)
locked=$(cd "$here" && node -p "require('./package-lock.json').packages['node_modules/axe-core'].version")
installed=$(cd "$here" && node -p "require('./node_modules/axe-core/package.json').version" 2>/dev/null || true)
if [ "$locked" != "$installed" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi

if ! command -v pg_isready >/dev/null 2>&1; then apt_install postgresql-client; fi

if pg_up; then
  echo "PostgreSQL answers on 127.0.0.1:$PGPORT"
  exit 0
fi

# A cluster that is installed but stopped: start it.
if command -v pg_lsclusters >/dev/null 2>&1 && [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
  ver=$(pg_lsclusters -h | awk 'NR==1{print $1}')
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 1 20); do pg_up && break; sleep 0.5; done
  if pg_up && psql -h 127.0.0.1 -p "$PGPORT" -U postgres -c 'select 1' >/dev/null 2>&1; then
    echo "started PostgreSQL cluster $ver"
    exit 0
  fi
fi

# No usable server: install Debian's postgresql and run a throwaway trust-auth cluster.
apt_install postgresql
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
datadir=$(mktemp -d /tmp/qcity-pg.XXXXXX)
chown postgres:postgres "$datadir"
runuser -u postgres -- "$bindir/initdb" -D "$datadir" -A trust -U postgres >/dev/null
runuser -u postgres -- "$bindir/pg_ctl" -D "$datadir" -l "$datadir/log" -w \
  -o "-h 127.0.0.1 -p $PGPORT -k /tmp" start
pg_up || { echo "PostgreSQL did not start; see $datadir/log" >&2; exit 1; }
echo "started a throwaway PostgreSQL cluster in $datadir"
