"""Caps on open streams, shared by every web node through Redis.

Per user (LIVE_USER_STREAMS, default 3): a new stream closes the oldest, which ends with
`bye: replaced` (a forgotten tab must not lock its owner out). Per client address
(LIVE_ADDRESS_STREAMS): a new stream beyond it is refused with 429. Each cap is a sorted set of
stream ids by opening time; a stream cannot outlive LIVE_MAX_SECONDS, so entries older than
that (a node that died) are dropped on the next opening.
"""

import logging
import time

log = logging.getLogger(__name__)

# KEYS: user set, address set. ARGV: stream id, now, horizon, user cap, address cap, ttl.
# Returns nil when the address is full, else the user's evicted (oldest) stream ids.
OPEN = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return false end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[6])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
if over <= 0 then return {} end
local oldest = redis.call('ZRANGE', KEYS[1], 0, over - 1)
redis.call('ZREM', KEYS[1], unpack(oldest))
return oldest
"""


def _keys(config, user_id, address):
    prefix = config["LIVE_CHANNEL_PREFIX"]
    return [f"{prefix}:streams:user:{user_id}", f"{prefix}:streams:addr:{address}"]


async def open(live, user_id, address, sid):
    """Register a stream; None when its address is full, else the stream ids to evict."""
    config = live.config
    lifetime = config["LIVE_MAX_SECONDS"]
    now = time.time()
    result = await live.hub.redis.eval(
        OPEN,
        2,
        *_keys(config, user_id, address),
        sid,
        now,
        now - lifetime - 60,
        config["LIVE_USER_STREAMS"],
        config["LIVE_ADDRESS_STREAMS"],
        int(lifetime) + 120,
    )
    if result is None:
        return None
    return [s.decode() if isinstance(s, bytes) else s for s in result]


async def close(live, user_id, address, sid):
    """Best effort: an entry left behind (Redis down) expires with the stream's lifetime."""
    redis = live.hub.redis
    if redis is None:
        return
    try:
        user_key, address_key = _keys(live.config, user_id, address)
        async with redis.pipeline(transaction=False) as pipe:
            pipe.zrem(user_key, sid).zrem(address_key, sid)
            await pipe.execute()
    except Exception as exc:
        log.info("stream cap entry not removed: %s", exc)
