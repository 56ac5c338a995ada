#!/usr/bin/env bash
# Load benchmark (not a timed test): many visitors while the collector syncs.
#
#   benches/load.sh [scale]          (default: large)
#
# Collects the simulated organisation into a database (reused from LOAD_WORK when present), then
# serves it and, for LOAD_SECONDS (60), sends the main pages over LOAD_CONNECTIONS (64) keep-alive
# connections (wrk -t2, each request the next URL of the list: overview, repository, organisation,
# impact report, funding, ledger, finder, status) while `upkeep collect` runs back to back against
# the simulator after it moved 1% of the items one simulated day: every sync moves the data
# version twice, so the render cache goes stale and re-renders throughout. Reports requests/s,
# latency p50/p90/p99/max, non-200 answers, socket errors and timeouts (wrk --timeout 10s), the
# syncs finished, the server's RSS every 5 s, and the render cache's counters from /metrics.
# Goals (issue): 0 errors, 0 timeouts, p99 <= 100 ms, RSS flat.
#
# Environment: LOAD_WORK=dir keeps (and reuses) the database and logs; LOAD_SECONDS,
# LOAD_CONNECTIONS. Needs wrk (installed with apt-get when root and missing).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-large}
SECS=${LOAD_SECONDS:-60} CONNS=${LOAD_CONNECTIONS:-64}

