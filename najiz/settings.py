"""Settings for the Najiz portal.

Read from the environment (django-environ). With no DATABASE_URL the portal runs on SQLite in
var/; with no REDIS_URL Celery runs tasks in-process. DJANGO_ENV=production turns on the
deployment hardening that `manage.py check --deploy` asks for.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = env.bool("NAJIZ_TESTING", default=False)

DEBUG = env.bool("DEBUG", default=not PRODUCTION and not TESTING)
# With DEBUG, Django's technical 404 and 500 pages instead of the portal's (a developer's choice).
DEBUG_TECHNICAL_ERRORS = env.bool("DEBUG_TECHNICAL_ERRORS", default=False)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-najiz-0f3c9a7e5b1d4c2a8e6f")
# The absolute base of the links in SMS, e-mail, PDFs and QR codes; `make run` sets it from its
# HOST and PORT. In development its host is also an allowed one (make run HOST=… SITE_URL=…).
# Unset outside production, a page's links and QR codes take the request's own host instead
# (najiz.common.links.site_url), so they are right on any port.
SITE_URL_SET = bool(env.str("SITE_URL", default=""))
SITE_URL = env.str("SITE_URL", default="") or "http://127.0.0.1:8000"
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", urlsplit(SITE_URL).hostname or "127.0.0.1"],
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "pgtrigger",
    "ninja",
    "najiz.common",
    "najiz.accounts",
    "najiz.registries",
    "najiz.casefile",
    "supervision",
    "linkage",
    "einstruments",
    "demo",
    "operations",
    "enforcement",
    "conveyance",
    "payments",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "najiz.common.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "najiz.common.middleware.ArabicFirstLocaleMiddleware",
    "najiz.common.middleware.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "najiz.accounts.session_expiry.SessionExpiryMiddleware",
    "najiz.accounts.middleware.ActingAsMiddleware",
    "najiz.common.middleware.PortalErrorPagesMiddleware",  # only with DEBUG: the portal's error pages
]

ROOT_URLCONF = "najiz.urls"
WSGI_APPLICATION = "najiz.wsgi.application"
ASGI_APPLICATION = "najiz.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "najiz.accounts.context_processors.acting_as",
                "najiz.accounts.session_expiry.session_expiry",
                "demo.context_processors.demo_clock",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'najiz.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str("TEST_DATABASE_NAME", default="test_najiz")
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # The dashboard's covering indexes INCLUDE columns only PostgreSQL keeps; SQLite (development)
    # makes them plain indexes, which is all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
NAFATH_SIMULATOR = env.bool("NAFATH_SIMULATOR", default=not PRODUCTION)
NAFATH_CHALLENGE_TTL = timedelta(seconds=env.int("NAFATH_CHALLENGE_TTL_SECONDS", default=60))
NAFATH_MAX_FAILURES = env.int("NAFATH_MAX_FAILURES", default=5)
NAFATH_LOCKOUT = timedelta(minutes=env.int("NAFATH_LOCKOUT_MINUTES", default=15))
# Reverse proxies in front of the web service, each appending to X-Forwarded-For: the client's
# address (najiz.common.addresses) is read that many entries from the right. Production sits
# behind the TLS proxy; with none in front, X-Forwarded-For is the client's to forge.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)
# A signed-in session ends after SESSION_IDLE_TIMEOUT without activity (with a warning
# SESSION_IDLE_WARNING before) and SESSION_MAX_AGE after signing in whatever the activity
# (najiz.accounts.session_expiry). The cookie never outlives SESSION_MAX_AGE.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=15))
SESSION_IDLE_WARNING = timedelta(minutes=2)
SESSION_MAX_AGE = timedelta(hours=env.int("SESSION_MAX_HOURS", default=12))
if not (SESSION_IDLE_WARNING < SESSION_IDLE_TIMEOUT <= SESSION_MAX_AGE <= timedelta(hours=12)):
    raise ImproperlyConfigured(
        "SESSION_MAX_HOURS must be at most 12, and SESSION_IDLE_MINUTES more than 2 and no longer."
    )
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE.total_seconds())

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Riyadh"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "najiz_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Tests run tasks in-process unless they start a real worker (tests/integration).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL or TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "najiz"
# Two queues, taken in this order by every worker ("priority"): the court's own steps first, then
# the sending of notices, so a burst of SMS and e-mail never holds up a decision.
CELERY_TASK_QUEUES = (Queue("najiz"), Queue("najiz.notices"))
CELERY_TASK_ROUTES = {"notifications.deliver": {"queue": "najiz.notices"},
                      "notifications.deliver_many": {"queue": "najiz.notices"}}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "queue_order_strategy": "priority"}
# A web request never waits long on a broker that is down: the sweeps resend what was not sent.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A pool process that is not up within this time is killed; its start includes the PDF warm-up
# (PDF_WARM_ON_START: 1-2 s alone, several seconds when every process starts at once on a busy
# machine), so Celery's 4 s would kill them.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 30
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {}  # filled by najiz.sweeps.SWEEPS in najiz/celery.py
SWEEP_INTERVAL_SECONDS = env.int("SWEEP_INTERVAL_SECONDS", default=30)
STALLED_AFTER = timedelta(minutes=env.int("STALLED_AFTER_MINUTES", default=3))

# --- Caches ---------------------------------------------------------------------------------
CACHES = {
    "default": (
        # Short timeouts: with Redis unreachable the API rate limit falls back within a second.
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
         "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
        if REDIS_URL and not TESTING
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Domain settings ------------------------------------------------------------------------
ENFORCEMENT_PAYMENT_PERIOD = timedelta(days=env.int("ENFORCEMENT_PAYMENT_PERIOD_DAYS", default=5))
# Art. 34: no electronic channel reached the debtor within this time → newspaper notice.
ENFORCEMENT_NOTICE_AFTER = timedelta(days=env.int("ENFORCEMENT_NOTICE_AFTER_DAYS", default=20))
# Requests the automatic steps take in one transaction (enforcement.pipeline).
ENFORCEMENT_BATCH_SIZE = env.int("ENFORCEMENT_BATCH_SIZE", default=50)
# How long the circuits' counts of open requests (the referral's loads) are kept in the cache;
# 0 counts them at every batch (the tests, whose database rolls back under a lasting cache).
ENFORCEMENT_LOADS_CACHE_SECONDS = env.int("ENFORCEMENT_LOADS_CACHE_SECONDS", default=0 if TESTING else 30)
# A request whose automatic step fails is set aside (enforcement.quarantine) and retried alone after
# ENFORCEMENT_STEP_RETRY_SECONDS, twice as long after each further failure (at most
# ENFORCEMENT_STEP_RETRY_MAX_SECONDS); at ENFORCEMENT_STEP_MAX_FAILURES it waits for a judge.
ENFORCEMENT_STEP_MAX_FAILURES = env.int("ENFORCEMENT_STEP_MAX_FAILURES", default=5)
ENFORCEMENT_STEP_RETRY_DELAY = timedelta(seconds=env.int("ENFORCEMENT_STEP_RETRY_SECONDS", default=60))
ENFORCEMENT_STEP_RETRY_MAX_DELAY = timedelta(seconds=env.int("ENFORCEMENT_STEP_RETRY_MAX_SECONDS", default=1800))
ENFORCEMENT_NOTICE_COST = env.str("ENFORCEMENT_NOTICE_COST", default="500.00")
# Lapsed periods whose measures one task applies, in one transaction (enforcement.services.apply_measures_batch).
ENFORCEMENT_MEASURES_BATCH_SIZE = env.int("ENFORCEMENT_MEASURES_BATCH_SIZE", default=25)
# A due step the deadline sweep has queued is not queued again for this long (a lost task is).
ENFORCEMENT_DUE_QUEUED_SECONDS = env.int("ENFORCEMENT_DUE_QUEUED_SECONDS", default=900)
ENFORCEMENT_DEADLINE_ALERT = timedelta(hours=env.int("ENFORCEMENT_DEADLINE_ALERT_HOURS", default=24))
# The longest grace period (إمهال) a creditor may grant or a judge allow, in days.
ENFORCEMENT_GRACE_MAX_DAYS = env.int("ENFORCEMENT_GRACE_MAX_DAYS", default=90)
# Instalment settlement (تقسيط): an instalment still unpaid this many days after its due date ends
# the plan and enforcement reactivates; a plan has at most ENFORCEMENT_INSTALMENTS_MAX monthly
# instalments, the first due within ENFORCEMENT_INSTALMENT_FIRST_DUE_MAX_DAYS.
ENFORCEMENT_INSTALMENT_DEFAULT_DAYS = env.int("ENFORCEMENT_INSTALMENT_DEFAULT_DAYS", default=10)
ENFORCEMENT_INSTALMENTS_MAX = env.int("ENFORCEMENT_INSTALMENTS_MAX", default=24)
ENFORCEMENT_INSTALMENT_FIRST_DUE_MAX_DAYS = env.int("ENFORCEMENT_INSTALMENT_FIRST_DUE_MAX_DAYS", default=60)
CONVEYANCE_OFFER_TTL = timedelta(hours=env.int("CONVEYANCE_OFFER_TTL_HOURS", default=72))
CONVEYANCE_MAX_PRICE = env.str("CONVEYANCE_MAX_PRICE", default="5000000.00")
# The real-estate transaction tax on a conveyance's price (0.05 is 5%), due before the transfer.
CONVEYANCE_TAX_RATE = env.str("CONVEYANCE_TAX_RATE", default="0.05")
GATEWAY_SECRET = env.str("GATEWAY_SECRET", default="" if PRODUCTION else "dev-gateway-secret")
# The payment gateway simulator (/gateway/, its test cards and the OTP it shows) exists only with
# this on, like NAFATH_SIMULATOR; a system check refuses either in production.
PAYMENT_GATEWAY_SIMULATOR = env.bool("PAYMENT_GATEWAY_SIMULATOR", default=not PRODUCTION)
# The demo clock (demo/clock.py): a bar on every page moves the portal's time forward and runs the
# sweeps, so what waits for a deadline can be seen at once. On for `make run`, off in the tests
# (they turn it on where they need it) and off in production, where a system check refuses it.
DEMO_CLOCK = env.bool("DEMO_CLOCK", default=not PRODUCTION and not TESTING)
# The pay button's gateway (payments/adapters.py): "simulator", "http" (the hosted payment page at
# PAYMENT_GATEWAY_URL) or "" (no online payment: the invoice shows its SADAD bill number).
PAYMENT_GATEWAY_URL = env.str("PAYMENT_GATEWAY_URL", default="")
PAYMENT_GATEWAY_MERCHANT_ID = env.str("PAYMENT_GATEWAY_MERCHANT_ID", default="")
PAYMENT_GATEWAY = env.str(
    "PAYMENT_GATEWAY", default="simulator" if PAYMENT_GATEWAY_SIMULATOR else ("http" if PAYMENT_GATEWAY_URL else "")
)
# Webhooks never go to loopback, private or link-local addresses unless this is on, for a receiver
# on a developer's own machine or in a test. Production never honours it, and `manage.py check`
# fails there with it on (linkage.E001).
LINKAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("LINKAGE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=False)

# --- Operations: metrics and PDF warm-up ----------------------------------------------------
# /metrics (operations/access.py) answers only a scraper that sends `Authorization: Bearer
# METRICS_TOKEN` and/or calls from METRICS_ALLOWED_NETWORKS (CIDR, by najiz.common.addresses;
# IPv6 clients count as their /64). Each one set must hold; with neither set, /metrics is a 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_network!r} is not a network (CIDR).") from None
# The step latencies cover the steps completed this far back; a request idle in an automatic
# state longer than METRICS_STRANDED_AFTER counts as stranded.
METRICS_WINDOW = timedelta(minutes=env.int("METRICS_WINDOW_MINUTES", default=15))
METRICS_STRANDED_AFTER = timedelta(seconds=env.int("METRICS_STRANDED_AFTER_SECONDS", default=60))
# Render one tiny PDF when a web or worker process starts (najiz.common.pdf.warm_up), so the first
# document a person asks for does not pay WeasyPrint's start-up (over a second).
PDF_WARM_ON_START = env.bool("PDF_WARM_ON_START", default=not TESTING)
# Every PDF is signed (PAdES) with this PKCS#12 key and certificate (najiz.common.signing). In
# production the ministry's; elsewhere `manage.py dev_signing_key` makes a local CA's under var/.
PDF_SIGNING_KEY_FILE = env.str(
    "PDF_SIGNING_KEY_FILE", default="" if PRODUCTION else str(VAR_DIR / "signing" / "signing.p12")
)
PDF_SIGNING_KEY_PASSWORD = env.str("PDF_SIGNING_KEY_PASSWORD", default="" if PRODUCTION else "najiz-development")
# The verification page reads an uploaded PDF up to this size, in memory, and never stores it.
VERIFY_UPLOAD_MAX_BYTES = env.int("VERIFY_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@najiz.example")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "celery.app.trace": {"level": env.str("TASK_LOG_LEVEL", default="WARNING")},
    },
}
