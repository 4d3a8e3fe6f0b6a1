#!/bin/sh
# Bake into the image what every container needs and none may change at run time: the
# compiled message catalogues and the hashed, compressed static files (WhiteNoise serves
# them from STATIC_ROOT). The Dockerfile runs this script, and so does CI outside Docker
# (tests/test_docker_build.py), so every build step is tested without a Docker engine.
set -eu
cd "$(dirname "$0")/.."

# Production settings refuse to load without a key and hosts. Nothing built here is
# signed, so a throwaway key (long and random enough for `check --deploy`) is used and
# never stored; the real ones come from the environment at run time.
DJANGO_SETTINGS_MODULE=cms.settings.production
SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
ALLOWED_HOSTS="${ALLOWED_HOSTS:-build.invalid}"
export DJANGO_SETTINGS_MODULE SECRET_KEY ALLOWED_HOSTS

python manage.py compile_translations
python manage.py collectstatic --noinput --clear --verbosity 0
# The production settings must pass Django's deployment checklist without a warning.
python manage.py check --deploy --fail-level WARNING
# Bytecode now: the code is read-only for the app user, so workers could not cache it.
set --
for package in */; do
  if [ -f "${package}__init__.py" ]; then set -- "$@" "$package"; fi
done
python -m compileall -q "$@"
