"""Settings of the site the browser tests talk to: the test settings, served by gunicorn.

Static files come straight from the app directories (no collectstatic run per test session),
and links in e-mails and the API point at the loopback server the tests started.
"""

import os

from cms.settings.test import *  # noqa: F403

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1")
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
