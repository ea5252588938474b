"""Where uploaded bytes live: content-addressed by SHA-256 behind a small interface.

LocalStorage keeps them on disk under STORAGE_DIR; another backend (an object store) only
has to offer the same three verbs.
"""

import hashlib
import os
import re
import tempfile

from flask import current_app

KEY = re.compile(r"^[0-9a-f]{64}$")


class BlobMissing(LookupError):
    pass


class LocalStorage:
    def __init__(self, root):
        self.root = root

    def _path(self, key):
        if not KEY.match(key):
            raise BlobMissing(key)
        return os.path.join(self.root, key[:2], key[2:4], key)

    def put(self, data: bytes) -> str:
        """Store `data` once; returns its SHA-256 hex, which is also its key."""
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            # Write then rename, so a reader never sees half a file.
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        return key

    def get(self, key) -> bytes:
        try:
            with open(self._path(key), "rb") as handle:
                return handle.read()
        except FileNotFoundError as exc:
            raise BlobMissing(key) from exc

    def exists(self, key) -> bool:
        try:
            return os.path.exists(self._path(key))
        except BlobMissing:
            return False


def get_storage():
    """The configured storage (read per call: tests point STORAGE_DIR elsewhere)."""
    return LocalStorage(current_app.config["STORAGE_DIR"])
