# Hualien Exchange Desk: the bot server in a slim, non-root image.
#
#   docker build -t hualien-exchange-desk .
#   docker run --rm -p 8080:8080 -v desk-data:/app/data hualien-exchange-desk
#
# Several replicas on PostgreSQL behind one address: compose.yaml and README.md.
# No credential is baked in: LINE, Telegram and staff secrets come from the environment at run
# time (docker run --env-file, or compose.yaml's env_file). tests/test_deployment.py checks this
# file without a Docker engine, so keep it to one instruction per line plus "\" continuations.

# ---- builder: the project and its dependencies in a virtual environment --------------------
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# The dependencies first, exactly as pinned in requirements.lock (versions and hashes: a file
# that changed on the index since the lock was made is refused); --no-deps, so nothing the
# lock does not list comes in. Editing bot/ or README.md does not install them again.
# Refresh the lock with `make lock` (README, "Dependencies").
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
# Then the project itself: not editable, no dev extras, no other dependency.
COPY pyproject.toml README.md ./
COPY bot ./bot
# The interface texts' catalogs (bot/locale/*/LC_MESSAGES/messages.po) compiled to the .mo files
# the desk reads: they are never committed, and `pip install .` does not compile them.
RUN pybabel compile --domain messages --directory bot/locale --statistics
RUN pip install --no-deps . \
    && pip check \
    && pip uninstall --yes pip setuptools

# ---- runtime: the venv, the knowledge base, an unprivileged user ----------------------------
FROM python:3.11-slim AS runtime

LABEL org.opencontainers.image.title="Hualien Exchange Desk" \
      org.opencontainers.image.description="Bilingual visitor-support desk: LINE, Telegram and web chat" \
      org.opencontainers.image.licenses="MIT"

# Inside a container the server must listen on every interface, or nothing outside reaches it.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BOT_HOST=0.0.0.0 \
    BOT_PORT=8080 \
    KNOWLEDGE_DIR=/app/knowledge \
    DATABASE_URL=sqlite:////app/data/desk.db

# A Chinese font for the LINE rich menu image that `python -m bot setup` draws (without one it
# draws English labels only). Noto Sans CJK, as CI's browser screenshots use.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 desk \
    && useradd --system --uid 10001 --gid desk --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin desk

# The server needs no installer: the base image's pip and setuptools (older than the fixes of
# their advisories) are not left in the image.
RUN /usr/local/bin/python -m pip uninstall --yes pip setuptools wheel

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
# Code and knowledge stay owned by root (read-only for the server); only data/ is writable.
COPY knowledge/ ./knowledge/
RUN python -c "import bot.app, bot.store.migrate, bot.i18n; bot.i18n.check_catalogs()" \
    && mkdir -p /app/data \
    && chown 10001:10001 /app/data \
    && chmod 0750 /app/data

USER 10001:10001

EXPOSE 8080

# No curl in the slim image: the health check is Python's http.client (which, unlike urllib,
# ignores any HTTP proxy variables), on the port the server was told to use.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import http.client, os, sys; c = http.client.HTTPConnection('127.0.0.1', int(os.environ.get('BOT_PORT') or 8080), timeout=4); c.request('GET', '/healthz'); sys.exit(0 if c.getresponse().status == 200 else 1)"]

STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "serve"]
