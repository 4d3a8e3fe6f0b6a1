"""Settings shared by every environment; everything that differs comes from the environment."""

import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "cms"


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean flag; anything but an explicit yes-word is False."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "directory",
    "districts",
    "projects",
    "publications",
    "importer",
    "syndication",
    # After syndication: its receivers of change_recorded (webhooks, purges) run before
    # search's, which may index many pages inline.
    "search",
    "cms",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",
    "wagtail_headless_preview",
    "wagtail.api.v2",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "ninja",  # serves Swagger UI from its own static files, not from a CDN
    "corsheaders",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # /healthz before host checks and the HTTPS redirect: probes come over loopback http.
    "cms.health.health_check_middleware",
    "django.middleware.security.SecurityMiddleware",
    # Security headers first, so every response gets them, cached or static ones included.
    "cms.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # NUL characters in the URL: 400 before any of it reaches a query (cms/errors.py).
    "cms.errors.reject_nul_characters",
    # Cached anonymous pages, API answers and feeds leave here, before sessions and everything
    # below (cms.page_cache).
    "cms.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as axes asks: turns a locked-out sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: DATABASE_URL, else the embedded SQLite file in the project.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL's parallel query helps one large report, not many small page queries at once:
# starting workers per query doubled the SQL time of a listing (12 → 27 ms at 100,000 pages)
# on two cores under load. DATABASE_PARALLEL_WORKERS raises it where the machine has room.
# PostgreSQL's default random_page_cost (4.0) prices a random read as on a spinning disk; a
# site's pages stay in memory or on SSDs, where 1.1 is the usual value. With 4.0 the planner
# answered common search words by unpacking every entry of the search index instead of the
# ones the GIN indexes point to (2-4 times slower at 20,000 pages), and found a feed's 50
# newest projects by walking the newest pages of every type (37,560 at 100,000 pages, 45 ms)
# instead of the index of pages by type and date (cms migration 0004).
POSTGRES_SESSION_OPTIONS = (
    f"-c max_parallel_workers_per_gather={int(os.environ.get('DATABASE_PARALLEL_WORKERS', '0'))}"
    f" -c random_page_cost={float(os.environ.get('DATABASE_RANDOM_PAGE_COST', '1.1'))}"
)


def _tuned(database: dict) -> dict:
    if "postgresql" in database["ENGINE"]:
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} {POSTGRES_SESSION_OPTIONS}".strip()
    return database


DATABASES["default"] = _tuned(DATABASES["default"])
# A read replica of the primary (DATABASE_REPLICA_URL): anonymous GET requests read from it,
# every write and every request with a session uses the primary (cms/db_router.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = _tuned(
        dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"],
            conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    )
    # Tests read the primary's test database through this alias, as the replica would.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    # For this long after any change, reads use the primary (more than the replica's lag).
    DATABASE_REPLICA_LAG_SECONDS = float(os.environ.get("DATABASE_REPLICA_LAG_SECONDS", "5"))
    DATABASE_ROUTERS = ["cms.db_router.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("cms.health.health_check_middleware") + 1,
        "cms.db_router.replica_reads_middleware",
    )

# Cache: Redis when REDIS_URL is set, process-local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Several sites (or test runs) may share one Redis server.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ikpe"),
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Security (docs/security.md). Headers every environment sends; HTTPS-only ones (HSTS,
# secure cookies) are in production.py.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview view allows its own origin itself
# The public site runs no inline script or style; MEDIA_URL's origin is added to img-src
# at response time (cms.security).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Wagtail's admin still uses inline scripts and styles; only signed-in staff see it.
# Both policies are checked in Chromium by tests/test_security_headers.py.
CONTENT_SECURITY_POLICY_ADMIN = {
    "PATHS": ("/admin/",),
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],  # the preview panel frames the admin's preview view
    },
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Gravatar would send a hash of every editor's e-mail address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Sign-in: axes locks a username from one address out after AXES_FAILURE_LIMIT failures.
AUTHENTICATION_BACKENDS = [
    "cms.security.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cms.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cms.security.client_ip"
# Wagtail's public API (/api/v2/) is anonymous; DRF's default HTTP Basic authentication would
# make it a second door for guessing passwords. The admin's own API sets session auth itself.
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": []}
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Sessions end when the browser closes (unless “Remember me”), and after SESSION_COOKIE_AGE
# on the server in any case.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Internationalisation: German first, English second.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Static and media files
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media on S3-compatible object storage when a bucket is named, so every app process and
# host sees the same files; the credentials are read from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY (or the instance role) by boto3 itself.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            # Images are public: plain URLs that browsers and CDNs can cache, not signed
            # ones that expire while a page is cached.
            "querystring_auth": False,
            # Two uploads with the same file name must not replace each other.
            "file_overwrite": False,
        },
    }
    # Documents go through Wagtail's view, which checks collection privacy on every
    # download, instead of redirecting to a bucket URL anyone could pass on.
    WAGTAILDOCS_SERVE_METHOD = "serve_view"
    # Where the files are served from, as S3Storage.url() builds it (the Content Security
    # Policy allows images from MEDIA_URL's origin); MEDIA_URL overrides it.
    _s3 = STORAGES["default"]["OPTIONS"]
    if _s3["custom_domain"]:
        _media_base = f"https://{_s3['custom_domain']}"
    elif _s3["endpoint_url"]:
        _media_base = f"{_s3['endpoint_url'].rstrip('/')}/{_s3['bucket_name']}"
    else:
        _media_base = f"https://{_s3['bucket_name']}.s3.amazonaws.com"
    _media_base = "/".join(filter(None, [_media_base, _s3["location"].strip("/")]))
    MEDIA_URL = os.environ.get("MEDIA_URL") or f"{_media_base}/"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "IKPE – Institut für kommunale Planung und Entwicklung"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Search: the database (PostgreSQL full text per language, SQLite FTS5) unless SEARCH_BACKEND
