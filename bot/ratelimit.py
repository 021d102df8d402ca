"""Flood limits: how many hits one key (a conversation, a client address) may make per minute.

``RateLimiter`` counts in this process (sliding window); ``RedisRateLimiter`` counts in Redis (a fixed
one-minute window with atomic ``INCR``), so that several gateways share one budget per key. Both are sync:
routes call them from the threadpool.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict, deque

import redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class RateLimiter:
    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str, per_minute: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        hits = self._hits[key]
        while hits and hits[0] <= now - 60:
            hits.popleft()
        if len(hits) >= per_minute:
            return False
        hits.append(now)
        if len(self._hits) > 100_000:  # bound memory under a spray of keys
            self._hits = defaultdict(deque, {k: v for k, v in self._hits.items() if v})
        return True

    def close(self) -> None:
        return None


class RedisRateLimiter(RateLimiter):
    def __init__(self, url: str, prefix: str = "bl:rl:") -> None:
        super().__init__()
        self._redis = redis.Redis.from_url(url, socket_timeout=1)
        self._prefix = prefix

    def allow(self, key: str, per_minute: int, now: float | None = None) -> bool:
        window = int((time.time() if now is None else now) // 60)
        name = f"{self._prefix}{key}:{window}"
        try:
            pipe = self._redis.pipeline()
            pipe.incr(name)
            pipe.expire(name, 120)
            count = int(pipe.execute()[0])
        except RedisError:
            # Redis away: fall back to this process's own count rather than refusing every citizen.
            log.warning("redis rate limit unavailable; counting locally")
            return super().allow(key, per_minute)
        return count <= per_minute

    def close(self) -> None:
        self._redis.close()
