"""Gunicorn reads this file from the working directory (the image's /app) on every start."""


def post_worker_init(worker):
    """Each web worker renders a tiny PDF before its first request (najiz.common.pdf)."""
    from najiz.common.pdf import warm_on_start

    warm_on_start()
