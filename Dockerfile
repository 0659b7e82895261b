# Image for the web server, the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries (Pango, HarfBuzz, fonts) will be added here with the PDFs.

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=app:app . .

# var/ holds the collected static files (in the image) and two volumes: private/ (attachments
# and letters, shared by web and worker) and beat/ (beat's schedule).  Creating them here,
# owned by app, makes the named volumes start with the right owner.
RUN mkdir -p var/static var/private var/beat \
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0 \
    && chown -R app:app var

USER app

EXPOSE 8000

CMD ["gunicorn", "programme.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
