"""autocrm settings: one file, driven by environment variables (see README)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from autocrm.env import envbool, envint, envsecret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("AUTOCRM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", "0")
SECRET_KEY = envsecret("SECRET_KEY", "autocrm-dev-only-secret-change-me-in-production-0123456789")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
# --- Deployment behind TLS: HTTPS=1 (tests/test_deploy_settings.py runs `check --deploy`) ----
#: Served over HTTPS (directly or behind a reverse proxy that sets X-Forwarded-Proto)
HTTPS = envbool("HTTPS", "0")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS and envbool("HTTPS_REDIRECT", "1")
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", "31536000") if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and envbool("HSTS_PRELOAD", "0")
#: Preloading HSTS is a commitment to the browsers' list, asked for by HSTS_PRELOAD=1 only
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site
# only (the assets are vendored), no inline script; style attributes stay allowed (progress
# bars set their width, the charts their size). CSP_REPORT_ONLY=1 reports instead of blocking.
_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if envbool("CSP_REPORT_ONLY", "0"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",  # its table stays for the migration history; tokens: knox
    "knox",
    "drf_spectacular",
    "django_htmx",
    "simple_history",
    "huey.contrib.djhuey",
    "axes",
    "csp",
    "autocrm.tenancy",
    "autocrm.core",
    "autocrm.dictionaries",
    "autocrm.catalogue",
    "autocrm.customers",
    "autocrm.quality",
    "autocrm.imports",
    "autocrm.matching",
    "autocrm.sales",
    "autocrm.demo",
    "autocrm.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "autocrm.core.middleware.UriLengthMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "autocrm.tenancy.middleware.DealerScopeMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # last: turns the lockout of a throttled sign-in into its answer (tenancy.throttling)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "autocrm.urls"
WSGI_APPLICATION = "autocrm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "autocrm.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database: embedded SQLite by default, PostgreSQL when DATABASE_URL is set -------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'autocrm.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=envint("CONN_MAX_AGE", "60")
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-autocrm.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short OLTP queries: JIT compilation costs more (tens of ms) than it ever saves here.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tenancy.Staff"
# --- Login throttling (django-axes; tenancy/throttling.py) ----------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account or address first
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "autocrm.tenancy.throttling.LoginThrottle"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURES_PER_ACCOUNT", "5")
LOGIN_FAILURES_PER_ADDRESS = envint("LOGIN_FAILURES_PER_ADDRESS", "20")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", "15"))
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "autocrm.tenancy.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "autocrm.tenancy.throttling.client_address"
#: Reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none)
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
if envbool("FAST_PASSWORD_HASHER", "0"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Language and time: Chinese first, UTC stored, Asia/Shanghai shown ----------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "autocrm" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "autocrm.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "autocrm.core.pagination.KeysetPagination",
    "PAGE_SIZE": 25,
}
REST_KNOX = {
    # a token expires by itself; its holder revokes it sooner (/accounts/tokens/, the API)
    "TOKEN_TTL": timedelta(hours=envint("API_TOKEN_HOURS", "720")),
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "autocrm API",
    "DESCRIPTION": "Customer profiles, contacts and vehicles of one dealership.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # the schema describes every endpoint and field: for signed-in users only (issue #13)
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Background work: huey, SQLite storage embedded, Redis when configured ----------------
HUEY_REDIS_URL = os.environ.get("HUEY_REDIS_URL", "")
if HUEY_REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "autocrm",
        "url": HUEY_REDIS_URL,
        "immediate": envbool("HUEY_IMMEDIATE", "0"),
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "autocrm",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": envbool("HUEY_IMMEDIATE", "1"),
    }

# --- Business thresholds (domain.md §2); rules read them, never literals --------------------
QUALITY = {
    # Accuracy checks (seed 000): name, mobile, address to house number, vehicle purchase and
    # spending records. Weights sum to 100.
    "ACCURACY_WEIGHTS": {"name": 25, "mobile": 30, "address": 25, "vehicles": 20},
    # Completeness checks (seed 000): hobbies/interests, activity level, follow-up results,
    # event participation, referrals.
    "COMPLETENESS_WEIGHTS": {
        "interests": 20,
        "activity_level": 20,
        "follow_up_results": 20,
        "event_participation": 20,
        "referrals": 20,
    },
    # A score at or above GOOD is good, at or above FAIR is fair, else poor (our default).
    "LEVEL_GOOD": 80,
    "LEVEL_FAIR": 50,
    # A record not verified for this many days is stale (our default).
    "STALE_AFTER_DAYS": 365,
    # Usability of the data per marketing channel (seed 000): share of records usable for the
    # channel, in percent. Below the first bound is poor, from it fair, from the second good.
    "CHANNEL_BOUNDS": {
        "statistical_analysis": (50, 80),
        "direct_mail": (50, 80),
        "email": (20, 60),
        "sms": (30, 60),
        "telephone": (30, 70),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
