#!/bin/sh
# Start a container (CI runs the same script outside Docker): apply migrations first when
# MIGRATE_ON_START=1 (a single-container deployment; compose runs them once in its own
# service instead), then run the given command, or by default gunicorn with
# docker/gunicorn.conf.py.
set -eu
cd "$(dirname "$0")/.."

if [ "${MIGRATE_ON_START:-0}" = "1" ]; then
  python manage.py migrate --noinput
fi

if [ "$#" -gt 0 ]; then
  exec "$@"
fi
exec gunicorn --config docker/gunicorn.conf.py cms.wsgi
