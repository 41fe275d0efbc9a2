# The CRM API. Build: docker build -t crm . ; run with compose.yaml (MongoDB 8 + API).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CRM_HOST=0.0.0.0 \
    CRM_PORT=8000 \
    CRM_DATA_FILE=/data/crm.sqlite

RUN useradd --create-home --uid 10001 crm && mkdir /data && chown crm /data
WORKDIR /srv/crm

COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install .

USER crm
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"CRM_PORT\"]}/healthz', timeout=2)"

CMD ["crm", "serve"]
