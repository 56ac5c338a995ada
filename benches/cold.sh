#!/usr/bin/env bash
# Cold-page benchmark (not a timed test): what the first visitor of a page pays, with nothing in
# the render cache.
#
#   benches/cold.sh [scales...]          (default: small large)
#
# For each scale: generates the simulated organisation and collects it into a fresh database
# (reused when COLD_WORK already holds one), serves it offline, and GETs 20 distinct URLs of each
# page once, in order, over one keep-alive connection (benches/loadgen.py cold). Distinct URLs are
# distinct render-cache keys, so every answer is rendered: dashboards and the impact report get 20
# different 90-day periods (`from`/`to`), the finder 20 `freshness` values, and pages without
# parameters an unused `bench=N` (a page ignores parameters it does not read; the cache keys on the
# whole URL). Reports p50 and p99 (nearest rank) per page, the goal (p99 <= 30 ms at `large`), and
# growth small -> large (goal <= 2x).
#
# Warm: right after a page's cold pass, the same URLs are asked again in the same order, so each
# answer is that URL's second GET (a render-cache hit); reported as warm p50 / p99.
#
# Environment: UPKEEP_BIN=path measures that binary (default: builds this checkout); COLD_WORK=dir keeps (and reuses) the databases and logs there (default: a temp dir,
# removed); COLD_URLS (20) distinct URLs per page.
#
# PostgreSQL (issue #14, item 5): COLD_BACKEND=postgres with COLD_POSTGRES_URL=postgres://USER@HOST/DB
# (a database used for administration only, as UPKEEP_TEST_POSTGRES_URL; `.ci/postgres.sh start`
# prints one) serves each scale from the database `upkeep_cold_<scale>` on that server instead. The
# script makes it (LC_COLLATE 'C', with psql) and fills it with `upkeep db copy` from the SQLite
# database it made or reused, timed by /usr/bin/time -v (wall, peak RSS: reported at the end). A
# database copied before holds the same data, so the copy is a no-op; after a new SQLite database
# it is dropped and copied anew. Results of the two backends go to separate files in COLD_WORK.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=("$@")
[ ${#SCALES[@]} -eq 0 ] && SCALES=(small large)
N=${COLD_URLS:-20}

# UPKEEP_BIN=path measures another build (an A/B against an older commit) instead of this one.
if [ -n "${UPKEEP_BIN:-}" ]; then BIN=$UPKEEP_BIN; else cargo build --release --quiet; BIN=$PWD/target/release/upkeep; fi
LOADGEN=$PWD/benches/loadgen.py
if [ -n "${COLD_WORK:-}" ]; then WORK=$COLD_WORK; mkdir -p "$WORK"; KEEP=1; else WORK=$(mktemp -d); KEEP=0; fi

. benches/lib.sh

BACKEND=${COLD_BACKEND:-sqlite}
case "$BACKEND" in
    sqlite) SUFFIX="" ;;
    postgres)
        SUFFIX="-postgres"
        [ -n "${COLD_POSTGRES_URL:-}" ] || { echo "COLD_BACKEND=postgres needs COLD_POSTGRES_URL" >&2; exit 2; }
        PSQL=$(command -v psql || ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1 || true)
        [ -x "$PSQL" ] || { echo "COLD_BACKEND=postgres needs psql" >&2; exit 2; }
        ;;
    *) echo "COLD_BACKEND is sqlite or postgres, not $BACKEND" >&2; exit 2 ;;
