"""Output folders: one overwrite policy for every command, claimed atomically.

A command that writes a folder (``--out``) first *claims* it (:class:`OutputClaim`):
an existing folder is refused unless ``force``, and then only a folder fundsim wrote
(a run directory, or one holding fundsim's outputs) or an empty one is ever
replaced; a new folder is created at once with ``mkdir``, which fails if another
command created it meanwhile, so two commands given the same ``--out`` cannot both
write it (an existing empty folder is refused too, and replaced with ``force``).
:class:`OutputStage` also gives a hidden sibling folder to write into and,
on :meth:`OutputStage.publish`, swaps it in whole; until then the final name holds
nothing new. If the command fails or is interrupted, :func:`abandon_open` (called
once by the command line) removes the staging folder and a claimed folder that is
still empty: nothing half-written is left under a final name.

While a command holds a folder it created, the folder holds one hidden file,
:data:`CLAIM_FILE`, locked (``flock``) by the command's process. The lock dies with
the process, so a folder left by a command killed with ``kill -9`` (holding nothing
but an unlocked claim file) is recognised as abandoned and taken over by the next
command without ``--force``, while a folder a live command holds is refused. A batch
holds its folder for its whole length with :class:`FolderLock` (a second batch on it
is refused), since it writes many run directories into it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from fundsim.results.atomic import OutputError, temporary_name

#: Files whose presence marks a folder as fundsim's output (so ``--force`` may replace it).
OUTPUT_MARKERS = (
    "manifest.json",
    "stress.csv",
    "solve.json",
    "solve_runs.csv",
    "sensitivity.csv",
    "formula_shares.csv",
    "report.html",
    "batch.csv",
    "budget_annex.xlsx",
    "explore.json",
)

#: The hidden file a command's claim holds, locked, in the folder it created.
CLAIM_FILE = ".fundsim-claim"

_open: list[OutputClaim] = []


def is_fundsim_output(path: Path) -> bool:
    """Whether ``path`` is an empty folder or one holding one of fundsim's outputs."""
    if path.is_symlink() or not path.is_dir():
        return False
    return is_empty(path) or any((path / m).is_file() for m in OUTPUT_MARKERS)


def is_empty(path: Path) -> bool:
    """Whether the folder ``path`` holds nothing but (perhaps) a claim file."""
    return all(child.name == CLAIM_FILE for child in path.iterdir())


