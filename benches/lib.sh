# Helpers the bench scripts share (sourced, not run). The caller sets WORK (a directory) and KEEP
# (1 keeps WORK at the end) first, and adds the pid of each process it starts in the background to
# PIDS, so that every one is stopped however the script ends.
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    [ "$KEEP" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
stop() { # pid: ends it and forgets it, so the trap never signals a recycled pid
    kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
    local keep=() p; for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; PIDS=("${keep[@]}")
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # url seconds [file for the body]
    local deadline=$((SECONDS + $2))
    until curl -fs "$1" > "${3:-/dev/null}" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || { echo "timed out waiting for $1" >&2; return 1; }
        sleep 0.5
    done
}
