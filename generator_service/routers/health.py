"""The health check: ``GET /healthz`` for load balancers, container HEALTHCHECKs and Kubernetes probes."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]


@router.get("/healthz", summary="Whether this process serves requests (no generation is run)")
async def healthz() -> Health:
    # Routes answer only once the lifespan has made the service (and its warm workers): an answer means ready.
    return Health(status="ok")
