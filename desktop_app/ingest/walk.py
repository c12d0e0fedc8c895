"""Walking what the user gave: folders, zips (nested too) and ``.tgz`` files → named streams.

Each file is opened once and its head read once: the head decides between a container, a file
of a group source (collected for :mod:`.incremental`) and a stream read at once, and the parser
gets the same head with the stream.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import IO, BinaryIO, cast

from desktop_app.importers import detect, worthwhile_export
from desktop_app.importers.contract import FormatError, Skipped, SourceSpec
from desktop_app.importers.streams import HEAD_SIZE, Headed
from desktop_app.importers.tarsafe import is_tar_gz, iter_tar_members
from desktop_app.importers.zipsafe import ZipBombError, is_zip, iter_members, open_zip
from desktop_app.ingest import companions, incremental, restore, unchanged
from desktop_app.ingest.batches import parse_into_store
from desktop_app.ingest.pathrun import PathRun
from desktop_app.store.sessions import SaveCounts


def import_stream(run: PathRun, raw: IO[bytes], name: str, scale: float, *, direct: bool,
                  head: bytes | None = None, spec: SourceSpec | None = None) -> None:
    """Detect and import one file or member. ``direct``: the path the user gave.

    ``head`` (and the ``spec`` detected from it) when the caller read it already.
    """
    if head is None:
        head = raw.read(HEAD_SIZE)
    run.progress.add(len(head) * scale)
    if not direct and is_zip(head):
        _import_nested_zip(run, raw, name, head)
        return
    read: Callable[[BinaryIO, bool], SaveCounts]  # (stream, a member of a zip or folder?)
    if spec is None and detect.is_worthwhile_export(head, name):
        run.add_source(worthwhile_export.FORMAT)  # a format, not a source
        read = partial(restore.restore_export, run, name=name)
    else:
        if spec is None:
            spec = detect.detect(head, name)
        if spec is None:
            if direct:
                raise FormatError(name, detect.unsupported_message(head))
            if head.strip() and not detect.is_companion(name):
                run.skip(Skipped(name, "not a supported history format"))
            return
        run.add_source(spec.name)
        read = partial(parse_into_store, run, spec, name=name)
    stream = cast(BinaryIO, Headed(head, raw, lambda n: run.progress.add(n * scale)))
    if direct:
        run.add_counts(read(stream, False))
        run.imported += 1
        return
    try:
        with run.db.atomic():  # a savepoint: a bad member is rolled back on its own
            counts = read(stream, True)
    except ZipBombError:
        raise
    except FormatError as exc:
        run.fail(exc, name)
        return
    run.add_counts(counts)
    run.imported += 1


def import_zip(run: PathRun, zf: zipfile.ZipFile, name: str, depth: int,
               scale_total: float) -> None:
    """Import every safe member of an open zip (nested zips too, up to the depth limit)."""
    companions.load_from_zip(zf, name, run.skip, run.companions)
    for member in iter_members(zf, name, run.skip, run.limits):
        run.check_cancel()
        member_name = f"{name}!{member.name}"
        scale = scale_total * member.compress_size / member.size if member.size else 0.0
        if member.size == 0 or detect.is_asset(member.name):
            continue  # nothing to read here: ignored like any unrelated file
        if depth >= run.limits.max_depth and member.name.lower().endswith(".zip"):
            run.skip(Skipped(member_name, "zip nested too deeply"))
            continue
        run.progress.current = member_name
        try:
            with member.open() as raw:
                import_stream(run, raw, member_name, scale, direct=False)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, zlib.error) as exc:
            exc_text = str(exc) or type(exc).__name__
            run.fail(FormatError(member_name, f"unreadable member ({exc_text})"))


def import_tar(run: PathRun, raw: IO[bytes], name: str) -> None:
    """Import every safe member of a ``.tgz`` (Google Takeout), in one pass, as streams."""
    for member in iter_tar_members(raw, name, run.skip, run.limits):
        run.check_cancel()
        if member.size == 0 or detect.is_asset(member.name):
            continue  # nothing to read here: ignored like any unrelated file
        member_name = f"{name}!{member.name}"
        run.progress.current = member_name
        import_stream(run, member.stream, member_name, 0.0, direct=False)


def _import_nested_zip(run: PathRun, raw: IO[bytes], name: str, head: bytes) -> None:
    depth = name.count("!")
    if depth > run.limits.max_depth:
        run.skip(Skipped(name, "zip nested too deeply"))
        return
    if not raw.seekable():
        run.skip(Skipped(name, "a zip inside this container cannot be read as a stream"))
        return
    raw.seek(0)
    with open_zip(cast(BinaryIO, raw), name) as zf:
        import_zip(run, zf, name, depth + 1, 0.0)


def _import_container(run: PathRun, raw: IO[bytes], path: Path, shown: str,
                      head: bytes) -> str | None:
    """Import a zip or ``.tgz``; returns "zip" or "archive", or None for any other file."""
    if is_tar_gz(head, shown):
        raw.seek(0)
        import_tar(run, raw, shown)
        return "archive"
    if is_zip(head):
        raw.seek(0)
        with open_zip(cast(BinaryIO, raw), shown) as zf:
            before = run.progress.done
            import_zip(run, zf, shown, 1, 1.0)
            run.progress.done = before + path.stat().st_size
        return "zip"
    return None


def import_folder(run: PathRun, folder: Path) -> None:
    """Import every file under a folder (hidden folders, links and media left out)."""
    companions.load_from_folder(folder, run.skip, run.companions)
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            run.check_cancel()
            path = Path(dirpath) / filename
            if path.is_symlink() or not path.is_file() or detect.is_asset(filename):
                continue
            shown = str(path)
            run.progress.current = shown
            try:
                if incremental.claim_known(run, path, folder):
                    continue
                with path.open("rb") as raw:
                    head = raw.read(HEAD_SIZE)
                    if _import_container(run, raw, path, shown, head) is not None:
                        continue
                    spec = detect.detect(head, shown)
                    if (spec is not None and spec.group is not None
                            and incremental.claim(run, path, folder, spec)):
                        continue
                    import_stream(run, raw, shown, 1.0, direct=False, head=head, spec=spec)
            except ZipBombError:
                raise
            except FormatError as exc:
                run.fail(exc, shown, where=False)
            except OSError as exc:
                run.skip(Skipped(shown, f"cannot be read ({exc.strerror or exc})"))
    incremental.finish(run, direct=False)


def import_file(run: PathRun, path: Path) -> str | None:
    """Read a file given directly; returns "zip" or "archive" for a container, "group" for a
    file of a source read in groups (see :mod:`.incremental`), else None."""
    shown = str(path)
    if incremental.claim_known(run, path, path):
        incremental.finish(run, direct=True)
        return "group"
    with path.open("rb") as raw:
        head = raw.read(HEAD_SIZE)
        container = _import_container(run, raw, path, shown, head)
        if container is not None:
            return container
        spec = detect.detect(head, shown)
        if (spec is not None and spec.group is not None
                and incremental.claim(run, path, path, spec)):
            incremental.finish(run, direct=True)
            return "group"
        companions.load_beside(path, run.skip, run.companions)
        # Its CRC-32 is taken as it is read: a copy of the same bytes is recognised next time.
        crc = unchanged.CrcReader(raw, zlib.crc32(head))
        import_stream(run, cast(BinaryIO, crc), shown, 1.0, direct=True, head=head, spec=spec)
        if crc.read(1) == b"":  # the parser read it to its end
            run.content_crc = crc.crc
        return None
