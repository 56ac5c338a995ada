#!/usr/bin/env bash
# Several collectors on one PostgreSQL database (issue #14; a benchmark, not a timed test).
#
#   benches/collectors.sh [repos] [latency_ms]        (default: 48 repositories, 50 ms)
#
# The simulated portfolio has `repos` repositories (the 12 standard ones at `small` scale and
# copies of their shapes) and answers every request after `latency_ms`, as GitHub's round trip
# adds 100-500 ms. Each collector has its own token (the simulator keeps a budget per token).
#   1. One collector syncs the portfolio into a fresh database: its wall time, then an unchanged
#      re-sync and a re-sync after ~1% of items changed (what each costs in requests and quota:
#      a 304 is free), scaled to 1,000 repositories for README's token-budget table.
#   2. Four collectors, started together, sync it into another fresh database: the wall time, the
#      ratio against one, and the runs table (each repository must be synced by exactly one run).
#   3. Four collectors again; one is killed with SIGKILL while it holds a repository; the others
#      take it over. The data digest (`upkeep db digest`) must equal the one-collector database's.
#
# PostgreSQL: COLLECTORS_POSTGRES_URL=postgres://USER@HOST:PORT/DB names a server whose user may
# create databases (three are created and dropped); without it a throwaway cluster is started
# with .ci/postgres.sh (its state kept in the work directory). UPKEEP_BIN=path measures that
# binary; COLLECTORS_WORK=dir keeps logs and JSON summaries there.
set -euo pipefail
cd "$(dirname "$0")/.."
REPOS=${1:-48}
LATENCY=${2:-50}
if [ -n "${UPKEEP_BIN:-}" ]; then BIN=$UPKEEP_BIN; else cargo build --release --quiet; BIN=$PWD/target/release/upkeep; fi
if [ -n "${COLLECTORS_WORK:-}" ]; then WORK=$COLLECTORS_WORK; rm -rf "$WORK"; mkdir -p "$WORK"; KEEP=1; else WORK=$(mktemp -d); KEEP=0; fi
. benches/lib.sh

OWN_CLUSTER=0
if [ -n "${COLLECTORS_POSTGRES_URL:-}" ]; then
    ADMIN_URL=$COLLECTORS_POSTGRES_URL
else
    export UPKEEP_PG_STATE=$WORK/postgres.state
    ADMIN_URL=$(.ci/postgres.sh start | sed 's/^UPKEEP_TEST_POSTGRES_URL=//')
    OWN_CLUSTER=1
