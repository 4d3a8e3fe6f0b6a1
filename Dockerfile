# syntax=docker/dockerfile:1
# Production image of the IKPE content platform: gunicorn serving cms.wsgi with production
# settings, static files and message catalogues baked in. Each step runs a script that CI
# also runs outside Docker (tests/test_docker_build.py). Usage: docs/operations.md.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: the virtual environment from the runtime lock (never the dev lock), with a
# compiler for any package without a wheel; none of the build tools reach the final image.
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install --yes --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv /venv && /venv/bin/pip install --requirement /tmp/requirements.lock

# --- app: slim runtime, code owned by root and read-only for the unprivileged app user,
# which may write only the media directory.
FROM ${PYTHON_IMAGE} AS app
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production \
    STATIC_ROOT=/app/static_collected \
    MEDIA_ROOT=/data/media \
    PORT=8000
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin ikpe \
    && install -d -o ikpe -g ikpe /data/media
COPY --from=build /venv /venv
WORKDIR /app
COPY manage.py ./
COPY docker ./docker
COPY locale ./locale
COPY cms ./cms
COPY directory ./directory
COPY districts ./districts
COPY home ./home
COPY importer ./importer
COPY projects ./projects
COPY publications ./publications
COPY search ./search
COPY syndication ./syndication
RUN docker/build-app.sh
USER ikpe
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
