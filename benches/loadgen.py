#!/usr/bin/env python3
"""HTTP helper of benches/pages.sh (Python 3 standard library only).

  loadgen.py latency URL [--warmup N] [--count N]
      Sequential GETs over one persistent (keep-alive) connection. The time of each request is
      from sending it to having read the whole body, so it is the server's time plus loopback,
      without process-spawn noise. Prints one JSON object: samples, median_ms, p99_ms (nearest
      rank), min/max, bytes of the last body, and counts of non-200 answers.

  loadgen.py cold URL [URL...]
      One GET of each URL, in order, over one keep-alive connection: with distinct URLs every
      answer is a render-cache miss. Prints the same JSON as `latency` (samples = URLs).

  loadgen.py load URL [--seconds S] [--connections C]
      C threads, each with its own keep-alive connection, GET URL in a loop for S seconds.
      Prints JSON: requests, seconds, rps, non_200, errors. (Fallback when wrk is missing; with
      the GIL it measures the client as much as the server for cheap responses.)
"""
import argparse
import http.client
import json
import math
import sys
import threading
import time
import urllib.parse


def connect(url):
    u = urllib.parse.urlsplit(url)
    path = u.path + (f"?{u.query}" if u.query else "")
    return (lambda: http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)), path


def get(conn, path):
    conn.request("GET", path, headers={"Connection": "keep-alive"})
    r = conn.getresponse()
    body = r.read()
    return r.status, body


def nearest_rank(sorted_xs, p):
    return sorted_xs[max(0, math.ceil(p / 100 * len(sorted_xs)) - 1)]


def latency(url, warmup, count):
    return timed([url] * (warmup + count), warmup)


def timed(urls, warmup):
    make, _ = connect(urls[0])
    conn = make()
    non_200, size, samples = 0, 0, []
    for i, url in enumerate(urls):
        path = connect(url)[1]
        t0 = time.perf_counter()
        try:
            status, body = get(conn, path)
        except (http.client.HTTPException, OSError):
            conn.close()
            conn = make()
            status, body = get(conn, path)
        dt = time.perf_counter() - t0
        size = len(body)
        if status != 200:
            non_200 += 1
        if i >= warmup:
            samples.append(dt * 1000)
    conn.close()
    xs = sorted(samples)
    return {
        "samples": len(xs),
        "median_ms": nearest_rank(xs, 50),
        "p99_ms": nearest_rank(xs, 99),
        "min_ms": xs[0],
        "max_ms": xs[-1],
        "bytes": size,
        "non_200": non_200,
    }


def load(url, seconds, connections):
    make, path = connect(url)
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    total = {"requests": 0, "non_200": 0, "errors": 0}

    def worker():
        n = bad = err = 0
        conn = make()
        while time.perf_counter() < deadline:
            try:
                status, _ = get(conn, path)
                n += 1
                bad += status != 200
            except (http.client.HTTPException, OSError):
                err += 1
                conn.close()
                conn = make()
        conn.close()
        with lock:
            total["requests"] += n
            total["non_200"] += bad
            total["errors"] += err

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    total.update(seconds=elapsed, rps=total["requests"] / elapsed)
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["latency", "cold", "load"])
    ap.add_argument("url", nargs="+")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--connections", type=int, default=8)
    a = ap.parse_args()
    if a.mode == "latency":
        out = latency(a.url[0], a.warmup, a.count)
    elif a.mode == "cold":
        out = timed(a.url, 0)
    else:
        out = load(a.url[0], a.seconds, a.connections)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