fi
stop_cluster() { [ "$OWN_CLUSTER" = 1 ] && .ci/postgres.sh stop || true; }
trap 'cleanup; stop_cluster' EXIT
BASE_URL=${ADMIN_URL%/*}
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 "$ADMIN_URL" "$@"; }
fresh_db() { # name: (re)creates an empty database with byte-order text, prints its URL
    psql_admin -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" >&2
    echo "$BASE_URL/$1"
}

TOKENS=bench-token-1,bench-token-2,bench-token-3,bench-token-4
PORT=$(free_port)
"$BIN" sim --port "$PORT" --scale small --portfolio "$REPOS" --latency-ms "$LATENCY" --tokens "$TOKENS" \
    --rate-limit 100000000 > "$WORK/sim.log" 2>&1 &
SIM=$!; PIDS+=("$SIM")
SIM_URL=http://127.0.0.1:$PORT
wait_for "$SIM_URL/_sim/totals" 600 "$WORK/totals.json"

export UPKEEP_GITHUB__API_URL=$SIM_URL UPKEEP_FUNDING__OPEN_COLLECTIVE_URL=$SIM_URL/opencollective/graphql/v2 \
       UPKEEP_SOURCES__ORGS=upkeep-sim UPKEEP_SOURCES__REPOS= UPKEEP_SOURCES__INCLUDE_ARCHIVED=true \
       UPKEEP_COLLECTOR__RESERVE=0 RUST_LOG=${RUST_LOG:-warn}
unset GITHUB_TOKEN GH_TOKEN GITHUB_TOKENS UPKEEP_DATABASE__PATH
collect() { # db-url token name: one collector, JSON summary in $WORK/name.json, stderr in name.log
    UPKEEP_DATABASE__URL=$1 GITHUB_TOKEN=$2 "$BIN" --config /dev/null collect --json > "$WORK/$3.json" 2> "$WORK/$3.log"
}
now() { python3 -c 'import time; print(time.time())'; }
digest() { UPKEEP_DATABASE__URL=$1 "$BIN" --config /dev/null db digest 2>/dev/null; }

echo "== 1 collector, $REPOS repositories, $LATENCY ms a request" >&2
ONE=$(fresh_db upkeep_bench_one)
T0=$(now); collect "$ONE" bench-token-1 one; T1=$(now)
collect "$ONE" bench-token-1 unchanged
curl -fs -X POST "$SIM_URL/_sim/advance?days=1&fraction=0.01" > "$WORK/advance.json"
collect "$ONE" bench-token-1 changed
digest "$ONE" > "$WORK/digest-one.json"

echo "== 4 collectors, 4 tokens, started together" >&2
FOUR=$(fresh_db upkeep_bench_four)
# The world moved on (advance): the one-collector database is re-synced to it for the digest.
T2=$(now)
pids=()
for n in 1 2 3 4; do collect "$FOUR" "bench-token-$n" "four-$n" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || echo "collector $p failed" >&2; done
T3=$(now)
RUNS=$(psql -X -A -F ' | ' "$FOUR" -c "SELECT r.id AS run, r.round_id AS round, r.status, r.holder,
         (SELECT COUNT(*) FROM repo_leases l WHERE l.done_run = r.id) AS repos_synced,
         r.requests, r.items_written FROM sync_runs r ORDER BY r.id")
ONCE=$(psql -X -A -t "$FOUR" -c "SELECT COUNT(*) || ' repositories; synced by ' || MIN(n) || ' to ' || MAX(n) || ' runs each'
         FROM (SELECT scope, COUNT(DISTINCT run_id) AS n FROM sync_run_resources
               WHERE scope LIKE 'upkeep-sim/%' GROUP BY scope) AS per_repo")

echo "== 4 collectors, one killed with SIGKILL while it holds a repository" >&2
KILLED=$(fresh_db upkeep_bench_killed)
pids=()
for n in 1 2 3 4; do collect "$KILLED" "bench-token-$n" "killed-$n" & pids+=($!); done
VICTIM_PID=""
for _ in $(seq 1 600); do
    VICTIM_PID=$(psql -X -A -t "$KILLED" -c "SELECT l.pid FROM repo_leases l WHERE l.pid IS NOT NULL AND EXISTS (
        SELECT 1 FROM sync_run_resources r WHERE r.run_id = l.run_id AND r.scope = l.repo) LIMIT 1" 2>/dev/null || true)
    [ -n "$VICTIM_PID" ] && break
    sleep 0.05
done
[ -n "$VICTIM_PID" ] || { echo "no collector was seen mid-repository" >&2; exit 1; }
VICTIM_REPO=$(psql -X -A -t "$KILLED" -c "SELECT repo FROM repo_leases WHERE pid = $VICTIM_PID")
kill -9 "$VICTIM_PID"
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
# The one-collector database was advanced by the 1%-change; bring it to the same world.
collect "$ONE" bench-token-1 one-again
digest "$ONE" > "$WORK/digest-one.json"
digest "$KILLED" > "$WORK/digest-killed.json"
digest "$FOUR" > "$WORK/digest-four.json"
TAKEN=$(psql -X -A -t "$KILLED" -c "SELECT 'run ' || done_run || ' finished it; runs that worked on it: ' ||
         (SELECT string_agg(DISTINCT run_id::text, ', ') FROM sync_run_resources WHERE scope = '$VICTIM_REPO')
         FROM repo_leases WHERE repo = '$VICTIM_REPO'")
KILLED_RUNS=$(psql -X -A -F ' | ' "$KILLED" -c "SELECT id AS run, round_id AS round, status, pid,
         (SELECT COUNT(*) FROM repo_leases l WHERE l.done_run = r.id) AS repos_synced FROM sync_runs r ORDER BY id")

python3 - "$WORK" "$REPOS" "$LATENCY" "$T0" "$T1" "$T2" "$T3" <<PY
import json, sys
work, repos, latency = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t0, t1, t2, t3 = map(float, sys.argv[4:8])
load = lambda name: json.load(open(f"{work}/{name}.json"))
one, four = t1 - t0, t3 - t2
print(f"portfolio: {repos} repositories, {latency} ms a request")
for name in ["one", "unchanged", "changed"]:
    s = load(name)
    quota = s["requests"] - s["not_modified"]
    print(f"  1 collector {name:9}: {s['seconds']:6.1f} s  {s['requests']:6} requests  {s['not_modified']:5} x 304  "
          f"quota {quota:6}  per 1,000 repositories: {s['requests'] * 1000 / repos:8.0f} requests, quota {quota * 1000 / repos:8.0f}"
          f" = {quota * 1000 / repos / 5000:5.2f} token-hours")
synced = [load(f"four-{n}")["synced"] for n in range(1, 5)]
print(f"  4 collectors: {four:6.1f} s wall (1 collector: {one:.1f} s): {one / four:.2f} x faster; synced per collector {synced}")
print("  runs table (4 collectors):")
print("""$RUNS""")
print("  $ONCE")
print(f"  kill -9 of pid $VICTIM_PID holding $VICTIM_REPO; $TAKEN")
print("""$KILLED_RUNS""")
d1, dk, d4 = (json.load(open(f"{work}/digest-{n}.json")) for n in ["one", "killed", "four"])
print(f"  digest after the kill equals one collector's: {dk == d1}; 4 collectors' equals one's: {d4 == d1}")
for name, d in [("killed", dk), ("four", d4)]:
    for t in d1:
        if d.get(t) != d1[t]:
            print(f"    {name}: table {t} differs: {d.get(t)} vs {d1[t]}")
PY
