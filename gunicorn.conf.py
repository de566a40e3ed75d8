"""gunicorn settings for serving firstline (`.venv/bin/gunicorn firstline.wsgi` from this folder
reads them), also used by the HTTP benchmarks in bench/.

Threads per worker let a worker answer a desk while another request waits on the database; the
app is loaded once before the workers fork, so a worker answers its first request as fast as its
hundredth. Then, once a worker has loaded Django, the objects it made are moved out of the garbage
collector's sight (`gc.freeze()`): a scan batch makes tens of thousands of short-lived objects, and
each full collection would otherwise walk the whole loaded application too (measured on a request
of 4,000 scans: 239 ms in 163 collections without, 27 ms with).
"""

import gc
import multiprocessing
import os

bind = os.environ.get("FIRSTLINE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("FIRSTLINE_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("FIRSTLINE_THREADS", 2))
pythonpath = "src"
preload_app = True
timeout = 120  # an import of 100,000 rows is queued as a task; a scan batch of 10,000 takes about a second


def post_worker_init(worker):
    gc.freeze()
