"""The web application: live streams + the Flask app, served by uvicorn workers that gunicorn
supervises (the Procfile's `web`, settings in app/webserver.py)."""

from app.live import create_asgi_app

app = create_asgi_app()
