"""The app `make run` serves, plus one bare Flask endpoint: the read-path benchmark's baseline.

GET /bench/bare returns a small JSON document with no database, no token, no schema: what
the same server, worker model and Flask stack cost on their own (bench_readpath). `app` is
the WSGI Flask app (for a Procfile serving wsgi:app), `asgi` the same app behind the live
layer (for one serving asgi:app, as now).
"""

from app import create_app
from app.live import create_asgi_app

app = create_app()


@app.get("/bench/bare")
def bare():
    return {"ok": True, "items": []}


asgi = create_asgi_app(app)
