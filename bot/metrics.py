"""Prometheus metrics of one gateway, on a registry of the app's own (tests create many apps)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.turns = Counter("bildungslotse_turns", "Citizen messages handled, by kind", ["kind"], registry=r)
        self.turn_seconds = Histogram(
            "bildungslotse_turn_seconds", "Time to answer a citizen message", ["kind"], buckets=LATENCY_BUCKETS, registry=r
        )
        self.engine_errors = Counter("bildungslotse_engine_errors", "Engine failures, by reason", ["reason"], registry=r)
        self.open_streams = Gauge("bildungslotse_open_streams", "Open server-sent event streams", ["kind"], registry=r)
        self.rejected = Counter("bildungslotse_rejected", "Requests refused for load or floods", ["status"], registry=r)
        self.db_errors = Counter("bildungslotse_db_errors", "Database failures answered with 503", registry=r)

    def watch_pool(self, name: str, checked_out: Callable[[], float]) -> None:
        gauge = Gauge(f"bildungslotse_{name}_pool_checked_out", f"{name} connections in use", registry=self.registry)
        gauge.set_function(checked_out)

    def render(self) -> bytes:
        return generate_latest(self.registry)
