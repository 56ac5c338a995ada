#!/usr/bin/env bash
# Page-latency benchmark (not a timed test) of the maintainer page `/repos/{owner}/{name}`.
#
#   benches/pages.sh [scales...]          (default: small large)
#
# For each scale: generates the simulated organisation, collects it into a fresh database (like
# benches/collector.sh), then serves that database offline and measures the page of the biggest
# repository (most issues + PRs) next to `/static/style.css` served by the same server:
#   - latency: sequential GETs over one keep-alive connection (benches/loadgen.py, http.client;
#     server time plus loopback, no process spawn): median and p99 (nearest rank);
#   - throughput: a fixed-duration concurrent load (wrk if installed, else loadgen.py threads),
#     page and static file one after the other in the same run: requests/s and their ratio.
# Goals (issue): page p99 <= 20 ms at `large`; page rps >= 50% of static-file rps; page median
# grows <= 2x from `small` to `large`.
#
# Environment: PAGES_WORK=dir keeps the databases and logs there (default: a temp dir, removed);
# PAGES_WARMUP / PAGES_COUNT (20 / 300) sequential requests; PAGES_SECONDS / PAGES_CONNECTIONS
# (10 / 8) of each load phase; PAGES_WRK=0 forces the Python load generator.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=("$@")
[ ${#SCALES[@]} -eq 0 ] && SCALES=(small large)
WARMUP=${PAGES_WARMUP:-20} COUNT=${PAGES_COUNT:-300} SECONDS_=${PAGES_SECONDS:-10} CONNS=${PAGES_CONNECTIONS:-8}

cargo build --release --quiet
BIN=$PWD/target/release/upkeep
LOADGEN=$PWD/benches/loadgen.py
if [ -n "${PAGES_WORK:-}" ]; then WORK=$PAGES_WORK; mkdir -p "$WORK"; KEEP=1; else WORK=$(mktemp -d); KEEP=0; fi

. benches/lib.sh

# Load generator: wrk (installed on demand when root and apt is available) or loadgen.py.
USE_WRK=0
if [ "${PAGES_WRK:-1}" != 0 ]; then
    if ! command -v wrk > /dev/null && [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
        apt-get install -y wrk > "$WORK/apt.log" 2>&1 || true
    fi
    command -v wrk > /dev/null && USE_WRK=1
fi
cat > "$WORK/status.lua" <<'LUA'
-- Counts answers by status over all wrk threads; printed as one line for pages.sh to parse.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; other = 0 end
function response(status, headers, body) if status == 200 then ok = ok + 1 else other = other + 1 end end
function done(summary, latency, requests)
  local o, n = 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); n = n + t:get("other") end
  io.write(string.format("STATUS ok=%d non200=%d errors=%d\n", o, n,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status))
end
LUA
# load URL NAME -> JSON {requests, seconds, rps, non_200, errors} in $WORK/NAME.json
load() {
    if [ "$USE_WRK" = 1 ]; then
        wrk -t2 -c"$CONNS" -d"${SECONDS_}s" --timeout 10s -s "$WORK/status.lua" "$1" > "$WORK/$2.wrk" 2>&1
        python3 - "$WORK/$2.wrk" > "$WORK/$2.json" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
n = re.search(r"(\d+) requests in ([\d.]+)(m?s)", t)
secs = float(n.group(2)) / (1000 if n.group(3) == "ms" else 1)
st = re.search(r"STATUS ok=(\d+) non200=(\d+) errors=(\d+)", t)
print(json.dumps({"requests": int(n.group(1)), "seconds": secs,
                  "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)),
                  "non_200": int(st.group(2)), "errors": int(st.group(3))}))
PY
    else
        python3 "$LOADGEN" load "$1" --seconds "$SECONDS_" --connections "$CONNS" > "$WORK/$2.json"
    fi
}
lat() { python3 "$LOADGEN" latency "$1" --warmup "${3:-$WARMUP}" --count "${4:-$COUNT}" > "$WORK/$2.json"; }

unset GITHUB_TOKEN GH_TOKEN
for SCALE in "${SCALES[@]}"; do
    echo "== $SCALE: generating the simulated organisation" >&2
    DB=$WORK/pages-$SCALE.db
    rm -f "$DB" "$DB-wal" "$DB-shm"
    SIM_PORT=$(free_port)
    "$BIN" sim --port "$SIM_PORT" --scale "$SCALE" --rate-limit 100000000 > "$WORK/sim-$SCALE.log" 2>&1 &
    SIM=$!; PIDS+=("$SIM")
    wait_for "http://127.0.0.1:$SIM_PORT/_sim/totals" 600 "$WORK/totals-$SCALE.json"
    echo "== $SCALE: collecting into $DB" >&2
    UPKEEP_GITHUB__API_URL="http://127.0.0.1:$SIM_PORT" UPKEEP_SOURCES__ORGS=upkeep-sim UPKEEP_SOURCES__REPOS= \
    UPKEEP_SOURCES__INCLUDE_ARCHIVED=true UPKEEP_DATABASE__PATH="$DB" UPKEEP_COLLECTOR__RESERVE=0 \
        timeout 1800 "$BIN" --config /dev/null collect --json > "$WORK/collect-$SCALE.json" 2> "$WORK/collect-$SCALE.log"
    stop "$SIM"

    REPO=$(python3 -c 'import json,sys; print(max(json.load(open(sys.argv[1])), key=lambda t: t["issues_and_prs"])["name"])' "$WORK/totals-$SCALE.json")
    PORT=$(free_port)
    UPKEEP_DATABASE__PATH="$DB" UPKEEP_SERVER__BIND="127.0.0.1:$PORT" UPKEEP_COLLECTOR__SYNC_ON_START=false \
    UPKEEP_GITHUB__API_URL=http://127.0.0.1:9 "$BIN" --config /dev/null serve > "$WORK/serve-$SCALE.log" 2>&1 &
    SRV=$!; PIDS+=("$SRV")
    BASE=http://127.0.0.1:$PORT
    wait_for "$BASE/healthz" 120
    PAGE=$BASE/repos/upkeep-sim/$REPO
    STATIC=$BASE/static/style.css
    echo "== $SCALE: measuring $PAGE" >&2
    lat "$PAGE" "$SCALE-page-lat"
    lat "$STATIC" "$SCALE-static-lat"
    lat "$PAGE?window=30" "$SCALE-page30-lat" 3 30
    lat "$PAGE?window=365" "$SCALE-page365-lat" 3 30
    lat "$BASE/api/v1/repos/upkeep-sim/$REPO" "$SCALE-api-lat" 3 30
    load "$PAGE" "$SCALE-page-load"
    load "$STATIC" "$SCALE-static-load"
    stop "$SRV"
done

python3 - "$WORK" "$USE_WRK" "$CONNS" "$SECONDS_" "$WARMUP" "$COUNT" "${SCALES[@]}" <<'PY'
import json, sys
work, use_wrk, conns, secs, warmup, count, scales = sys.argv[1], sys.argv[2] == "1", *sys.argv[3:7], sys.argv[7:]
j = lambda name: json.load(open(f"{work}/{name}.json"))
print(f"latency: {count} sequential GETs after {warmup} warm-up, one keep-alive connection (python http.client), "
      f"median / p99 nearest rank")
print(f"throughput: {'wrk -t2' if use_wrk else 'loadgen.py threads'}, {conns} keep-alive connections, {secs} s per URL, "
      f"page then static file against the same server")
rows = {}
for s in scales:
    totals = j(f"totals-{s}")
    big = max(totals, key=lambda t: t["issues_and_prs"])
    items = sum(t["issues_and_prs"] + t["issue_comments"] + t["review_comments"] + t["reviews"] + t["releases"] for t in totals)
    try:
        c = j(f"collect-{s}")
        sync = f"collected {c['items_written']} items in {c['seconds']:.1f} s, failed repos {c['failed_repos']}"
    except Exception as e:
        sync = f"collect summary unreadable ({e})"
    print(f"{s}: {len(totals)} repos, {items} items in the sim; {sync}")
    rows[s] = dict(repo=big["name"], items=big["issues_and_prs"], pl=j(f"{s}-page-lat"), sl=j(f"{s}-static-lat"),
                   p30=j(f"{s}-page30-lat"), p365=j(f"{s}-page365-lat"), api=j(f"{s}-api-lat"),
                   pr=j(f"{s}-page-load"), sr=j(f"{s}-static-load"))
print()
hdr = f"{'scale':7} {'repo':14} {'items':>6} {'page med':>9} {'page p99':>9} {'stat med':>9} {'stat p99':>9} {'page rps':>9} {'stat rps':>9} {'ratio':>7} {'non-200':>8}"
print(hdr); print("-" * len(hdr))
for s, r in rows.items():
    bad = r["pl"]["non_200"] + r["sl"]["non_200"] + r["pr"]["non_200"] + r["sr"]["non_200"] + r["pr"]["errors"] + r["sr"]["errors"]
    print(f"{s:7} {r['repo']:14} {r['items']:6} {r['pl']['median_ms']:8.2f}ms {r['pl']['p99_ms']:7.2f}ms "
          f"{r['sl']['median_ms']:7.3f}ms {r['sl']['p99_ms']:7.3f}ms {r['pr']['rps']:9.1f} {r['sr']['rps']:9.0f} "
          f"{r['pr']['rps'] / r['sr']['rps']:7.3%} {bad:8}")
print()
print("informational (30 GETs after 3 warm-up each, median / p99 ms; page body size):")
for s, r in rows.items():
    f = lambda x: f"{x['median_ms']:6.2f} / {x['p99_ms']:6.2f}"
    print(f"  {s:7} window=30 {f(r['p30'])}   window=90 (default) {f(r['pl'])}   window=365 {f(r['p365'])}   "
          f"JSON API (90 d) {f(r['api'])}   page {r['pl']['bytes'] / 1024:.0f} KiB")
    for k, name in [("pl", "page latency"), ("sl", "static latency"), ("p30", "window=30"), ("p365", "window=365"), ("api", "api")]:
        if r[k]["non_200"]:
            print(f"  {s}: {name}: {r[k]['non_200']} non-200 answers")
    for k, name in [("pr", "page load"), ("sr", "static load")]:
        if r[k]["non_200"] or r[k]["errors"]:
            print(f"  {s}: {name}: {r[k]['non_200']} non-200 answers, {r[k]['errors']} socket errors")
print()
verdict = lambda ok: "PASS" if ok else "MISS"
goal_scale = "large" if "large" in rows else scales[-1]
r = rows[goal_scale]
print(f"goal page p99 <= 20 ms at {goal_scale}: {r['pl']['p99_ms']:.2f} ms  {verdict(r['pl']['p99_ms'] <= 20)}")
for s, r in rows.items():
    ratio = r["pr"]["rps"] / r["sr"]["rps"]
    print(f"goal page rps >= 50% of static rps at {s}: {r['pr']['rps']:.1f} / {r['sr']['rps']:.0f} = {ratio:.3%}  {verdict(ratio >= 0.5)}")
if "small" in rows and "large" in rows:
    a, b = rows["small"]["pl"], rows["large"]["pl"]
    gm, gp = b["median_ms"] / a["median_ms"], b["p99_ms"] / a["p99_ms"]
    print(f"goal growth small -> large <= 2x: median {a['median_ms']:.2f} -> {b['median_ms']:.2f} ms = {gm:.2f}x  {verdict(gm <= 2)}; "
          f"p99 {a['p99_ms']:.2f} -> {b['p99_ms']:.2f} ms = {gp:.2f}x  {verdict(gp <= 2)}")
PY
if [ "$KEEP" = 1 ]; then echo "databases and logs kept in $WORK"; fi
