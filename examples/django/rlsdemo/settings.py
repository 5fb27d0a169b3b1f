"""Settings for the rls_fixer Django example. Everything that differs between machines comes from
the environment:

  DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD   connection (PG* variables are the fallback)
  DB_CONN_MAX_AGE       seconds to keep a connection between requests (0 = new one per request)
  RLS_ATOMIC_REQUESTS   1 = ATOMIC_REQUESTS with the transaction-local tenant middleware,
                        otherwise the session-level middleware that clears in `finally`
  RLS_CONTEXT_KEY       hex of the context key (>= 32 bytes, the one given to
                        rls_fixer.set_context_key()): signed tenant contexts
  RLS_TOKEN_TTL         seconds a minted token stays valid (default 60)
"""
import os

from tenant_token import key_from_hex

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-example-key-not-for-production")
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = ["notes"]
ROOT_URLCONF = "rlsdemo.urls"
WSGI_APPLICATION = "rlsdemo.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True

ATOMIC = os.environ.get("RLS_ATOMIC_REQUESTS", "") == "1"

# Signed tenant contexts: the middleware mints a token per request with this key and calls
# set_tenant_context_signed(). None: the plain set_tenant_context().
RLS_CONTEXT_KEY = key_from_hex(os.environ["RLS_CONTEXT_KEY"]) if os.environ.get("RLS_CONTEXT_KEY") else None
RLS_TOKEN_TTL = int(os.environ.get("RLS_TOKEN_TTL", "60"))

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",  # psycopg2 (or psycopg 3 when installed)
        "HOST": os.environ.get("DB_HOST", os.environ.get("PGHOST", "127.0.0.1")),
        "PORT": os.environ.get("DB_PORT", os.environ.get("PGPORT", "5432")),
        "NAME": os.environ.get("DB_NAME", os.environ.get("PGDATABASE", "rls_example")),
        "USER": os.environ.get("DB_USER", os.environ.get("PGUSER", "app_user")),
        "PASSWORD": os.environ.get("DB_PASSWORD", ""),
        "CONN_MAX_AGE": int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        "ATOMIC_REQUESTS": ATOMIC,
    }
}

MIDDLEWARE = [
    "rls_middleware.AtomicTenantContextMiddleware" if ATOMIC else "rls_middleware.TenantContextMiddleware",
]

# Errors (with tracebacks) to stderr, also when DEBUG is off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR"},
                "rls_middleware": {"handlers": ["stderr"], "level": "WARNING"}},
}
