"""Gunicorn settings of the container (docker/entrypoint.sh); each may come from the env.

Sync workers: requests are short and the shared cache answers most of them, so a worker
per core (WEB_CONCURRENCY) uses the CPU without the thread-safety questions of threads.
"""

import os

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request still running after this many seconds is killed and its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle each worker after about this many requests, staggered so they never restart
# together: whatever memory a worker accumulates (fragmentation, caches) is returned.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The heartbeat file lives in memory: a slow disk (overlayfs) must not look like a hang.
worker_tmp_dir = "/dev/shm"
# Log to stdout/stderr for the container runtime; %(M)s is the response time in ms.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
# No gunicornc control socket: several instances may share a home directory.
control_socket_disable = True