# names an Elasticsearch/OpenSearch backend reachable at SEARCH_URL.
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "database")
SEARCH_URL = os.environ.get("SEARCH_URL", "")
SEARCH_EXTERNAL_BACKENDS = ["elasticsearch8", "elasticsearch9", "opensearch2", "opensearch3"]
if SEARCH_BACKEND in SEARCH_EXTERNAL_BACKENDS:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": f"wagtail.search.backends.{SEARCH_BACKEND}",
            "URLS": [SEARCH_URL],
            "INDEX": os.environ.get("SEARCH_INDEX", "ikpe"),
            "TIMEOUT": 5,
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends",
            "SEARCH_CONFIG": "ikpe_german",
            "LOCALE_CONFIGS": {"de": "ikpe_german", "en": "ikpe_english"},
        }
    }
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx", "xlsx", "csv", "txt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 30 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Uploads are checked by content, not by name (cms/uploads.py); no SVG (active content).
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.uploads.ImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.uploads.DocumentForm"
DOCUMENT_MAX_UNPACKED_SIZE = 200 * 1024 * 1024  # .docx/.xlsx/.odt are zip archives
WAGTAIL_MODERATION_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

# Syndication: the partner API (/api/v1/), feeds, change events and webhooks.
API_MAX_LIMIT = 50
# Rate limits per client: anonymous callers per IP address, partners per API key.
API_RATE_LIMITS = {
    "anonymous": os.environ.get("API_RATE_ANONYMOUS", "120/min"),
    "partner": os.environ.get("API_RATE_PARTNER", "1200/min"),
}
# Browsers and CDNs may reuse a response this long; the server-side cache is invalidated
# on every change, so it keeps entries for a day.
API_HTTP_MAX_AGE = int(os.environ.get("API_HTTP_MAX_AGE", "60"))
# Without Redis every worker process has a cache of its own that an edit handled by another
# process cannot retire: entries then live one second, so a change still reaches every
# process within a second (what the shared cache guarantees through its stamps).
SERVER_CACHE_DEFAULT = str(24 * 60 * 60) if REDIS_URL else "1"
API_SERVER_CACHE_SECONDS = int(os.environ.get("API_SERVER_CACHE_SECONDS", SERVER_CACHE_DEFAULT))
# Anonymous HTML pages (cms.page_cache): kept server-side until what they show changes (at
# most this long; 0 turns the cache off), reusable by browsers and CDNs for HTML_HTTP_MAX_AGE.
HTML_CACHE_SECONDS = int(os.environ.get("HTML_CACHE_SECONDS", SERVER_CACHE_DEFAULT))
HTML_HTTP_MAX_AGE = int(os.environ.get("HTML_HTTP_MAX_AGE", "60"))
CORS_ALLOWED_ORIGINS = env_list("API_CORS_ORIGINS")
CORS_URLS_REGEX = r"^/(api|feeds)/.*$"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = (
    "accept",
    "accept-language",
    "if-none-match",
    "if-modified-since",
    "x-api-key",
)
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Retry-After")
WAGTAILAPI_BASE_URL = os.environ.get("WAGTAILAPI_BASE_URL", WAGTAILADMIN_BASE_URL)
WAGTAILAPI_LIMIT_MAX = API_MAX_LIMIT
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
WAGTAILAPI_SEARCH_ENABLED = True
# Wagtail's own tasks run inline; webhook deliveries go through the database queue
# (`manage.py db_worker`) so retries can wait, unless TASKS_BACKEND says otherwise.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "webhooks": {
        "BACKEND": os.environ.get("WEBHOOK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["webhooks"],
    },
}
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "6"))
WEBHOOK_BACKOFF_SECONDS = float(os.environ.get("WEBHOOK_BACKOFF_SECONDS", "30"))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# Plain http only for receivers on 127.0.0.1/localhost (tests, development).
WEBHOOK_ALLOW_HTTP_LOOPBACK = False
# Headless preview: drafts open in a partner's front end; tokens expire after this time.
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {"default": os.environ.get("HEADLESS_PREVIEW_URL", "")},
    "ENFORCE_TRAILING_SLASH": False,
}
HEADLESS_PREVIEW_MAX_AGE = int(os.environ.get("HEADLESS_PREVIEW_MAX_AGE", "1800"))
# CDN or reverse proxy purging (Varnish, nginx, …) when FRONTEND_CACHE_PURGE_URL is set.
# Our URLs carry their language prefix already; don't let Wagtail multiply every purge
# by the languages.
WAGTAILFRONTENDCACHE_LANGUAGES: list[str] = []
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"],
        }
    }

# Public facts about the institute used as defaults (publisher, JSON-LD, footer).
IKPE_NAME = "Institut für kommunale Planung und Entwicklung e.V."
IKPE_SHORT_NAME = "IKPE"
IKPE_CITY = "Erfurt"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


# gunicorn stops (rather than respawning workers forever) when a worker exits with this.
EXIT_CONFIG_ERROR = 4


def require_env(name: str) -> str:
    """Stop at start-up with one readable line instead of running with an unsafe default."""
    value = os.environ.get(name, "")
    if not value.strip(" ,"):
        sys.stderr.write(
            f"Refusing to start: the environment variable {name} must be set in production.\n"
        )
        raise SystemExit(EXIT_CONFIG_ERROR)
    return value
