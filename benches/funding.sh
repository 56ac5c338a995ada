#!/usr/bin/env bash
# Funder-page benchmark (not a timed test): render times of `/funding`, the ledger and the impact
# report (HTML, Markdown, JSON API) and the goal widget on a synced simulated organisation.
#
#   benches/funding.sh [small|medium|large]     (default: medium)
#
# Generates the organisation, collects it (Open Collective from the simulator too) into a fresh
# database, then serves it offline with a grant on the biggest repository and measures, over one
# keep-alive connection (benches/loadgen.py):
#   - cold: N distinct URLs, each the first request for it (a render-cache miss: the page is
#     loaded, computed and rendered). The funding pages ignore an unknown `n=` parameter, so
#     `?n=i` makes distinct URLs; reports get distinct `from` dates;
#   - warm: 300 GETs of one URL after 20 warm-up (served from the render cache).
# Environment: FUNDING_WORK=dir keeps the database and logs there; FUNDING_COLD (20) cold URLs each.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-medium}
COLD=${FUNDING_COLD:-20}
cargo build --release --quiet
BIN=$PWD/target/release/upkeep
LOADGEN=$PWD/benches/loadgen.py
if [ -n "${FUNDING_WORK:-}" ]; then WORK=$FUNDING_WORK; mkdir -p "$WORK"; KEEP=1; else WORK=$(mktemp -d); KEEP=0; fi
. benches/lib.sh
unset GITHUB_TOKEN GH_TOKEN

echo "== $SCALE: generating the simulated organisation" >&2
SIM_PORT=$(free_port)
"$BIN" sim --port "$SIM_PORT" --scale "$SCALE" --rate-limit 100000000 > "$WORK/sim.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$SIM_PORT/_sim/totals" 900 "$WORK/totals.json"
REPO=$(python3 -c 'import json,sys; print(max(json.load(open(sys.argv[1])), key=lambda t: t["issues_and_prs"])["name"])' "$WORK/totals.json")
YEAR_AGO=$(date -u -d '-6 months' +%F); YEAR_ON=$(date -u -d '+6 months' +%F)
cat > "$WORK/config.toml" <<TOML
[[funding.grants]]
funder = "Bench Foundation"
amount = 120000
currency = "USD"
start = "$YEAR_AGO"
end = "$YEAR_ON"
repos = ["upkeep-sim/$REPO"]
purpose = "Maintenance"
TOML
export UPKEEP_GITHUB__API_URL="http://127.0.0.1:$SIM_PORT" UPKEEP_SOURCES__ORGS=upkeep-sim UPKEEP_SOURCES__REPOS= \
       UPKEEP_SOURCES__INCLUDE_ARCHIVED=true UPKEEP_DATABASE__PATH="$WORK/funding.db" UPKEEP_COLLECTOR__RESERVE=0 \
       UPKEEP_FUNDING__OPEN_COLLECTIVE_URL="http://127.0.0.1:$SIM_PORT/opencollective/graphql/v2"
echo "== $SCALE: collecting" >&2
rm -f "$WORK/funding.db"*
timeout 1800 "$BIN" --config "$WORK/config.toml" collect --json > "$WORK/collect.json" 2> "$WORK/collect.log"

PORT=$(free_port)
UPKEEP_SERVER__BIND="127.0.0.1:$PORT" UPKEEP_COLLECTOR__SYNC_ON_START=false \
    "$BIN" --config "$WORK/config.toml" serve > "$WORK/serve.log" 2>&1 &
PIDS+=($!)
BASE=http://127.0.0.1:$PORT
wait_for "$BASE/healthz" 120
R=upkeep-sim/$REPO
echo "== $SCALE: measuring (biggest repository: $R)" >&2
python3 - "$BASE" "$R" "$COLD" "$LOADGEN" "$WORK" "$SCALE" <<'PY'
import http.client, json, math, subprocess, sys, time, urllib.parse, datetime
base, repo, cold, loadgen, work, scale = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
u = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
def timed(path):
    t = time.perf_counter(); conn.request("GET", path); r = conn.getresponse(); body = r.read()
    return (time.perf_counter() - t) * 1000, r.status, len(body)
rank = lambda xs, p: sorted(xs)[max(0, math.ceil(p / 100 * len(xs)) - 1)]
today = datetime.date.today()
pages = {
    "/funding": lambda i: f"/funding?n={i}",
    f"/funding/{repo}": lambda i: f"/funding/{repo}?n={i}",
    f"/reports/{repo}": lambda i: f"/reports/{repo}?from={today - datetime.timedelta(days=200 + i)}",
    f"/reports/{repo}?format=md": lambda i: f"/reports/{repo}?format=md&from={today - datetime.timedelta(days=300 + i)}",
    f"/api/v1/reports/{repo}": lambda i: f"/api/v1/reports/{repo}?from={today - datetime.timedelta(days=400 + i)}",
    f"/funding/{repo}/goal.svg": lambda i: f"/funding/{repo}/goal.svg?n={i}",
}
c = json.load(open(f"{work}/collect.json"))
print(f"{scale}: collected {c['items_written']} items in {c['seconds']:.1f} s; biggest repository {repo}")
print(f"cold: {cold} distinct URLs each (render-cache misses); warm: 300 GETs after 20 warm-up (cache hits); ms, nearest rank")
print(f"{'page':48} {'cold med':>9} {'cold p90':>9} {'cold max':>9} {'warm med':>9} {'warm p99':>9} {'KiB':>6}")
for name, url in pages.items():
    runs = [timed(url(i)) for i in range(cold)]
    bad = [s for _, s, _ in runs if s != 200]
    ms = [t for t, _, _ in runs]
    warm = json.loads(subprocess.run([sys.executable, loadgen, "latency", base + url(0), "--warmup", "20", "--count", "300"],
                                     capture_output=True, text=True, check=True).stdout)
    note = f"  non-200: {len(bad)}" if bad else ""
    print(f"{name:48} {rank(ms, 50):9.1f} {rank(ms, 90):9.1f} {max(ms):9.1f} {warm['median_ms']:9.2f} {warm['p99_ms']:9.2f} "
          f"{runs[0][2] / 1024:6.0f}{note}")
PY
if [ "$KEEP" = 1 ]; then echo "database and logs kept in $WORK"; fi
