"""Local development: DEBUG on, a fixed throwaway key, loopback hosts."""

import os

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me"  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# Nobody runs a task worker during development: deliver webhooks inline.
TASKS["webhooks"]["BACKEND"] = os.environ.get(  # noqa: F405
    "WEBHOOK_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
)
# Webhook receivers on this machine may use plain http while developing.
WEBHOOK_ALLOW_HTTP_LOOPBACK = True
# Template edits must show at once while developing: no HTML page cache unless asked for.
HTML_CACHE_SECONDS = int(os.environ.get("HTML_CACHE_SECONDS", "0"))
