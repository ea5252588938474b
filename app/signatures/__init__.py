"""Meter damage caused by the customer and the customer's tamper-evident signature (R3.7)."""


def __getattr__(name):
    # Loaded on first use: app.visits and app.signatures import each other's modules, so the
    # package itself must not import its routes while the models are being imported.
    if name == "blp":
        from app.signatures.routes import blp

        return blp
    if name == "pages":
        from app.signatures.public_pages import pages

        return pages
    raise AttributeError(name)
