"""Which release of the site this process runs, as a short fingerprint of what it is made of.

Pages kept in the shared cache are kept under it: during a rolling deploy, a process of the new
release never serves a page the old one rendered (with the old stylesheet's hashed name, which
the new machines may not have), nor the reverse. Every machine of one release computes the same
fingerprint, from the contents (not the dates) of the code, templates and static sources; a
deploy may name the release itself with the RELEASE_ID setting instead (a commit hash, say).
"""

import functools
import hashlib
import os
from pathlib import Path

from django.conf import settings

# What a page is rendered from.
SOURCE_SUFFIXES = frozenset({".py", ".html", ".txt", ".css", ".js", ".svg", ".json", ".po"})
# Not part of what the site serves, or made from the sources (collected static files).
SKIPPED_FOLDERS = frozenset(
    {".git", ".venv", "venv", "node_modules", "__pycache__", "tests", "bench", "media"}
)


@functools.cache
def release_id() -> str:
    return settings.RELEASE_ID or fingerprint(
        Path(settings.BASE_DIR), skip=(Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT))
    )


def fingerprint(root: Path, skip: tuple[Path, ...] = ()) -> str:
    """A hash of every source file under `root` (its path and contents), in a fixed order."""
    skipped = {path.resolve() for path in skip}
    digest = hashlib.blake2b(digest_size=6)
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = sorted(
            name
            for name in folders
            if name not in SKIPPED_FOLDERS and (here / name).resolve() not in skipped
        )
        in_static = "static" in here.relative_to(root).parts
        for name in sorted(files):
            path = here / name
            # Under static/, every file (an image's new content is a new hashed name too).
            if in_static or path.suffix in SOURCE_SUFFIXES or name == "requirements.txt":
                digest.update(str(path.relative_to(root)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
