"""Chat turns through the real stack: engine start-up, memory of the three processes, and the
latency of a search message through the gateway (p50/p95). Run by `make bench`."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from tests.stack import rss_mb, running_stack

MESSAGES = [
    "Ich suche einen Deutschkurs in Melle",
    "gibts in bohmte ne pekip gruppe?",
    "Staplerschein in Osnabrück",
    "Nachhilfe für meinen Sohn in Bramsche",
    "Hausaufgabenhilfe in Bohmte",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=40, help="search messages to send (each in a new conversation)")
    args = parser.parse_args()
    with running_stack(Path(tempfile.mkdtemp()), with_test_offers=False) as stack:
        print(f"stack ready (engine loaded, all three answer) after {stack.ready_after_s:.1f} s")
        with httpx.Client(base_url=stack.gateway, timeout=60) as client:
            times = []
            for i in range(args.turns):
                cid = client.post("/api/v1/conversations").json()["conversation_id"]
                start = time.perf_counter()
                r = client.post(f"/api/v1/conversations/{cid}/messages", json={"text": MESSAGES[i % len(MESSAGES)]})
                times.append((time.perf_counter() - start) * 1000)
                assert r.status_code == 200 and any(m["offers"] for m in r.json()["messages"]), r.text
            greet = []
            for _ in range(10):
                cid = client.post("/api/v1/conversations").json()["conversation_id"]
                start = time.perf_counter()
                client.post(f"/api/v1/conversations/{cid}/messages", json={"text": "Hallo"})
                greet.append((time.perf_counter() - start) * 1000)
        q = statistics.quantiles(times, n=20)
        print(f"search turn through the gateway: n={len(times)} p50 {statistics.median(times):.0f} ms  p95 {q[18]:.0f} ms")
        print(f"greeting turn (no action call):   n={len(greet)} p50 {statistics.median(greet):.0f} ms")
        for name, pid in stack.pids.items():
            print(f"RSS {name:8s} {rss_mb(pid):7.0f} MB")


if __name__ == "__main__":
    main()
