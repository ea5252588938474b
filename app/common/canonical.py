"""Canonical JSON and SHA-256: one byte form for a document, whoever hashes or signs it.

    json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

so anyone holding the document text can recompute its hash with any JSON library.
"""

import hashlib
import json


def canonical_json(doc) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
