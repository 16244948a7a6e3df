"""What every store that keeps group records shares: the checks before a save, the text a
version is kept as, and the one rule of erasing a member.

A group record is small (tens of members, hundreds of engagements), so a store keeps each
version whole, as the canonical JSON of :func:`coprod_toc.group.file.dumps_group`. Member
codes are unique within a group only, so an erased member is remembered per group, as a
digest, to refuse a record loaded before the erasure being saved back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Container

from coprod_toc.errors import ErasedPersonError, FormatError, StoreError
from coprod_toc.group.file import dumps_group, loads_group
from coprod_toc.group.records import GroupRecord
from coprod_toc.storage.store import check_map_name

__all__ = [
    "check_group_save",
    "check_member_code",
    "erased_member_text",
    "group_from_text",
    "group_text",
    "member_digest",
    "refuse_erased_members",
]


def check_group_save(
    name: object,
    record: object,
    expected_version: object = None,
    message: object = None,
) -> None:
    """What every store checks before saving a group record (else StoreError): a usable
    name, a record, a version number (or none) and a message of text (or none)."""
    check_map_name(name)
    if not isinstance(record, GroupRecord):
        raise StoreError(f"save_group() takes a GroupRecord, not {type(record).__name__}")
    if expected_version is not None and (
        isinstance(expected_version, bool)
        or not isinstance(expected_version, int)
        or expected_version < 0
    ):
        raise StoreError(
            f"expected_version must be a version number (0 for a new record), "
            f"not {expected_version!r}"
        )
    if message is not None and (not isinstance(message, str) or "\x00" in message):
        raise StoreError(f"message must be text without NUL characters, not {message!r}")


def check_member_code(code: object) -> str:
    """A member code to erase: text (else StoreError)."""
    if not isinstance(code, str) or not code.strip():
        raise StoreError(f"erase_member() takes a member's code, not {code!r}")
    return code


def group_text(record: GroupRecord) -> str:
    """The text a store keeps for one version."""
    return dumps_group(record)


def group_from_text(text: str, url: str, name: str, version: int) -> GroupRecord:
    """A stored version read back; damage is a StoreError naming the group and version."""
    try:
        return loads_group(text)
    except FormatError as exc:
        raise StoreError(
            f"{url!r}: version {version} of group {name!r} cannot be read: {exc}"
        ) from None


def member_digest(name: str, code: str) -> str:
    """What a store keeps of a member it erased from group ``name``: a digest, not the code."""
    return hashlib.sha256(f"coprod-toc erased member {name}\x00{code}".encode()).hexdigest()


def refuse_erased_members(name: str, record: GroupRecord, erased: Container[str]) -> None:
    """Refuse a record that names a member erased from this group (``erased`` holds their
    :func:`member_digest`): it was loaded before the erasure.

    :raises ErasedPersonError: naming the group and the member.
    """
    codes = {m.code for m in record.members}
    codes |= {code for e in record.engagements for code in e.members}
    codes |= {code for c in record.charter for code in c.agreed_by}
    for code in sorted(codes):
        if member_digest(name, code) in erased:
            raise ErasedPersonError(name, f"member {code}", group=True)


def erased_member_text(text: str, code: str, url: str, name: str, version: int) -> str | None:
    """One stored version with a member erased, or ``None`` if it does not name them."""
    record = group_from_text(text, url, name, version)
    if not record.names_member(code):
        return None
    return group_text(record.without_member(code))