class FolderLock:
    """An exclusive lock on a folder, held by this process until :meth:`release` (or its
    death): a hidden file ``name`` in the folder, locked with ``flock``. Raises
    :class:`OutputError` when another live process holds it."""

    def __init__(self, folder: Path, name: str, what: str) -> None:
        self.path = folder / name
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
            except OSError as exc:
                raise OutputError(
                    f"{folder}: cannot lock the folder: {exc.strerror or exc}"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise OutputError(
                    f"{folder}: {what} is writing it now; not writing it too"
                ) from None
            try:  # the file may have been removed by its last holder between open and lock
                same = os.fstat(fd).st_ino == os.stat(self.path, follow_symlinks=False).st_ino
            except OSError:
                same = False
            if same:
                self.fd: int | None = fd
                return
            os.close(fd)

    def release(self) -> None:
        """Remove the lock file and let go of the lock (a no-op the second time)."""
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(self.fd)
        self.fd = None


def _abandoned_claim(path: Path) -> FolderLock | None:
    """The lock of a folder that holds nothing but the claim file of a command that died
    (its lock free), now held by this process; ``None`` for any other folder."""
    if path.is_symlink() or not path.is_dir():
        return None
    try:
        if [c.name for c in path.iterdir()] != [CLAIM_FILE]:
            return None
        lock = FolderLock(path, CLAIM_FILE, "another command")
    except OSError:
        return None
    if [c.name for c in path.iterdir()] != [CLAIM_FILE]:
        lock.release()
        return None
    return lock


def is_abandoned_claim(path: Path) -> bool:
    """Whether ``path`` is a folder a killed command claimed and left empty (which the
    next command may take without ``--force``)."""
    lock = _abandoned_claim(path)
    if lock is None:
        return False
    if lock.fd is not None:
        os.close(lock.fd)  # keep the file: the claim that takes the folder locks it again
    return True


class OutputClaim:
    """Holds the output folder ``path`` for one command (see the module docstring).

    ``accept`` says which existing folder ``force`` may replace (default: any fundsim
    output or an empty folder). Raises :class:`OutputError` (exit 2) when the folder
    exists and may not be replaced, or cannot be created.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        force: bool = False,
        accept: Callable[[Path], bool] = is_fundsim_output,
    ) -> None:
        self.path = Path(path)
        self.created = False
        self.force = force
        self.lock: FolderLock | None = None
        if os.path.lexists(self.path) and (stale := _abandoned_claim(self.path)) is not None:
            self.lock, self.created = stale, True  # left by a killed command: ours now
        elif os.path.lexists(self.path):
            if not force:
                raise OutputError(
                    f"{self.path}: already exists (choose another --out, or --force to replace it)"
                )
            if not accept(self.path):
                raise OutputError(
                    f"{self.path}: exists and is not a fundsim output folder; not replacing it"
                )
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                os.mkdir(self.path)
            except FileExistsError:
                raise OutputError(
                    f"{self.path}: already exists (another command created it just now)"
                ) from None
            except OSError as exc:
                raise OutputError(
                    f"{self.path}: cannot create the folder: {exc.strerror or exc}"
                ) from None
            self.created = True
            try:
                self.lock = FolderLock(self.path, CLAIM_FILE, "another command")
            except OutputError:
                with contextlib.suppress(OSError):
                    os.rmdir(self.path)
                raise
        _open.append(self)

    def release_lock(self) -> None:
        """Remove the claim file (before the folder is filled or replaced)."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def done(self) -> None:
        """The command finished: the folder is its output and stays."""
        self.release_lock()
        if self in _open:
            _open.remove(self)

    def abandon(self) -> None:
        """The command did not finish: remove the folder if this claim created it and it
        is still empty."""
        self.done()
        if self.created:
            with contextlib.suppress(OSError):  # not empty (someone else's now) or gone: leave it
                os.rmdir(self.path)


class OutputStage(OutputClaim):
    """A claimed output folder written aside in :attr:`work` and swapped in whole by
    :meth:`publish`."""

    def __init__(
        self,
        path: str | Path,
        *,
        force: bool = False,
        accept: Callable[[Path], bool] = is_fundsim_output,
    ) -> None:
        super().__init__(path, force=force, accept=accept)
        self.work = temporary_name(self.path)
        try:
            os.mkdir(self.work)
        except OSError as exc:
            self.abandon()
            raise OutputError(
                f"{self.path}: cannot create a folder beside it: {exc.strerror or exc}"
            ) from None

    def publish(self) -> Path:
        """Put what was written in :attr:`work` under the final name; returns it."""
        try:
            _fsync_tree(self.work)
            if _empty_folder(self.path):
                self.release_lock()
                os.replace(
                    self.work, self.path
                )  # onto an empty folder: atomic, fails if filled meanwhile
            elif not self.force:
                self.abandon()
                raise OutputError(
                    f"{self.path}: another command wrote it meanwhile; not replacing it"
                )
            else:
                trash = temporary_name(self.path, "old")
                os.replace(self.path, trash)
                os.replace(self.work, self.path)
                shutil.rmtree(trash, ignore_errors=True)
        except OSError as exc:
            self.abandon()
            raise OutputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        self.done()
        return self.path

    def abandon(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        super().abandon()


def _empty_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink() and is_empty(path)


def _fsync_tree(root: Path) -> None:
    for folder, _, files in os.walk(root):
        for name in files:
            with open(os.path.join(folder, name), "rb") as fh:
                os.fsync(fh.fileno())


def abandon_open() -> int:
    """Abandon every claim still open (the command failed or was interrupted); returns
    how many there were. The command line calls this once, on its way out."""
    claims = list(reversed(_open))
    for claim in claims:
        claim.abandon()
    return len(claims)
