# Image for the web server, the Celery worker and beat (see docker-compose.yml).
# Debian 12 (bookworm): the release system-packages.txt names and CI checks (.ci/docker-image,
# which builds on a local Debian 12 stand-in where Docker Hub cannot be reached).
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries (Pango, HarfBuzz) and the letters' font, from the one list
# CI installs too.
COPY system-packages.txt /tmp/system-packages.txt
RUN apt-get update \
    && apt-get install -y --no-install-recommends $(sed 's/#.*//' /tmp/system-packages.txt) \
    && rm -rf /var/lib/apt/lists/* /tmp/system-packages.txt

RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

# The runtime dependencies only (the test tools are in requirements-dev.txt).  Then a PDF with
# Norwegian letters in the letters' font, HarfBuzz's subsetter required, so that an image that
# lacks a library fails here and not in the worker at its first letter.
COPY requirements.txt .
RUN pip install -r requirements.txt \
    && python -W error::DeprecationWarning:weasyprint.text.ffi -c "import weasyprint; weasyprint.HTML(string='<p style=\"font-family: DejaVu Sans\"><b>Tilsagn</b> æøå</p>').write_pdf()"

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
