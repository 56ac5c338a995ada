#!/usr/bin/env bash
# Hostile-server benchmark (not a timed test): `upkeep collect` in release mode against the
# simulator in each hostile mode (crates/upkeep-sim/src/hostile.rs), one run per mode, over the whole simulated
# organisation. Reports, per mode: wall time, exit code, peak RSS, failed repositories and the
# first error line. The bar (issue #10): every run ends within its deadline, says what went wrong,
# exits non-zero when data is missing, and never passes 300 MB RSS.
#
#   benches/hostile.sh [small|medium|large]     (default: small)
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-small}
cargo build --release --quiet
BIN=$PWD/target/release/upkeep
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

printf '%-28s %8s %5s %9s  %s\n' mode seconds exit "RSS MB" "failed / first error"
for MODE in none millis-reset graphql-errors trickle oversize endless-next; do
  PORT=$(free_port)
  HOSTILE=()
  [ "$MODE" != none ] && HOSTILE=(--hostile "$MODE")
  "$BIN" sim --port "$PORT" --scale "$SCALE" --rate-limit 100000000 "${HOSTILE[@]}" > "$WORK/sim.log" 2>&1 &
  SIM=$!
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$PORT/_sim/totals" > /dev/null 2>&1 && break; sleep 0.5; done
  set +e
  UPKEEP_FUNDING__OPEN_COLLECTIVE_URL="http://127.0.0.1:$PORT/opencollective/graphql/v2" \
  UPKEEP_GITHUB__API_URL="http://127.0.0.1:$PORT" UPKEEP_SOURCES__ORGS=upkeep-sim UPKEEP_SOURCES__REPOS= \
  UPKEEP_SOURCES__INCLUDE_ARCHIVED=true UPKEEP_DATABASE__PATH="$WORK/$MODE.db" UPKEEP_COLLECTOR__RESERVE=0 \
  UPKEEP_GITHUB__TIMEOUT_SECS=5 UPKEEP_COLLECTOR__MAX_RETRIES=2 \
    env -u GITHUB_TOKEN -u GH_TOKEN /usr/bin/time -v "$BIN" --config /dev/null collect --json \
    > "$WORK/$MODE.json" 2> "$WORK/$MODE.err"
  CODE=$?
  set -e
  kill $SIM 2>/dev/null; wait $SIM 2>/dev/null || true
  python3 - "$WORK" "$MODE" "$CODE" <<'PY'
import json, re, sys
work, mode, code = sys.argv[1:4]
err = open(f"{work}/{mode}.err").read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1)
parts = [float(p) for p in wall.split(":")]
secs = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) > 2 else 0)
try:
    s = json.load(open(f"{work}/{mode}.json"))
    failed = f"{len(s['failed_repos'])} of {s['repos']} failed"
except Exception:
    failed = "no JSON"
plain = re.sub(r"\x1b\[[0-9;]*m", "", err)
first = next((m.group(1) for m in re.finditer(r"repository sync failed .*?error=(.*)", plain)), "")[:120]
print(f"{mode:28} {secs:8.1f} {code:>5} {rss:9.1f}  {failed}; {first}")
PY
done
