"""gunicorn's settings for peacecentre (docs/operations.md, "Processes").

Listens on the loopback only: nginx on the same machine is the one client, and it sets
X-Forwarded-Proto (read by SECURE_PROXY_SSL_HEADER) and X-Forwarded-For (read when
TRUST_X_FORWARDED_FOR=true). Environment variables override the numbers below.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, (2 x CPUs) + 1: the pages are short database reads; reports and PDFs for many
# people are built by Celery workers, never in a request.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# A request still running after 60 s is a fault; an upload of the 5 MB limit on a slow link
# is read by nginx first (it buffers the body), so gunicorn never waits for a slow client.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle each worker after about 1,000 requests (jitter spreads the restarts).
max_requests = 1000
max_requests_jitter = 100
# Both logs to stdout/stderr: systemd's journal (or the supervisor) keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn trusts X-Forwarded-* only from these addresses: nginx on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "peacecentre-web"
