"""The app `make run` serves, plus one bare Flask endpoint: the read-path benchmark's baseline.

GET /bench/bare returns a small JSON document with no database, no token, no schema: what
the same server, worker model and Flask stack cost on their own (bench_readpath).
"""

from wsgi import app


@app.get("/bench/bare")
def bare():
    return {"ok": True, "items": []}