esac
# COLD_POSTGRES_URL with its database replaced by $1.
pg_url() { python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$COLD_POSTGRES_URL" "$1"; }
pg_admin() { "$PSQL" -X -q -v ON_ERROR_STOP=1 "$COLD_POSTGRES_URL" -c "$1" >&2; }

unset GITHUB_TOKEN GH_TOKEN
for SCALE in "${SCALES[@]}"; do
    DB=$WORK/cold-$SCALE.db
    FRESH=0
    if [ ! -s "$DB" ] || [ ! -s "$WORK/totals-$SCALE.json" ]; then
        FRESH=1
        echo "== $SCALE: generating the simulated organisation" >&2
        rm -f "$DB" "$DB-wal" "$DB-shm"
        SIM_PORT=$(free_port)
        "$BIN" sim --port "$SIM_PORT" --scale "$SCALE" --rate-limit 100000000 > "$WORK/sim-$SCALE.log" 2>&1 &
        SIM=$!; PIDS+=("$SIM")
        wait_for "http://127.0.0.1:$SIM_PORT/_sim/totals" 600 "$WORK/totals-$SCALE.json"
        echo "== $SCALE: collecting into $DB" >&2
        UPKEEP_GITHUB__API_URL="http://127.0.0.1:$SIM_PORT" UPKEEP_SOURCES__ORGS=upkeep-sim UPKEEP_SOURCES__REPOS= \
        UPKEEP_FUNDING__OPEN_COLLECTIVE_URL="http://127.0.0.1:$SIM_PORT/opencollective/graphql/v2" \
        UPKEEP_SOURCES__INCLUDE_ARCHIVED=true UPKEEP_DATABASE__PATH="$DB" UPKEEP_COLLECTOR__RESERVE=0 \
            timeout 1800 "$BIN" --config /dev/null collect --json > "$WORK/collect-$SCALE.json" 2> "$WORK/collect-$SCALE.log"
        stop "$SIM"
    else
        echo "== $SCALE: reusing $DB" >&2
    fi

    STORE=(UPKEEP_DATABASE__PATH="$DB")
    if [ "$BACKEND" = postgres ]; then
        PGDB=upkeep_cold_$SCALE
        PGURL=$(pg_url "$PGDB")
        if [ "$FRESH" = 1 ]; then pg_admin "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)"; fi
        if [ "$("$PSQL" -X -tA "$COLD_POSTGRES_URL" -c "SELECT COUNT(*) FROM pg_database WHERE datname = '$PGDB'")" = 0 ]; then
            pg_admin "CREATE DATABASE $PGDB TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        fi
        echo "== $SCALE: upkeep db copy into the database $PGDB of COLD_POSTGRES_URL's server" >&2
        /usr/bin/time -v -o "$WORK/copy-$SCALE.time" "$BIN" --config /dev/null db copy --from "sqlite://$DB" --to "$PGURL" \
            > "$WORK/copy-$SCALE.out" 2> "$WORK/copy-$SCALE.log" || { cat "$WORK/copy-$SCALE.log" >&2; exit 1; }
        cat "$WORK/copy-$SCALE.out" >&2
        STORE=(UPKEEP_DATABASE__URL="$PGURL")
    fi

    REPO=$(python3 -c 'import json,sys; print(max(json.load(open(sys.argv[1])), key=lambda t: t["issues_and_prs"])["name"])' "$WORK/totals-$SCALE.json")
    PORT=$(free_port)
    env "${STORE[@]}" UPKEEP_SERVER__BIND="127.0.0.1:$PORT" UPKEEP_COLLECTOR__SYNC_ON_START=false \
    UPKEEP_SOURCES__ORGS=upkeep-sim UPKEEP_SOURCES__INCLUDE_ARCHIVED=true \
    UPKEEP_GITHUB__API_URL=http://127.0.0.1:9 "$BIN" --config /dev/null serve > "$WORK/serve-$SCALE$SUFFIX.log" 2>&1 &
    SRV=$!; PIDS+=("$SRV")
    BASE=http://127.0.0.1:$PORT
    # The server computes every page's present state before it listens (longer on PostgreSQL).
    wait_for "$BASE/healthz" 600
    echo "== $SCALE ($BACKEND): measuring $N cold URLs per page, then each again warm (biggest repository: $REPO)" >&2
    python3 - "$BASE" "$REPO" "$N" "$LOADGEN" "$WORK/$SCALE$SUFFIX" <<'PY'
import datetime, json, subprocess, sys
base, repo, n, loadgen, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
today = datetime.date.today()
def period(i):  # a 90-day period ending i days before today, as from/to dates
    to = today - datetime.timedelta(days=i)
    return f"from={to - datetime.timedelta(days=90)}&to={to}"
pages = {
    "overview": [f"{base}/?{period(i)}" for i in range(n)],
    "repository": [f"{base}/repos/upkeep-sim/{repo}?{period(i)}" for i in range(n)],
    "organisation": [f"{base}/orgs/upkeep-sim?{period(i)}" for i in range(n)],
    "impact report": [f"{base}/reports/upkeep-sim/{repo}?{period(i)}" for i in range(n)],
    "funding": [f"{base}/funding?bench={i}" for i in range(n)],
    "ledger": [f"{base}/funding/upkeep-sim/{repo}?bench={i}" for i in range(n)],
    "newcomers": [f"{base}/newcomers?freshness={3000 + i}" for i in range(n)],
    # /status takes only `run`; the same URL each time (it is not render-cached today).
    "status": [f"{base}/status" for i in range(n)],
}
results, warm = {}, {}
for name, urls in pages.items():
    r = subprocess.run([sys.executable, loadgen, "cold", *urls], capture_output=True, text=True, check=True)
    results[name] = json.loads(r.stdout)
    # The same URLs again: each one's second GET.
    r = subprocess.run([sys.executable, loadgen, "cold", *urls], capture_output=True, text=True, check=True)
    warm[name] = json.loads(r.stdout)
json.dump(results, open(f"{out}-cold.json", "w"))
json.dump(warm, open(f"{out}-warm.json", "w"))
PY
    stop "$SRV"
done

python3 - "$WORK" "$N" "$BACKEND" "$SUFFIX" "${SCALES[@]}" <<'PY'
import json, re, sys
work, n, backend, suffix, scales = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
res = {s: json.load(open(f"{work}/{s}{suffix}-cold.json")) for s in scales}
warm = {s: json.load(open(f"{work}/{s}{suffix}-warm.json")) for s in scales}
print(f"backend: {backend}")
for s in scales:
    totals = json.load(open(f"{work}/totals-{s}.json"))
    big = max(totals, key=lambda t: t["issues_and_prs"])
    print(f"{s}: {len(totals)} repos; biggest {big['name']}: {big['issues_and_prs']} issues+PRs, "
          f"{big['issue_comments']} comments")
    if backend == "postgres":
        t = open(f"{work}/copy-{s}.time").read()
        wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", t).group(1)
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
        print(f"  db copy into PostgreSQL: wall {wall}, peak RSS {rss / 1024:.0f} MiB; "
              + open(f"{work}/copy-{s}.out").read().strip().replace(chr(10), "; "))
print(f"cold: {n} distinct URLs per page, one GET each over one keep-alive connection; warm: each URL's "
      "second GET; p50 / p99 nearest rank, ms")
for title, table in (("cold", res), ("warm", warm)):
    hdr = f"{title + ' page':19}" + "".join(f" {s + ' p50':>11} {s + ' p99':>11} {'KiB':>6} {'non-200':>7}" for s in scales)
    print(hdr); print("-" * len(hdr))
    for page in table[scales[0]]:
        line = f"{page:19}"
        for s in scales:
            r = table[s][page]
            line += f" {r['median_ms']:11.1f} {r['p99_ms']:11.1f} {r['bytes'] / 1024:6.0f} {r['non_200']:7}"
        print(line)
goal = "large" if "large" in res else scales[-1]
print()
for page, r in res[goal].items():
    ok = r["p99_ms"] <= 30 and r["non_200"] == 0
    growth = ""
    if "small" in res and goal != "small":
        g = r["p99_ms"] / res["small"][page]["p99_ms"]
        growth = f"; growth small -> {goal} p99 {g:.2f}x {'PASS' if g <= 2 else 'MISS'}"
    print(f"goal {page}: cold p99 {r['p99_ms']:.1f} ms <= 30 ms at {goal} {'PASS' if ok else 'MISS'}{growth}")
PY
if [ "$KEEP" = 1 ]; then echo "databases and logs kept in $WORK"; fi