cargo build --release --quiet
BIN=$PWD/target/release/upkeep
if [ -n "${LOAD_WORK:-}" ]; then WORK=$LOAD_WORK; mkdir -p "$WORK"; KEEP=1; else WORK=$(mktemp -d); KEEP=0; fi
. benches/lib.sh
if ! command -v wrk > /dev/null && [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    apt-get install -y wrk > "$WORK/apt.log" 2>&1 || true
fi
command -v wrk > /dev/null || { echo "benches/load.sh needs wrk" >&2; exit 1; }

unset GITHUB_TOKEN GH_TOKEN
DB=$WORK/load-$SCALE.db
SIM_PORT=$(free_port)
"$BIN" sim --port "$SIM_PORT" --scale "$SCALE" --rate-limit 100000000 > "$WORK/sim.log" 2>&1 &
PIDS+=("$!")
wait_for "http://127.0.0.1:$SIM_PORT/_sim/totals" 600 "$WORK/totals.json"
export UPKEEP_GITHUB__API_URL="http://127.0.0.1:$SIM_PORT" UPKEEP_SOURCES__ORGS=upkeep-sim UPKEEP_SOURCES__REPOS= \
       UPKEEP_FUNDING__OPEN_COLLECTIVE_URL="http://127.0.0.1:$SIM_PORT/opencollective/graphql/v2" \
       UPKEEP_SOURCES__INCLUDE_ARCHIVED=true UPKEEP_DATABASE__PATH="$DB" UPKEEP_COLLECTOR__RESERVE=0
if [ ! -s "$DB" ]; then
    echo "== $SCALE: collecting into $DB" >&2
    "$BIN" --config /dev/null collect --json > "$WORK/collect-full.json" 2> "$WORK/collect-full.log"
else
    echo "== $SCALE: reusing $DB (an unchanged re-sync first)" >&2
    "$BIN" --config /dev/null collect --json > "$WORK/collect-full.json" 2> "$WORK/collect-full.log"
fi
curl -fs -X POST "http://127.0.0.1:$SIM_PORT/_sim/advance?days=1&fraction=0.01" > "$WORK/advance.json"

PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
UPKEEP_SERVER__BIND="127.0.0.1:$PORT" UPKEEP_COLLECTOR__SYNC_ON_START=false \
    "$BIN" --config /dev/null serve > "$WORK/serve.log" 2>&1 &
SRV=$!; PIDS+=("$SRV")
wait_for "$BASE/healthz" 120
REPO=$(python3 -c 'import json,sys; print(max(json.load(open(sys.argv[1])), key=lambda t: t["issues_and_prs"])["name"])' "$WORK/totals.json")
PATHS=("/" "/repos/upkeep-sim/$REPO" "/orgs/upkeep-sim" "/reports/upkeep-sim/$REPO" "/funding"
       "/funding/upkeep-sim/$REPO" "/newcomers" "/status")
echo "== warming the ${#PATHS[@]} pages once (what a visitor before the test would have done)" >&2
for p in "${PATHS[@]}"; do curl -fs -o /dev/null "$BASE$p"; done

{
    echo 'local paths = {'
    for p in "${PATHS[@]}"; do echo "  \"$p\","; done
    echo '}'
    cat <<'LUA'
-- Each request takes the next path; counts answers by status over all threads.
local threads = {}
local i = 0
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; other = 0 end
function request() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
function response(status, headers, body) if status == 200 then ok = ok + 1 else other = other + 1 end end
function done(summary, latency, requests)
  local o, n = 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); n = n + t:get("other") end
  io.write(string.format("STATUS ok=%d non200=%d connect=%d read=%d write=%d timeout=%d\n", o, n,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("LATENCY p50=%d p90=%d p99=%d max=%d\n", latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
LUA
} > "$WORK/paths.lua"

# A reused work dir keeps the last run's stop flag and sync summaries: without this, no sync
# would run and the summary would quote the old ones.
rm -f "$WORK/stop" "$WORK"/sync-*.json "$WORK"/sync-*.log
echo "== $SECS s of $CONNS connections while syncs run" >&2
( # the collector, back to back, until the load ends
    n=0
    while [ ! -e "$WORK/stop" ]; do
        n=$((n + 1))
        "$BIN" --config /dev/null collect --json > "$WORK/sync-$n.json" 2> "$WORK/sync-$n.log" || true
        curl -fs -X POST "http://127.0.0.1:$SIM_PORT/_sim/advance?days=1&fraction=0.01" > /dev/null || true
    done
) &
SYNCS=$!; PIDS+=("$SYNCS")
( while kill -0 "$SRV" 2>/dev/null && [ ! -e "$WORK/stop" ]; do
      awk '/VmRSS/ {print $2}' "/proc/$SRV/status"; sleep 5
  done ) > "$WORK/rss.txt" &
RSS=$!; PIDS+=("$RSS")
wrk -t2 -c"$CONNS" -d"${SECS}s" --timeout 10s -s "$WORK/paths.lua" "$BASE" > "$WORK/wrk.txt" 2>&1
touch "$WORK/stop"
wait "$SYNCS" 2>/dev/null || true
curl -fs "$BASE/metrics" > "$WORK/metrics.txt" || true

python3 - "$WORK" "$SCALE" "$SECS" "$CONNS" <<'PY'
import glob, json, re, sys
work, scale, secs, conns = sys.argv[1:]
w = open(f"{work}/wrk.txt").read()
st = dict(re.findall(r"(\w+)=(\d+)", re.search(r"STATUS (.*)", w).group(1)))
lat = {k: int(v) / 1000 for k, v in re.findall(r"(\w+)=(\d+)", re.search(r"LATENCY (.*)", w).group(1))}
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", w).group(1))
syncs = []
for f in sorted(glob.glob(f"{work}/sync-*.json")):
    try:
        s = json.load(open(f))
        syncs.append(s)
    except Exception:
        pass
rss = [int(x) / 1024 for x in open(f"{work}/rss.txt").read().split()]
errors = int(st["connect"]) + int(st["read"]) + int(st["write"])
print(f"scale {scale}: {conns} connections for {secs} s over 8 pages while the collector synced back to back")
print(f"requests/s {rps:.0f}; answers 200: {st['ok']}, non-200: {st['non200']}; socket errors {errors}, timeouts {st['timeout']}")
print(f"latency ms: p50 {lat['p50']:.1f}  p90 {lat['p90']:.1f}  p99 {lat['p99']:.1f}  max {lat['max']:.1f}")
took = ", ".join("%.1f s" % s["seconds"] for s in syncs)
failed = sum(len(s.get("failed_repos", [])) for s in syncs)
print(f"syncs finished during the load: {len(syncs)} ({took}); failed repos {failed}")
print(f"server RSS MB every 5 s: {' '.join(f'{r:.0f}' for r in rss)}")
for line in open(f"{work}/metrics.txt"):
    if line.startswith("upkeep_render_cache_total"):
        print("  " + line.strip())
ok = errors == 0 and st["timeout"] == "0" and st["non200"] == "0" and lat["p99"] <= 100
flat = len(rss) >= 2 and max(rss[len(rss) // 2:]) <= 1.25 * max(rss[: len(rss) // 2])
print(f"goal 0 errors, 0 timeouts, p99 <= 100 ms: {'PASS' if ok else 'MISS'}")
print(f"goal RSS flat (second half's peak within 25% of the first half's): {'PASS' if flat else 'MISS'}")
PY
if [ "$KEEP" = 1 ]; then echo "database and logs kept in $WORK"; fi
