"""The technician's phone client (/m/): an offline-first web app over the visit API."""
