"""Zip archives (DOCX, ODT) opened within limits, so a small upload that inflates to gigabytes
(a zip bomb) is refused before any of it is inflated.

The limits are checked against the sizes the archive declares, which is all Python's zipfile
goes by: it never inflates a member past its declared size (a member whose data runs on fails
its CRC check instead). A declared compressed size larger than the whole archive is a lie, so
ratios are worked out against whichever is smaller. Reading a member stops at a cap, so
checking a file holds at most that cap in memory.

Hand-written on the standard library because no well-kept library does this: the PyPI
candidates are young single-author projects, and the whole job is these few checks.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    # All members inflated together: a 10 MB document of text and images stays far below.
    total_bytes: int = 200 * MIB
    # One member inflated over compressed; Apache POI refuses Office files beyond the same.
    ratio: int = 100
    # Small parts of repeated tags compress very well and cannot hurt anyone.
    ratio_applies_above: int = MIB
    # The most read from one member: the manifests we look at are a few kilobytes.
    read_bytes: int = MIB


DEFAULT_LIMITS = ZipLimits()


class ArchiveTooLarge(Exception):
    """The archive would inflate beyond a limit; the message says which, in plain words."""


def _megabytes(size: int) -> str:
    return f"{size / MIB:g}MB"


def check_declared_sizes(archive: zipfile.ZipFile, archive_bytes: int,
                         limits: ZipLimits) -> None:
    total = 0
    for member in archive.infolist():
        total += member.file_size
        compressed = max(1, min(member.compress_size, archive_bytes))
        if member.file_size > limits.ratio_applies_above and \
                member.file_size > limits.ratio * compressed:
            raise ArchiveTooLarge(f"it expands to more than {limits.ratio} times its size")
    if total > limits.total_bytes:
        raise ArchiveTooLarge(f"it expands to more than {_megabytes(limits.total_bytes)}")


@contextmanager
def open_bounded(data: bytes, limits: ZipLimits = DEFAULT_LIMITS) -> Iterator[zipfile.ZipFile]:
    """The archive in `data`, once its declared sizes are within `limits`.

    Raises ArchiveTooLarge, or zipfile.BadZipFile for bytes that are not a zip archive."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_declared_sizes(archive, len(data), limits)
        yield archive


def read_member(archive: zipfile.ZipFile, name: str, limits: ZipLimits = DEFAULT_LIMITS) -> bytes:
    """One member's bytes, never reading more than `limits.read_bytes` of them."""
    too_large = ArchiveTooLarge(f"its part {name} is larger than {_megabytes(limits.read_bytes)}")
    member = archive.getinfo(name)
    if member.file_size > limits.read_bytes:
        raise too_large
    with archive.open(member) as stream:
        data = stream.read(limits.read_bytes + 1)
    if len(data) > limits.read_bytes:
        raise too_large
    return data
