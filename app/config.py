"""Configuration, read from the environment only."""

import os

DEFAULT_SECRET = "tapline-demo-secret-not-for-production-use"
# A fixed Ed25519 seed for demo and tests only; production must set SIGNING_KEY.
DEFAULT_SIGNING_KEY = "dGFwbGluZS1kZW1vLXNpZ25pbmcta2V5LTMyYnl0ZXM="


def _db_url(value):
    """Accept the usual postgres:// forms and pin the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix) :]
    return value


def _int(name, default):
    return int(os.environ.get(name, default))


def _float(name, default):
    return float(os.environ.get(name, default))


def _planning(name):
    return os.environ.get(name, PLANNING_DEFAULTS[name])


def _bool(name, default):
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


# Day planning (R2.5). Strings as the environment gives them; app/planning/settings.py parses
# them, and bench/bench_planning.py runs the planner with these defaults.
PLANNING_DEFAULTS = {
    "PLANNING_ROAD_FACTOR": "1.3",
    "PLANNING_SPEED_KMH": "25",
    "PLANNING_SERVICE_MINUTES": "45",
    # Per type, "code=minutes,..."; types not named take PLANNING_SERVICE_MINUTES.
    "PLANNING_SERVICE_MINUTES_BY_TYPE": "meter_reading_check=20,meter_replacement=40,"
    "water_connection=60,water_quality_check=30",
    "PLANNING_LUNCH_SLACK_MINUTES": "30",  # lunch may move this much to finish a job first
    "PLANNING_OPEN_WINDOW_MINUTES": "60",  # an appointment with a start and no end
    "PLANNING_SOLVE_SECONDS": "8",  # VROOM stops and returns its best plan by then
    # VROOM exploration level 0-5: each level adds searches; level 0 already plans 50
    # technicians and 500 orders within seconds (bench/bench_planning.py), level 5 takes minutes.
    "PLANNING_EXPLORATION": "0",
    "PLANNING_THREADS": "2",
    "PLANNING_HORIZON_DAYS": "31",  # how far ahead a day can be planned
}


class Config:
    MODE = os.environ.get("TAPLINE_MODE", "production")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    SIGNING_KEY = os.environ.get("SIGNING_KEY", DEFAULT_SIGNING_KEY)
    SIGNING_KEY_SET = "SIGNING_KEY" in os.environ
    SQLALCHEMY_DATABASE_URI = _db_url(
        os.environ.get("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:54329/tapline")
    )
    # Sessions speak UTC so stored and returned times never depend on the server's zone.
    SQLALCHEMY_ENGINE_OPTIONS = {
        "connect_args": {"options": "-c timezone=UTC"},
        # A request can hold two connections at once (its session's, and the autocommit one
        # that claims its Idempotency-Key), so a web process needs two per Flask thread plus
        # one per live-layer thread. With SQLAlchemy's default 5 + 10, a burst of keyed
        # POSTs waited on itself until the pool's 30 s timeout (bench/faults.py at 30
        # orders/s: 66 of 169 requests failed). Only the 5 are kept open when idle.
        "pool_size": 5,
        "max_overflow": 2 * _int("WEB_THREADS", 16) + _int("LIVE_DB_THREADS", 4),
    }
    # Pooled connections idle this long are pinged before use (app.database.ping_when_idle).
    DB_IDLE_PING_SECONDS = _int("DB_IDLE_PING_SECONDS", 10)
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:63799/0")
    STORAGE_DIR = os.environ.get("STORAGE_DIR", os.path.join(os.getcwd(), "var", "storage"))
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
    # 天地图 (Tianditu) WMTS, or any XYZ server: an annotation layer over the tiles, the values
    # of {s} in the URLs, and the key put in for {tk} (README, "Maps").
    MAP_TILE_LABEL_URL = os.environ.get("MAP_TILE_LABEL_URL", "")
    MAP_TILE_SUBDOMAINS = os.environ.get("MAP_TILE_SUBDOMAINS", "")
    TIANDITU_KEY = os.environ.get("TIANDITU_KEY", "")
    # Who the customer deals with: printed on notices, receipts and the ID-check page.
    COMPANY_NAME = os.environ.get("COMPANY_NAME", "海阳市自来水有限公司")
    COMPANY_HOTLINE = os.environ.get("COMPANY_HOTLINE", "0535-3222000")
    COMPANY_ADDRESS = os.environ.get("COMPANY_ADDRESS", "海阳市海政路1号 营业厅")
    # Which map app the phone's navigation link opens: amap (高德), baidu (百度) or system.
    NAV_MAP_APP = os.environ.get("NAV_MAP_APP", "amap")
    # When technicians call on customers (Asia/Shanghai); emergencies are not bound by it.
    SERVICE_HOURS = os.environ.get("SERVICE_HOURS", "08:00-18:00")

    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 12 * 1024 * 1024)
    JSON_BODY_LIMIT = _int("JSON_BODY_LIMIT", 1024 * 1024)  # bytes read, chunked or not
    JSON_MAX_DEPTH = _int("JSON_MAX_DEPTH", 32)
    # Uploaded images: refused above this many pixels (a decompression bomb), shrunk to this side.
    IMAGE_MAX_PIXELS = _int("IMAGE_MAX_PIXELS", 40_000_000)
    IMAGE_MAX_SIDE = _int("IMAGE_MAX_SIDE", 4096)
    ACCESS_TOKEN_MINUTES = _int("ACCESS_TOKEN_MINUTES", 60)
    REFRESH_TOKEN_DAYS = _int("REFRESH_TOKEN_DAYS", 14)
    LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 5)  # per (account, client address)
    LOGIN_ADDR_MAX_FAILURES = _int("LOGIN_ADDR_MAX_FAILURES", 30)  # per client address
    LOGIN_WINDOW_MINUTES = _int("LOGIN_WINDOW_MINUTES", 15)
    PASSWORD_MIN_SCORE = _int("PASSWORD_MIN_SCORE", 3)  # zxcvbn 0-4; 3 = "safely unguessable"
    # Argon2id cost of a password hash (argon2-cffi's default: RFC 9106 low-memory profile).
    PASSWORD_HASH_TIME_COST = _int("PASSWORD_HASH_TIME_COST", 3)
    PASSWORD_HASH_MEMORY_KIB = _int("PASSWORD_HASH_MEMORY_KIB", 65536)
    PASSWORD_HASH_THREADS = _int("PASSWORD_HASH_THREADS", 4)

    # Business rules (R1-R3); all in Asia/Shanghai.
    OFFICE_HOURS = os.environ.get("OFFICE_HOURS", "08:30-12:00,13:30-17:30")
    DEADLINE_WORKING_DAYS = _int("DEADLINE_WORKING_DAYS", 3)
    EMERGENCY_RESPONSE_MINUTES = _int("EMERGENCY_RESPONSE_MINUTES", 30)
    SLA_AT_RISK_FRACTION = _float("SLA_AT_RISK_FRACTION", "0.25")
    ACCEPT_TIMEOUT_MINUTES = _int("ACCEPT_TIMEOUT_MINUTES", 5)
    POSITION_FRESH_MINUTES = _int("POSITION_FRESH_MINUTES", 30)
    ARRIVAL_FLAG_METRES = _int("ARRIVAL_FLAG_METRES", 200)
    # Dispatch (R2, R6): neighbouring zones, pre-emption, position sanity, live stream, clocks.
    NEIGHBOUR_ZONE_METRES = _int("NEIGHBOUR_ZONE_METRES", 500)
    PREEMPT_WINDOW_MINUTES = _int("PREEMPT_WINDOW_MINUTES", 120)
    POSITION_MAX_AGE_DAYS = _int("POSITION_MAX_AGE_DAYS", 7)
    POSITION_MAX_AHEAD_SECONDS = _int("POSITION_MAX_AHEAD_SECONDS", 300)
    POSITION_MIN_INTERVAL_SECONDS = _int("POSITION_MIN_INTERVAL_SECONDS", 5)
    POSITION_MAX_SPEED_KMH = _int("POSITION_MAX_SPEED_KMH", 150)
    POSITION_AREA_MARGIN_KM = _int("POSITION_AREA_MARGIN_KM", 50)
    SUGGESTION_LIMIT = _int("SUGGESTION_LIMIT", 10)
    SSE_HEARTBEAT_SECONDS = _int("SSE_HEARTBEAT_SECONDS", 15)
    # The web process (app/webserver.py): where it listens, the proxies it trusts, uvicorn
    # processes, Flask threads in each.
    HOST = os.environ.get("HOST", "127.0.0.1")
    PORT = _int("PORT", 8000)
    FORWARDED_ALLOW_IPS = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
    WEB_WORKERS = _int("WEB_WORKERS", 2)
    WEB_THREADS = _int("WEB_THREADS", 16)
    # Live streams (app/notifications/stream.py): caps, lifetime, dead peers, replay.
    LIVE_USER_STREAMS = _int("LIVE_USER_STREAMS", 3)
    LIVE_ADDRESS_STREAMS = _int("LIVE_ADDRESS_STREAMS", 500)
    LIVE_MAX_SECONDS = _int("LIVE_MAX_SECONDS", 3600)
    LIVE_TICKET_SECONDS = _int("LIVE_TICKET_SECONDS", 60)
    LIVE_WRITE_TIMEOUT_SECONDS = _int("LIVE_WRITE_TIMEOUT_SECONDS", 30)
    LIVE_PEER_TIMEOUT_SECONDS = _int("LIVE_PEER_TIMEOUT_SECONDS", 45)
    LIVE_REPLAY_PAGE = _int("LIVE_REPLAY_PAGE", 200)
    LIVE_REPLAY_MAX = _int("LIVE_REPLAY_MAX", 2000)
    LIVE_LATE_SECONDS = _int("LIVE_LATE_SECONDS", 120)
    LIVE_QUEUE_LIMIT = _int("LIVE_QUEUE_LIMIT", 500)
    LIVE_DB_THREADS = _int("LIVE_DB_THREADS", 4)
    LIVE_DELIVERED_FLUSH_SECONDS = _float("LIVE_DELIVERED_FLUSH_SECONDS", "1")
    LIVE_REDIS_PING_SECONDS = _float("LIVE_REDIS_PING_SECONDS", "5")
    LIVE_SHUTDOWN_SECONDS = _int("LIVE_SHUTDOWN_SECONDS", 5)
    # Redis pub/sub ignores db numbers: deployments sharing one Redis need their own prefix.
    LIVE_CHANNEL_PREFIX = os.environ.get("LIVE_CHANNEL_PREFIX", "tapline")
    SLA_WATCH_SECONDS = _int("SLA_WATCH_SECONDS", 60)
    OFFER_SWEEP_SECONDS = _int("OFFER_SWEEP_SECONDS", 30)
    # Jobs and processes (app.jobs, app.ops, worker.py): the reconciliation sweep's bounds.
    RELAY_SECONDS = _int("RELAY_SECONDS", 5)
    RECONCILE_SECONDS = _int("RECONCILE_SECONDS", 10)
    ABANDONED_SECONDS = _int("ABANDONED_SECONDS", 15)
    OUTBOX_KEEP_DAYS = _int("OUTBOX_KEEP_DAYS", 7)
    OUTBOX_PURGE_SECONDS = _int("OUTBOX_PURGE_SECONDS", 6 * 3600)
    READY_UNROUTED_SECONDS = _int("READY_UNROUTED_SECONDS", 60)
    OPS_POLL_SECONDS = _int("OPS_POLL_SECONDS", 5)
    ROUTE_BATCH = _int("ROUTE_BATCH", 20)
    # The hotline desk and console (R1, R5).
    DUPLICATE_RADIUS_M = _int("DUPLICATE_RADIUS_M", 200)
    CONSOLE_POLL_SECONDS = _int("CONSOLE_POLL_SECONDS", 15)
    DEFERRAL_REMINDER_SECONDS = _int("DEFERRAL_REMINDER_SECONDS", 3600)
    # The phone (R3): customer links, idempotency keys, violations.
    VERIFY_TOKEN_MINUTES = _int("VERIFY_TOKEN_MINUTES", 10)
    SURVEY_LINK_DAYS = _int("SURVEY_LINK_DAYS", 7)
    RECEIPT_LINK_DAYS = _int("RECEIPT_LINK_DAYS", 30)
    INSPECTION_TEAM_CODE = os.environ.get("INSPECTION_TEAM_CODE", "inspection")
    IDEMPOTENCY_STALE_SECONDS = _int("IDEMPOTENCY_STALE_SECONDS", 120)
    IDEMPOTENCY_KEEP_DAYS = _int("IDEMPOTENCY_KEEP_DAYS", 30)
    IDEMPOTENCY_PURGE_SECONDS = _int("IDEMPOTENCY_PURGE_SECONDS", 6 * 3600)
    # Complaints (R4).
    COMPLAINT_HANDOFF_CUTOFFS = os.environ.get("COMPLAINT_HANDOFF_CUTOFFS", "11:00,16:00")
    COMPLAINT_FOLLOW_UP_WORKING_DAYS = _int("COMPLAINT_FOLLOW_UP_WORKING_DAYS", 3)
    COMPLAINT_ATTACHMENT_MAX_BYTES = _int("COMPLAINT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
    COMPLAINT_CLOCK_SWEEP_SECONDS = _int("COMPLAINT_CLOCK_SWEEP_SECONDS", 60)
    BULLETIN_CHECK_SECONDS = _int("BULLETIN_CHECK_SECONDS", 3600)
    # The management view (app/office): how often the figures' daily summary is brought up to date.
    FIGURE_SUMMARY_SECONDS = _int("FIGURE_SUMMARY_SECONDS", 600)
    # The outbox: relay right after each commit, besides the worker's periodic relay.
    OUTBOX_RELAY_ON_COMMIT = _bool("OUTBOX_RELAY_ON_COMMIT", True)

    # Day planning (R2.5), parsed by app/planning/settings.py.
    PLANNING_ROAD_FACTOR = _planning("PLANNING_ROAD_FACTOR")
    PLANNING_SPEED_KMH = _planning("PLANNING_SPEED_KMH")
    PLANNING_SERVICE_MINUTES = _planning("PLANNING_SERVICE_MINUTES")
    PLANNING_SERVICE_MINUTES_BY_TYPE = _planning("PLANNING_SERVICE_MINUTES_BY_TYPE")
    PLANNING_LUNCH_SLACK_MINUTES = _planning("PLANNING_LUNCH_SLACK_MINUTES")
    PLANNING_OPEN_WINDOW_MINUTES = _planning("PLANNING_OPEN_WINDOW_MINUTES")
    PLANNING_SOLVE_SECONDS = _planning("PLANNING_SOLVE_SECONDS")
    PLANNING_EXPLORATION = _planning("PLANNING_EXPLORATION")
    PLANNING_THREADS = _planning("PLANNING_THREADS")
    PLANNING_HORIZON_DAYS = _planning("PLANNING_HORIZON_DAYS")
    # SMS (R8): provider dev | aliyun | tencent; templates "kind=CODE,..."; Shanghai quiet hours.
    SMS_ORDER_MESSAGES = os.environ.get("SMS_ORDER_MESSAGES", "1") != "0"
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "dev")
    SMS_ACCESS_KEY_ID = os.environ.get("SMS_ACCESS_KEY_ID", "")
    SMS_ACCESS_KEY_SECRET = os.environ.get("SMS_ACCESS_KEY_SECRET", "")
    SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "海阳自来水")
    SMS_TEMPLATES = os.environ.get("SMS_TEMPLATES", "")
    SMS_APP_ID = os.environ.get("SMS_APP_ID", "")
    SMS_REGION = os.environ.get("SMS_REGION", "")
    SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "")
    SMS_TIMEOUT_SECONDS = _int("SMS_TIMEOUT_SECONDS", 10)
    SMS_QUIET_HOURS = os.environ.get("SMS_QUIET_HOURS", "21:00-08:00")
    SMS_RATE_PER_HOUR = _int("SMS_RATE_PER_HOUR", 6)
    SMS_MAX_ATTEMPTS = _int("SMS_MAX_ATTEMPTS", 8)
    SMS_SWEEP_SECONDS = _int("SMS_SWEEP_SECONDS", 60)
    TRACKING_LINK_DAYS = _int("TRACKING_LINK_DAYS", 30)
    # The development provider answers every send as an outage (a demo of retries, recovery).
    SMS_DEV_FAIL = _bool("SMS_DEV_FAIL", False)
    SIGN_LINK_MINUTES = _int("SIGN_LINK_MINUTES", 15)
    EMERGENCY_SMS_AFTER_SECONDS = _int("EMERGENCY_SMS_AFTER_SECONDS", 60)
    SMS_EMERGENCY_OFFERS = os.environ.get("SMS_EMERGENCY_OFFERS", "1") != "0"
    # Water outages (R8): the fire service's number for outages that touch fire-fighting supply.
    FIRE_SERVICE_PHONE = os.environ.get("FIRE_SERVICE_PHONE", "")
    OUTAGE_WATCH_SECONDS = _int("OUTAGE_WATCH_SECONDS", 300)

    API_TITLE = "Tapline API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    OPENAPI_SWAGGER_UI_URL = "/static/vendor/swagger-ui/"
    API_SPEC_OPTIONS = {
        "info": {"description": "Tapline 自来水外勤工单系统 API. Errors: {code, message, errors}."},
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            }
        },
    }


class TestConfig(Config):
    MODE = "test"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = _db_url(
        os.environ.get(
            "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:54329/tapline_test"
        )
    )
    LOGIN_MAX_FAILURES = 5
    # Every sign-in, every user a test makes and the stand-in for unknown names hash with this:
    # at the real cost a verification takes ~0.3 s on this shared 2-core machine, and every
    # schemathesis sign-in example paid it. tests/auth/test_throttling.py times the real cost.
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_KIB = 64
    PASSWORD_HASH_THREADS = 1
    # The suite runs at any hour: no quiet hours unless a test sets them. Customers' order
    # messages only where a test asks for them (tests/messaging), so the other tests' queues
    # hold only their own jobs.
    SMS_QUIET_HOURS = ""
    SMS_ORDER_MESSAGES = False
    SMS_EMERGENCY_OFFERS = False
