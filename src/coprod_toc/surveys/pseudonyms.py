"""Pseudonyms: a respondent's identifier replaced by a keyed hash before anything is kept.

The same key gives the same person the same pseudonym in every import, so before-and-after
answers can be paired; whoever holds the key can re-identify people, so it is kept apart
from the data (``ct.pseudonym_key()``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from coprod_toc.errors import ModelError

__all__ = ["MIN_KEY_BYTES", "check_key", "pseudonym", "pseudonymiser"]

#: The shortest key a pseudonym may be made with: shorter ones can be guessed.
MIN_KEY_BYTES = 16


def _keyed_hash(key: bytes) -> hashlib.blake2b:
    """Keyed BLAKE2b, 8 bytes out: a MAC by design (RFC 7693), and several times faster per
    respondent than HMAC-SHA256. Keys over BLAKE2b's 64 bytes are hashed down first."""
    if not isinstance(key, bytes):
        raise ModelError(
            f"a pseudonym key is bytes (such as ct.pseudonym_key()), not {type(key).__name__}"
        )
    if len(key) < MIN_KEY_BYTES:
        raise ModelError(f"a pseudonym key must be at least {MIN_KEY_BYTES} bytes")
    if len(key) > hashlib.blake2b.MAX_KEY_SIZE:
        key = hashlib.blake2b(key).digest()
    return hashlib.blake2b(key=key, digest_size=8, person=b"coprod-toc")


def check_key(key: bytes) -> None:
    """Refuse a key too short to be safe, before any file is read.

    :raises ModelError: the key is not bytes, or shorter than 16 bytes.
    """
    _keyed_hash(key)


def pseudonym(respondent: str, key: bytes) -> str:
    """The pseudonym of one respondent key: ``R-`` and 16 hex digits of a keyed hash.

    :raises ModelError: the key is shorter than 16 bytes.
    """
    return pseudonymiser(key)(respondent)


def pseudonymiser(key: bytes) -> Callable[[str], str]:
    """:func:`pseudonym` for many respondents: the keyed state is made once and copied."""
    keyed = _keyed_hash(key)

    def pseudonym_of(respondent: str) -> str:
        mac = keyed.copy()
        mac.update(respondent.encode("utf-8"))
        return "R-" + mac.hexdigest()

    return pseudonym_of
