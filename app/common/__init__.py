"""Mechanisms every domain shares, at the bottom of the import graph.

Nothing here imports a domain package (tests/test_import_graph.py keeps it so): canonical
JSON and hashing, geometry helpers, ISO times, the request's user, blob storage and the
Idempotency-Key mechanism with its table.
"""
