"""Write documents to the file system safely: atomically, never through a symlink, never over a
file callbrief did not write, and with one clear line for every file-system failure.

A folder of briefs holds a manifest (`.callbrief-manifest.json`) of the files callbrief wrote
there and a hash of each. A later run overwrites only those files (and only while they still
hold what callbrief wrote), removes those it no longer writes (stale briefs of closed cases), and
leaves everything else alone: a user's own `index.html`, a symlink named like a brief.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from callbrief.foundation.errors import StorageError

MANIFEST = ".callbrief-manifest.json"
TEMP_PREFIX = ".callbrief-tmp-"


def _why(exc: OSError) -> str:
    """An OSError as a few words a user can act on."""
    reasons = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "the disk is full",
        errno.EISDIR: "it is a folder",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.ENOENT: "the folder does not exist",
        errno.ELOOP: "it is a symbolic link",
        errno.ENAMETOOLONG: "the name is too long",
    }
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _atomic_write(folder: Path, name: str, data: bytes) -> None:
    """Write `data` to folder/name through a temporary file in the same folder and os.replace.

    A reader sees the old file or the new one, never half of one; os.replace swaps the directory
    entry itself, so a symlink planted at the name is replaced, not followed.
    """
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, folder / name)
    except BaseException:
        with _ignoring_os_errors():
            os.unlink(tmp)
        raise


class _ignoring_os_errors:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, value, traceback) -> bool:  # type: ignore[no-untyped-def]
        return kind is not None and issubclass(kind, OSError)


def write_document(path: Path, text: str) -> Path:
    """Write one document (`brief --out`, `digest --out`) atomically; StorageError in one line.

    The path may be a new file or a regular file (it is replaced); never a folder or a symlink.
    """
    path = Path(path).expanduser()
    try:
        info = path.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise StorageError(f"Cannot write {path}: {_why(exc)}. Choose another --out.") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise StorageError(f"Cannot write {path}: it is a folder. Give a file name with --out.")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise StorageError(
            f"Cannot write {path}: it is a symbolic link or a special file, and callbrief does "
            "not write through those. Give a plain file name with --out."
        )
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(folder, path.name, text.encode("utf-8"))
    except OSError as exc:
        raise StorageError(f"Cannot write {path}: {_why(exc)}. Choose another --out.") from None
    return path


@dataclass
class OutputFolder:
    """A folder callbrief writes a set of files into, run after run (see the module docstring)."""

    path: Path
    written: dict[str, str] = field(default_factory=dict)  # name -> hash, this run
    refused: list[tuple[Path, str]] = field(default_factory=list)  # (path, why) not written
    removed: list[Path] = field(default_factory=list)  # stale files of earlier runs
    _known: dict[str, str] = field(default_factory=dict)  # the manifest of earlier runs

    @classmethod
    def open(cls, path: Path) -> OutputFolder:
        """Create the folder if needed and read its manifest; StorageError in one line."""
        path = Path(path).expanduser()
        try:
            path.mkdir(parents=True, exist_ok=True)
            if not path.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "not a folder")
        except FileExistsError:
            raise StorageError(
                f"Cannot write briefs into {path}: it is a file, not a folder. "
                "Choose another --out folder."
            ) from None
        except OSError as exc:
            raise StorageError(
                f"Cannot write briefs into {path}: {_why(exc)}. Choose another --out folder."
            ) from None
        folder = cls(path)
        folder._known = folder._read_manifest()
        return folder

    def own_files(self) -> set[str]:
        """The names this folder's manifest lists: files callbrief wrote here."""
        return set(self._known)

    def _read_manifest(self) -> dict[str, str]:
        try:
            fd = os.open(self.path / MANIFEST, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return {}  # none yet, or a symlink: then nothing here counts as ours
        with os.fdopen(fd, "rb") as handle:
            try:
                data = json.loads(handle.read(10_000_000))
            except ValueError:
                return {}
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict):
            return {}
        return {str(k): str(v) for k, v in files.items() if "/" not in str(k)}

    def _ours(self, name: str) -> tuple[bool, str | None]:
        """(may write, why not) for a name: absent, or a regular file holding what we wrote."""
        target = self.path / name
        try:
            info = target.lstat()
        except FileNotFoundError:
            return True, None
        if stat.S_ISLNK(info.st_mode):
            return False, "it is a symbolic link; callbrief does not write through links"
        if not stat.S_ISREG(info.st_mode):
            return False, "it is not a regular file"
        recorded = self._known.get(name)
        if recorded is None:
            return False, "callbrief did not write it; move it away to let callbrief write here"
        if _digest(self._read_nofollow(target)) != recorded:
            return False, "it was changed since callbrief wrote it; move it away to replace it"
        return True, None

    @staticmethod
    def _read_nofollow(target: Path) -> bytes:
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            return handle.read()

    def write(self, name: str, text: str) -> Path | None:
        """Write one file of this run; None (and a `refused` entry) when it must not be touched."""
        if "/" in name or name in ("", ".", "..", MANIFEST) or name.startswith(TEMP_PREFIX):
            raise ValueError(f"not a file name callbrief writes: {name!r}")
        target = self.path / name
        try:
            allowed, why = self._ours(name)
            if not allowed:
                self.refused.append((target, why or "refused"))
                return None
            data = text.encode("utf-8")
            _atomic_write(self.path, name, data)
        except OSError as exc:
            raise StorageError(
                f"Cannot write {target}: {_why(exc)}. Choose another --out folder."
            ) from None
        self.written[name] = _digest(data)
        return target

    def finish(self) -> None:
        """Remove this folder's stale files of earlier runs and record this run's files."""
        for name, recorded in self._known.items():
            if name in self.written:
                continue
            target = self.path / name
            try:
                info = target.lstat()
                if stat.S_ISREG(info.st_mode) and _digest(self._read_nofollow(target)) == recorded:
                    target.unlink()
                    self.removed.append(target)
            except OSError:
                continue  # gone already, or changed into something that is not ours
        manifest = {
            "about": "Files callbrief wrote here; it replaces or removes only these.",
            "files": dict(sorted(self.written.items())),
        }
        try:
            _atomic_write(self.path, MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"))
        except OSError as exc:
            raise StorageError(
                f"Cannot write {self.path / MANIFEST}: {_why(exc)}. Choose another --out folder."
            ) from None

    def remove(self, names: set[str]) -> list[Path]:
        """Remove the files of these exact names (an erased person's briefs), ours or edited,
        never through a symlink, and drop them from the manifest. The paths removed."""
        gone = []
        for name in sorted(names):
            if "/" in name or name in ("", ".", "..", MANIFEST):
                continue
            target = self.path / name
            try:
                info = target.lstat()
                if stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode):
                    target.unlink()  # unlinking a symlink removes the link, not its target
                    gone.append(target)
            except OSError:
                pass
            self._known.pop(name, None)
        self.written, self._known = dict(self._known), {}
        self.finish()
        return gone
