"""A load client for the generator site, run as its own process: N concurrent clients, each making
requests one after another over a kept-alive connection. Prints one JSON line.

Usage: python -m benchmarks.load_client URL CLIENTS REQUESTS (unique|same) [extra query]
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
import uuid

import httpx2


def main() -> None:
    base_url, clients, total, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    extra = sys.argv[5] if len(sys.argv) > 5 else ""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    run_id = uuid.uuid4().hex[:6]
    counter = iter(range(total))

    def client() -> None:
        with httpx2.Client(timeout=60) as session:
            for index in counter:
                # "unique": a new project name each time, so nothing comes from the cache.
                name = f"Bench {run_id} {index}" if mode == "unique" else "Bench cached"
                url = f"{base_url}/api/generate?format=zip&project_name={name.replace(' ', '+')}{extra}"
                start = time.perf_counter()
                response = session.get(url)
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    print(
        json.dumps(
            {
                "clients": clients,
                "requests": total,
                "statuses": statuses,
                "p50_ms": statistics.median(latencies) * 1000,
                "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
                "throughput_rps": total / wall,
            }
        )
    )


if __name__ == "__main__":
    main()
