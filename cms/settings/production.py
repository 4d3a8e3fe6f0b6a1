"""Production: secrets and hosts must come from the environment; HTTPS everywhere."""

import os

from .base import *  # noqa: F403
from .base import env_bool, env_list, require_env

DEBUG = False
SECRET_KEY = require_env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [require_env("ALLOWED_HOSTS")]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
