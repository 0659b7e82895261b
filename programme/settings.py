"""Settings for Næringsprogram, read from environment variables (twelve-factor).

Without any variables set the project runs as a zero-set-up demo: SQLite under ``var/``
and Celery on Kombu's filesystem transport under ``var/celery`` (a real worker and beat,
no server to install).  Production sets DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY,
DEBUG=False and ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

# The embedded default's files: the SQLite database, Celery's queue folders, letters and
# attachments, static files.  VAR_DIR moves them all (a test runs a whole second installation
# in a temporary folder, tests/integration/test_sqlite_embedded_default.py).
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    # Django's admin, on a site that asks for the second factor (programme/admin_site.py).
    "programme.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own form and widget templates, for the template-based form renderer (FORM_RENDERER).
    "django.forms",
    # Login throttling: failed logins per e-mail address and IP, lockout (see "Security" below).
    "programme.apps.LoginAttemptsConfig",  # axes, with a Norwegian name in the admin
    "rules.apps.AutodiscoverRulesConfig",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    # Two-factor login for staff: authenticator apps (TOTP) and one-time backup codes.
    "django_otp",
    "programme.apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp
    "programme.apps.BackupCodesConfig",  # django_otp.plugins.otp_static
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "programme",
    "applications",
    "workflow",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Instead of Django's LocaleMiddleware: Norwegian bokmål unless the person chose English
    # (never the browser's Accept-Language); after the authentication, for the account's choice.
    "programme.middleware_language.LanguageMiddleware",
    # After the authentication: request.user.is_verified() (a code was given in this session).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff of a programme that requires two-factor login are sent to turn it on first.
    "programme.middleware_two_factor.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "programme.middleware.RuleViolationMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "programme.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "programme.context_processors.staff_roles",
                "workflow.context_processors.notifications",
            ],
        },
    },
]

# Every form draws its fields with one template (templates/includes/field.html): Django's
# template-based renderer with the project's form and field templates (programme/forms.py).
# It finds Django's own widget templates and the admin's through the apps' template folders.
FORM_RENDERER = "programme.forms.FormRenderer"

WSGI_APPLICATION = "programme.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep a connection for the next requests of the same worker (opening one costs more than many
# a page's queries), checked before it is reused, so a connection the database dropped is
# replaced, and a database that is down still gives the 503 page. 0 closes it after each request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server and the Celery worker write to one file side by side (`make run`), so
    # (Django's "SQLite notes", https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-notes):
    # - WAL: readers never wait for a writer, nor a writer for readers; one writer at a time.
    # - IMMEDIATE: a transaction takes the write lock when it begins, so it waits for another
    #   writer (up to the timeout) instead of failing at once with "database is locked" when a
    #   transaction that has read tries to start writing (#sqlite-transaction-behavior).
    # - timeout: how long to wait for that lock, in seconds (Python's sqlite3 default is 5).
    # synchronous=NORMAL is the durable choice for WAL (a power cut may lose the last commits,
    # never corrupt the file) and saves a sync per commit.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )
    # A file, not memory, so that a real Celery worker started by a test sees the same data.
    DATABASES["default"]["TEST"].setdefault("NAME", str(VAR_DIR / f"test-{os.getpid()}.sqlite3"))

# How long a service waits for a row another transaction holds (programme/locking.py) before
# it refuses with "the case is busy; try again"; PostgreSQL only.
LOCK_TIMEOUT = env.float("LOCK_TIMEOUT", default=5.0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "programme.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses every login attempt for a locked-out e-mail address and IP (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Norwegian bokmål first, English second.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates (07.12.2026) and thousands (1 250 000) the Norwegian way in English too
# (programme/formats/en/formats.py); the decimal sign is each language's own.
FORMAT_MODULE_PATH = ["programme.formats"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)

# Attachments and letters are private: they live outside any public URL and are served
# only through views that check who may see the case.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="naeringsprogram@localhost")

# Celery: Redis when REDIS_URL is set; otherwise Kombu's filesystem transport, so that a
# real worker and beat run on a fresh machine with nothing to install.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longest task (the evaluation PDF) runs well under a minute; the visibility timeout must be
# above it so that Redis does not hand a running task to a second worker.
CELERY_TASK_TIME_LIMIT = 30 * 60
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Must stay above CELERY_TASK_TIME_LIMIT (tests/workflow/evaluation/test_evaluation_tasks.py
    # checks it): a message unacknowledged for longer is handed to a second worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
else:
    _celery_dir = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "results", "control"):
        (_celery_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        # Kombu's exchange tables; by default a "control" folder in the working directory.
        "control_folder": str(_celery_dir / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{_celery_dir / 'results'}"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The periodic tasks.  Each is safe to run twice; add one key per task.
CELERY_BEAT_SCHEDULE = {
    # Hourly: the two-year evaluation on the day a programme turns two, and evaluations whose
    # message was lost are asked for again.
    "make-automatic-evaluations": {"task": "workflow.tasks.make_automatic_evaluations", "schedule": 60 * 60},
    # Hourly: decision letters whose request was lost (a commit whose answer never came back).
    "resume-letters": {"task": "workflow.tasks.resume_letters", "schedule": 60 * 60},
    # Daily, Europe/Oslo (CELERY_TIMEZONE): reminders and lapses before the working day starts,
    # then the daily digests with what the reminders produced.
    "run-reminders": {"task": "workflow.tasks.run_reminders", "schedule": crontab(hour=6, minute=0)},
    "send-daily-digests": {"task": "workflow.tasks.send_daily_digests", "schedule": crontab(hour=7, minute=0)},
}

# The address links in letters and e-mails point at (the worker has no request to ask).
# Required in production: a default would send applicants to http://localhost:8000.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000" if DEBUG else "").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        "DEBUG is False: set SITE_URL to the site's address as applicants reach it, "
        "e.g. https://naeringsprogram.example.no (see README, Security); letters and e-mails link to it."
        if not SITE_URL
        else f"SITE_URL must start with http:// or https:// (it is {SITE_URL!r})."
    )
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Security (README "Security") -----------------------------------------------------------
# Production (DEBUG=False) runs on HTTPS, and `manage.py check --deploy` has nothing to say
# (tests/security/test_deploy_settings.py).  HTTPS=False keeps production settings on plain
# http (docker-compose on localhost, the benchmarks); the demo (DEBUG=True) is plain http.
if not DEBUG and "SECRET_KEY" not in os.environ:
    raise ImproperlyConfigured("DEBUG is False: set SECRET_KEY (see README, Security); the default key is public.")
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# The health check of docker-compose and load balancers asks over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
# One year, with the subdomains; SECURE_HSTS_SECONDS=300 first when moving a site to HTTPS.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Cookies: over https only in production; never readable by JavaScript (htmx sends the CSRF
# token from the form it posts, no script reads the cookie); not sent on cross-site posts.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp): scripts, styles, fonts and pictures from this site
# only, no inline script or style, no plugins, never inside another site's frame.  The
# pages' only script is the vendored htmx; data: URIs are Designsystemet's icons in its CSS.
# ReDoc's page (/api/redoc/) adds a nonce, two hashes and a blob: worker (workflow/api/docs.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Login throttling (django-axes): 5 failed logins for one e-mail address from one IP address
# lock that pair out for an hour, on the login page, the admin's and /api/token/ alike (the
# right password too).  A success before that starts the count again.  Unlock at once with
# `manage.py axes_reset` (everyone) or `axes_reset_username <e-mail>`.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "programme.login_attempts.login_username"
AXES_CLIENT_IP_CALLABLE = "programme.login_attempts.client_ip"
AXES_RESET_ON_SUCCESS = True
# The hour runs from the lockout; more attempts meanwhile do not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# 429 Too Many Requests, with the Norwegian page, which says "one hour" (the API answers JSON,
# workflow/api/lockout.py).
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Failed attempts only: no record of every successful login (IP address, browser) is kept.
AXES_DISABLE_ACCESS_LOG = True
# No banner in the output of every command; failures and lockouts are still logged.
AXES_VERBOSE = False

# --- REST API (/api/, workflow/api/) --------------------------------------------------------
# Tokens for integrations, the session for the browser (the docs page); nothing without a login.
REST_FRAMEWORK = {
    # Token first: an anonymous request is answered 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    # A locked-out login at /api/token/ answers 429 (django-axes, see "Security").
    "EXCEPTION_HANDLER": "workflow.api.lockout.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Næringsprogram API",
    "DESCRIPTION": "Read access to programmes, budget years, cases and evaluations, "
    "with the same permission rules as the web pages.",
    "VERSION": "1.0.0",
    # The schema and the docs are public; every resource needs a login or a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A case's state and a timeline event's from/to are the same choices.
    "ENUM_NAME_OVERRIDES": {"CaseStateEnum": "workflow.models.case.State"},
}

# The name authenticator apps show next to the code (two-factor login).
OTP_TOTP_ISSUER = "Næringsprogram"
LOGIN_URL = "login"
# The front page sends each person on: staff to the worklist, applicants to their cases.
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools log every layout step at INFO: noise in the worker's log and
    # in the output of the evaluation command.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
