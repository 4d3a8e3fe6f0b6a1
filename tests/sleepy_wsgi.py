"""A WSGI app that takes 10 ms per request, for tests of the benchmark's load runs."""

import time


def app(environ: dict, start_response) -> list[bytes]:
    time.sleep(0.01)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
