"""The container's entry: ``python -m generator_service.serve`` runs the site under uvicorn, configured by
the environment as container platforms do it; ``--check`` is the image's HEALTHCHECK.

- ``PORT`` (8000): the port to listen on; ``HOST`` (0.0.0.0): the address.
- ``WEB_CONCURRENCY`` (1): uvicorn processes. Each has its own ``GENERATOR_WORKERS`` generation workers
  and its own cache, so one process per container, scaled by replicas, keeps the cache most useful.
- ``FORWARDED_ALLOW_IPS`` (127.0.0.1): the proxies whose X-Forwarded-* headers uvicorn trusts.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

import uvicorn

APP = "generator_service.main:app"


def port() -> int:
    return int(os.environ.get("PORT", "8000"))


def healthy(timeout: float = 5.0) -> bool:
    """Whether the site in this container answers ``GET /healthz`` on its port."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port()}/healthz", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main(arguments: list[str]) -> int:
    if arguments == ["--check"]:
        return 0 if healthy() else 1
    if arguments:
        print("usage: python -m generator_service.serve [--check]", file=sys.stderr)
        return 2
    uvicorn.run(
        APP,
        host=os.environ.get("HOST", "0.0.0.0"),
        port=port(),
        workers=int(os.environ.get("WEB_CONCURRENCY", "1")),
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
