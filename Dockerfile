# One image for every process of the platform: web (gunicorn), worker and beat (Celery).
# docker-compose.yml shows how they fit together; settings come from the environment.
FROM python:3.11-slim

# The code runs from /app, next to the templates/, static/ and locale/ that BASE_DIR points
# at; PYTHONPATH makes gunicorn and celery import it from there whatever their directory.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    MEDIA_ROOT=/app/media

# A writable home of its own: gunicorn puts its control socket under ~/.gunicorn.
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies come from pyproject.toml alone, so editing the code reuses this layer.
# The project's packages are not copied yet, so this installs their dependencies only;
# the packages themselves run from /app.
COPY pyproject.toml README.md ./
RUN pip install . && rm -rf build ./*.egg-info

# The code stays owned by root: the app user can read it, not change it.
COPY . .

# Settings refuse to load without a secret key when DEBUG is off; collectstatic never
# signs anything, so a throwaway value for this one command is enough and is not kept.
RUN env DJANGO_SECRET_KEY=build-only-collectstatic-not-a-secret \
    python manage.py collectstatic --noinput

# Uploaded files are the only thing the app writes; a named volume mounted here starts
# with this directory's owner, so the app user can write to it.
RUN mkdir -p /app/media && chown app:app /app/media

USER app

EXPOSE 8000

# gunicorn reads WEB_CONCURRENCY as its worker count: 3 suits a small host (2-4 per CPU
# is the usual range); set it per deployment rather than rebuilding.
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "marketplace.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--error-logfile", "-"]
