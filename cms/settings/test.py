"""Tests: fast hashing, plain static storage, tasks run inline."""

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILAPI_BASE_URL = "http://testserver"
# Webhook deliveries queue in the database; tests run the worker themselves.
TASKS["webhooks"]["BACKEND"] = "django_tasks_db.DatabaseBackend"  # noqa: F405
WEBHOOK_BACKOFF_SECONDS = 0.0
WEBHOOK_ALLOW_HTTP_LOOPBACK = False  # tests allow it where they need a loopback receiver
# The whole suite runs with the HTML page cache on and long-lived, as production with Redis
# does (one process here, so the local-memory cache is shared by every request).
HTML_CACHE_SECONDS = API_SERVER_CACHE_SECONDS = 24 * 60 * 60
