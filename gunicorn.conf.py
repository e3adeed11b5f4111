"""gunicorn settings for the web workers (the webhook). Override with GUNICORN_* or -c."""

import multiprocessing
import os

bind = os.environ.get("F0CARE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("F0CARE_WEB_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("F0CARE_WEB_THREADS", "1"))
worker_class = "sync" if threads == 1 else "gthread"
timeout = 15  # Twilio gives up after 15 s; a request that slow is better killed
graceful_timeout = 10
keepalive = 5
max_requests = 20000  # recycle workers now and then
max_requests_jitter = 2000
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'  # no form bodies: they hold health data
errorlog = "-"
preload_app = False  # each worker builds its own database pool after fork
control_socket_disable = True  # several instances per host must not share ~/.gunicorn/gunicorn.ctl
