# Production image: gunicorn serving cms.wsgi with production settings.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.lock ./
RUN python -m venv /venv && /venv/bin/pip install -r requirements.lock

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=cms.settings.production \
    STATIC_ROOT=/app/static_collected MEDIA_ROOT=/data/media
RUN useradd --system --uid 1000 --home /app ikpe && mkdir -p /data/media && chown ikpe /data/media
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=ikpe . .
# Build-time only key: collectstatic and the message catalogues need settings to load.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py compile_translations \
    && SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v0
USER ikpe
EXPOSE 8000
CMD ["gunicorn", "cms.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
