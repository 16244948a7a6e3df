"""Personal data in survey exports: which columns hold it, and scrubbing it from free text.

Two rules hold for every importer:

1. a column that holds personal data never becomes a question: :func:`personal_kind` says
   from a column's heading(s) whether it does, and what it holds;
2. personal data typed into free-text answers is removed: a :class:`Scrubber` replaces
   e-mail addresses, phone numbers, IP addresses, UK postcodes, NHS/CHI numbers, National
   Insurance numbers and the names found in the file's name columns with placeholders
   (:data:`PLACEHOLDERS`). What it cannot catch is said in its docstring.

Every pattern here is linear in the length of the text it reads: each starts only where
what it looks for may start (never again inside a run of the characters it is made of),
and none backtracks over the rest of the text (possessive quantifiers, bounded
repetitions). The numbers are found in one scan that stops only at digits.
"""

from __future__ import annotations

import enum
import functools
import ipaddress
import re
import types
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, cast

__all__ = ["COMMON_WORD_NAMES", "PLACEHOLDERS", "PersonalKind", "Scrubber", "personal_kind"]


class PersonalKind(enum.StrEnum):
    """What a column of personal data holds."""

    NAME = "name"
    EMAIL = "email"
    PHONE = "phone"
    ADDRESS = "address"
    POSTCODE = "postcode"
    IP_ADDRESS = "ip_address"
    LOCATION = "location"
    DATE_OF_BIRTH = "date_of_birth"
    HEALTH_NUMBER = "health_number"  # NHS number (England, Wales), CHI number (Scotland)
    NATIONAL_INSURANCE = "national_insurance"
    USER_AGENT = "user_agent"


def _phrases(block: str) -> tuple[str, ...]:
    """The comma-separated phrases of a block of data below, spaces normalised."""
    return tuple(p for p in (" ".join(part.split()) for part in block.split(",")) if p)


def _words(block: str) -> frozenset[str]:
    """The words of a block of data below."""
    return frozenset(block.split())


# --------------------------------------------------------------------------------------
# The column classifier
# --------------------------------------------------------------------------------------

#: Whole headings, normalised (lower case, no accents or punctuation, single spaces), that
#: mark a column of personal data. Matched whole, never as part of a longer heading.
#: Question numbers, notes in brackets, requests before ("please enter your"), owners
#: before ("participant", "home") and notes after ("optional") are taken off first
#: (:data:`_PREFIXES`, :data:`_TRAILERS`), so they are not repeated here.
_VOCABULARY: Final[Mapping[PersonalKind, tuple[str, ...]]] = {
    PersonalKind.NAME: _phrases("""
        name, names, full name, fullname, full names, first name, firstname, first names,
        fname, last name, lastname, lname, surname, surnames, family name, given name,
        given names, forename, forenames, middle name, middle names, middle initial,
        preferred name, nickname, nick name, known as, name or nickname, name nickname,
        first and last name, first and last names, first name and surname,
        first name last name, last name first name, name and surname,
        forename and surname, surname and forename, surname forename, forename surname,
        name first, name last, maiden name, previous name, initials, signature,
        print name, printed name, name printed, username, user name, submitted by,
        submitter, interviewer, completed by, form completed by, filled in by,
        christian name, name surname, next of kin, next of kin name,
        enw, enw llawn, enw cyntaf, cyfenw,
        vorname, nachname, familienname, nom, prenom, nom de famille, nom complet,
        nombre, apellido, apellidos, nombre completo, nombre y apellidos
    """),
    PersonalKind.EMAIL: _phrases("""
        email, emails, e mail, mail, email address, e mail address, emailaddress,
        email addresses, email addr, email id, emailid, e mail id, preferred email,
        preferred email address, email or phone, email or phone number, contact details,
        contact information, contact info, email adress, e mail adress, emial, emali,
        e bost, cyfeiriad e bost, e mail adresse, courriel, adresse e mail,
        adresse electronique, correo, correo electronico
    """),
    PersonalKind.PHONE: _phrases("""
        phone, phone number, phone no, phone num, phonenumber, phone mobile, telephone,
        telephone number, telephone no, telephone mobile, tel, tel no, telno, mobile,
        mobile number, mobile no, mobile phone, mobile phone number, mobile telephone,
        mobile telephone number, mobilephone, cell, cell phone, cellphone, cell number,
        cell phone number, contact number, contact no, landline, landline number,
        daytime phone, daytime telephone, evening phone, whatsapp, whatsapp number, fax,
        fax number, phone or email, preferred phone, preferred phone number,
        preferred contact number, preferred telephone number, mob, mob no, mob number,
        rhif ffon, ffon, telefon, telefonnummer, handy, handynummer, portable,
        numero de telephone, telefono, movil, celular
    """),
    PersonalKind.ADDRESS: _phrases("""
        address, addresses, addr, street address, postal address, mailing address,
        full address, residential address, correspondence address, permanent address,
        address line, address lines, first line of address, second line of address,
        1st line of address, 2nd line of address, street, street name, street and number,
        house number, house name, house name or number, house number or name,
        house number and street, flat number, town city, town or city, city town,
        city or town, street city, street city state zip, city state zip, street town,
        address town, address city, address street, address county, adress, street adress,
        street address line, town, city, village, cyfeiriad, adresse, anschrift, strasse,
        direccion
    """),
    PersonalKind.POSTCODE: _phrases("""
        postcode, post code, postal code, postcode zip, postcode zip code, zip, zip code,
        zipcode, zip postal code, postal zip code, zip or postcode, postcode or zip code,
        eircode, address postcode, address post code, cod post, plz, postleitzahl,
        code postal, codigo postal
    """),
    PersonalKind.IP_ADDRESS: _phrases("""
        ip, ip address, ipaddress, ipaddr, ip addr, ipv4, ipv6, ip v4, ip v6,
        ipv4 address, ipv6 address, remote addr, remote address, remoteaddr, remote ip,
        client ip, user ip, x forwarded for
    """),
    PersonalKind.LOCATION: _phrases("""
        location, geolocation, geo location, geopoint, geo point, geo, geotag, gps,
        gps location, gps coordinates, gps point, coordinates, coords, co ordinates,
        latitude, longitude, lat, lon, lng, latlong, lat long, lat lng, lat lon,
        latitude longitude, location latitude, location longitude, location accuracy,
        location altitude, location precision, location coordinates, gps latitude,
        gps longitude, gps altitude, gps accuracy, gps precision, geolocation latitude,
        geolocation longitude
    """),
    PersonalKind.DATE_OF_BIRTH: _phrases("""
        date of birth, dob, d o b, birth date, birthdate, birthday, date born,
        dyddiad geni, geburtsdatum, date de naissance, fecha de nacimiento
    """),
    PersonalKind.HEALTH_NUMBER: _phrases("""
        nhs number, nhs no, nhs num, nhsno, nhsnumber, nhs, nhs id, nhs chi number,
        nhs or chi number, nhs number or chi number, chi, chi number, chi no,
        community health index number, health and care number, h and c number, hcn,
        rhif gig
    """),
    PersonalKind.NATIONAL_INSURANCE: _phrases("""
        national insurance, national insurance number, national insurance no, ni number,
        ni no, nino, national insurance number nino, ni number nino,
        rhif yswiriant gwladol
    """),
    PersonalKind.USER_AGENT: _phrases("""
        user agent, useragent, user agent string, browser user agent, http user agent,
        browser agent, ua string
    """),
}

#: Words before what a heading names that say nothing about it: a request ("please enter
#: your") or whose details they are ("participant", "home", "emergency contact").
_PREFIXES: Final = _phrases("""
    please, kindly, enter, give, provide, type, write, add, tell us, state, confirm,
    what is, whats, what, what are, which is, is, can we have, may we have, a, an, the,
    your, you, my, our, his, her, their, respondent, respondents, participant,
    participants, recipient, recipients, client, clients, patient, patients, service user,
    service users, user, person, persons, people, member, members, carer, carers, parent,
    parents, guardian, parent guardian, child, childs, children, contact, personal, home,
    work, main, primary, current, legal, billing, applicant, attendee, customer,
    resident, tenant, student, pupil, learner, employee, staff, staff member, volunteer,
    worker, key worker, support worker, submitter, interviewer, enumerator, surveyor,
    referrer, next of kin, emergency, emergency contact, gp
""")
#: Words after what a heading names that say nothing about it. Trailing numbers go too
#: ("telephone_1", "Address line 2").
_TRAILERS: Final = _phrases("""
    optional, required, mandatory, please, here, below, only, if known, if any,
    if applicable, if you have one, if you wish, if you like, dd mm yyyy, dd mm yy,
    mm dd yyyy, yyyy mm dd, ddmmyyyy, ddmmyy, dd, mm, yy, yyyy, of participant,
    of respondent, of the participant, of the respondent, of client, of the client,
    of person, of the person, of recipient, of the recipient, of patient, of the patient,
    of child, of the child, of your child, of carer, of the carer, of your carer,
    of parent, of the parent, of guardian, of the guardian, of service user,
    of the service user, of next of kin
""")


def _vocabulary() -> dict[str, PersonalKind]:
    words: dict[str, PersonalKind] = {}
    for kind, phrases in _VOCABULARY.items():
        for phrase in phrases:
            key = _normalise(phrase)  # as a heading is: "ipv4" is "ipv 4"
            if key in words:  # pragma: no cover - a mistake in the data above
                raise ValueError(f"{phrase!r} is listed twice")
            words[key] = kind
    return words


_PREFIX_WORDS: Final = tuple(tuple(p.split()) for p in _PREFIXES)
_TRAILER_WORDS: Final = tuple(tuple(p.split()) for p in _TRAILERS)
#: Headings of more words than this are sentences, not the name of a personal detail.
_LONGEST: Final = 24
#: The most words a phrase of the vocabulary has, with a prefix or two.
_LONGEST_PHRASE: Final = 8

_QUESTION_NUMBER = re.compile(
    r"\A\s*+(?:(?:q|question)\s*+)?[0-9]{1,4}+(?:[._][0-9]{1,4}+)*+[a-z]?(?:[.):\-–—_]++\s*+|\s++)",
    re.IGNORECASE,
)
_NOTE = re.compile(r"\s*+(?:\([^()]{0,200}+\)|\[[^\[\]]{0,200}+\]|\*++)\s*+\Z")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_POSSESSIVE = re.compile(r"['’]s\b")
_NOT_WORD = re.compile(r"[\W_]++")
_GLUED_NUMBER = re.compile(r"(?<=[a-z]{3})[0-9]{1,2}\Z")


def personal_kind(*headings: str | None) -> PersonalKind | None:
    """What personal data a column holds, from its heading(s); ``None`` if none.

    ``headings`` are what the tool says about the column: its header text, its variable
    key, or both (``("Q5", "Full name")``, ``("RecipientFirstName",)``). Each is read in
    every form tools write: any case, camelCase, snake_case or kebab-case, a group path
    (``about_you/email``, ``about-you-postcode``: the last part counts), a question number
    before it (``Q3.``, ``3)``), a ``?``, ``:``, ``*`` or a note in brackets after it, a
    request or an owner before it ("please enter your", "what is your", "participant").
    What is left must be a whole phrase of the vocabulary: "Name" names a person, "How
    did you hear about the group's name change?" is a question.

    A heading written with spaces is a sentence: it is split at ``/`` only when every part
    is a phrase of the vocabulary ("Phone / mobile", not "your address/location"). A key
    without spaces is a path: its last part, and the tail of a kebab-case key, count.
    When headings disagree a name wins (names are also scrubbed from the free text), then
    the first heading that names personal data.
    """
    found = [kind for heading in headings if heading and (kind := _heading_kind(heading))]
    if PersonalKind.NAME in found:
        return PersonalKind.NAME
    return found[0] if found else None


def _heading_kind(heading: str) -> PersonalKind | None:
    text = heading.strip()
    for _ in range(3):  # "Name (optional) *"
        note = _NOTE.search(text)
        if note is None or note.start() == 0:
            break
        text = text[: note.start()]
    text = _QUESTION_NUMBER.sub("", text, count=1) or text
    kind = _phrase_kind(text)
    if kind is not None or ("/" not in text and "-" not in text):
        return kind
    if any(c.isspace() for c in text):
        kinds = [_phrase_kind(part) for part in text.split("/")]
        return kinds[0] if len(kinds) > 1 and all(kinds) else None
    parts = text.rsplit("/", 1)[-1].split("-")
    for start in range(max(0, len(parts) - _LONGEST_PHRASE), len(parts)):
        kind = _phrase_kind("-".join(parts[start:]))
        if kind is not None:
            return kind
    return None


def _phrase_kind(text: str) -> PersonalKind | None:
    words = tuple(_normalise(text).split())
    if not words or len(words) > _LONGEST:
        return None
    # Every way of taking prefixes and trailers off: each is a slice of ``words``.
    seen: set[tuple[int, int]] = set()
    todo = [(0, len(words))]
    while todo:
        start, end = todo.pop()
        kind = _KINDS.get(" ".join(words[start:end]))
        if kind is not None:
            return kind
        for shorter in _shorter(words, start, end):
            if shorter not in seen:
                seen.add(shorter)
                todo.append(shorter)
    if len(words) == 1:
        return _compact_kind(words[0])
    return None


def _compact_kind(word: str) -> PersonalKind | None:
    """A code written without separators, as LimeSurvey's question codes are
    (``dateofbirth``, ``homeaddress``): a phrase run together, perhaps after a prefix."""
    kind = _COMPACT.get(word)
    if kind is not None:
        return kind
    for prefix in _COMPACT_PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and rest:
            kind = _KINDS.get(rest) or _COMPACT.get(rest)
            if kind is not None:
                return kind
    return None


def _normalise(text: str) -> str:
    text = _CAMEL.sub(" ", text)
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()
    plain = _POSSESSIVE.sub("", plain).replace("'", "").replace("’", "")
    return _GLUED_NUMBER.sub(r" \g<0>", _NOT_WORD.sub(" ", plain).strip())


def _shorter(words: tuple[str, ...], start: int, end: int) -> Iterator[tuple[int, int]]:
    """The slices left when one prefix, trailer or trailing number is taken off."""
    if end - start > 1 and words[end - 1].isdigit():
        yield start, end - 1
    for trailer in _TRAILER_WORDS:
        size = len(trailer)
        if end - start > size and words[end - size : end] == trailer:
            yield start, end - size
    for prefix in _PREFIX_WORDS:
        size = len(prefix)
        if end - start > size and words[start : start + size] == prefix:
            yield start + size, end


#: Each normalised phrase of the vocabulary → the kind of data it names.
_KINDS: Final = _vocabulary()
#: The phrases of more than one word, and the prefixes, run together (``dateofbirth``).
_COMPACT: Final = {key.replace(" ", ""): kind for key, kind in _KINDS.items() if " " in key}
_COMPACT_PREFIXES: Final = tuple(sorted({"".join(p) for p in _PREFIX_WORDS}, key=len, reverse=True))


# --------------------------------------------------------------------------------------
# The free-text scrubber
# --------------------------------------------------------------------------------------

#: What each kind of personal data found in free text is replaced with.
PLACEHOLDERS: Final[Mapping[PersonalKind, str]] = types.MappingProxyType(
    {
        PersonalKind.EMAIL: "[email removed]",
        PersonalKind.PHONE: "[phone removed]",
        PersonalKind.IP_ADDRESS: "[IP address removed]",
        PersonalKind.POSTCODE: "[postcode removed]",
        PersonalKind.HEALTH_NUMBER: "[NHS number removed]",
        PersonalKind.NATIONAL_INSURANCE: "[National Insurance number removed]",
        PersonalKind.NAME: "[name removed]",
    }
)

# Each pattern starts only where its match may start: not just after a character it
# would have taken itself, and not glued to a word or to a placeholder ("]" before it,
# "[" after it). Treating a placeholder's brackets as glue keeps scrubbing idempotent: a
# number glued to a name stays glued to the name's placeholder.

#: name@domain.tld, run only when the text holds an "@". Addresses glued together
#: ("a@example.org'b@example.org") are one match: the second could not start inside the
#: first's run of characters.
_EMAIL = re.compile(
    r"(?<![\w.+'\-])[\w.+'\-]++@[\w\-]++(?:\.[\w\-]++)++"
    r"(?:[.+'][\w.+'\-]*+@[\w\-]++(?:\.[\w\-]++)++)*+"
)

#: IPv6 addresses are found from a colon, a hex group and a colon (or "::"), the one
#: stretch of hex digits, colons and dots around it then checked with :mod:`ipaddress`.
_IPV6_HINT = re.compile(r":[0-9A-Fa-f]{0,4}+:")
_HEX_RUN = re.compile(r"[0-9A-Fa-f:.]++")
_HEX_CHARS: Final = frozenset("0123456789ABCDEFabcdef:.")
_IPV6_LONGEST: Final = 45

_SEP = r"(?:[ \u00a0]?+-[ \u00a0]?+|[ \u00a0])"  # between a phone number's groups
#: After a country code: up to six groups, some perhaps in brackets.
_INTERNATIONAL_GROUPS = rf"(?: {_SEP}?+ \(?[0-9]{{1,12}}+\)? (?![\w@\[]) ){{1,6}}+"
#: After a UK area code: one group of five or more digits, or two of three or four.
_NATIONAL_GROUPS = rf"""
    (?: {_SEP} [0-9]{{5,8}}+ (?![\w@\[])
      | {_SEP} [0-9]{{3,4}}+ (?![\w@\[]) (?: {_SEP} [0-9]{{3,4}}+ (?![\w@\[]) )?+ )
"""
_NUMBERS = re.compile(
    rf"""
    [0-9]  # every number below holds a digit, so the scan stops only at digits
    (?<![0-9_.\]][0-9])  # and only at the first of a run; what comes before the digit
    (?:                  # says which kinds may start here
      (?<=[A-Za-z][0-9])  # after a letter
      (?:
        (?P<ni>  # AB123456, QQ123456C, QQ12 34 56 C
          (?<=(?<![\w\]])[A-Za-z]{{2}}[0-9])
          [0-9] \ ?[0-9]{{2}} \ ?[0-9]{{2}} (?:\ ?[A-Da-d])?
          (?![\w\[])
        )
      | (?P<postcode>  # SW1A 1AA, M1 1AE, b33 8th, EC1A1BB
          (?: (?<=(?<![\w\]])[A-Za-z]{{2}}[0-9]) | (?<=(?<![\w\]])[A-Za-z][0-9]) )
          [A-Za-z0-9]? [ \u00a0]? [0-9][A-Za-z]{{2}}
          (?![\w\[])
        )
      )
    | (?P<plus>  # +44 7700 900123, +1 (555) 123-4567: the groups are counted in _phone
        (?<=\+[0-9]) (?<![\w+@.\]]\+[0-9])
        (?=(?:[ \u00a0()\-]{{0,3}}+[0-9]){{7}})
        [0-9]{{0,2}}+ (?:[ \u00a0]?+\(0\))?+ {_INTERNATIONAL_GROUPS}
      )
    | (?P<paren>  # (020) 7946 0018
        (?<=\(0) (?<![\w+@.\]]\(0)
        (?=[0-9]{{2}}) (?=(?:[ \u00a0()\-]{{0,3}}+[0-9]){{9}})
        [0-9]{{2,4}}+ \) {_NATIONAL_GROUPS}
      )
    | (?<![\w.\]][0-9])  # after anything but a word, a dot or a placeholder
      (?:
        (?P<ipv4>  # 192.168.0.1, checked with ipaddress; not in a longer dotted run
          [0-9]{{0,2}}+ (?:\.[0-9]{{1,3}}+){{3}}
          (?![\w\[]|\.[0-9\[])
        )
      | (?P<phone>  # 07700900123, 0161 496 0000, 0044 7700 900123
          (?<=0) (?<![+@]0)
          (?=[0-9]{{2}}) (?=(?:[ \u00a0()\-]{{0,3}}+[0-9]){{9}})
          (?: [0-9]{{9,10}}+ (?![\w@\[])
            | 0 [0-9]{{1,3}}+ {_INTERNATIONAL_GROUPS}
            | [0-9]{{2,4}}+ {_NATIONAL_GROUPS} )
        )
      | (?P<nhs>  # 943 476 5919: 3-3-4 or run together, checked with the mod-11 digit
          (?<![,+\-/][0-9])
          [0-9]{{2}} (?P<gap>[ \-]?) [0-9]{{3}} (?P=gap) [0-9]{{4}}
          (?![\w\[]|[.,/\-][0-9\[])
        )
      | (?P<ni_spaced>  # QQ 12 34 56 C
          (?<=[A-Za-z]{{2}}\ [0-9]) (?<![\w\]][A-Za-z]{{2}}\ [0-9])
          [0-9] \ ?[0-9]{{2}} \ ?[0-9]{{2}} (?:\ ?[A-Da-d])?
          (?![\w\[])
        )
      )
    )
    """,
    re.VERBOSE,
)
_PHONE_GROUP = re.compile(r"\(0\)|[0-9]++")

#: Parts of name cells that are not names: the placeholders' own words, titles,
#: relations, and what people type when they would rather not give a name.
_NOT_NAMES: Final = _words("""
    email e mail phone ip address postcode nhs number national insurance name removed
    mr mrs ms miss mx dr prof professor rev revd sir dame madam lord lady
    anonymous anon none nil null na unknown prefer not to say rather no yes given
    withheld declined private test me myself self i my it is am and or the of a an
    carer mum mom dad son daughter wife husband partner friend staff volunteer
    don't dont won't can't cant
""")

#: Names that are also everyday English words: removed only where written with a capital
#: first letter, so "I will come" keeps its verb while "Will came" loses the name.
COMMON_WORD_NAMES: Final = _words("""
    will may mark rose grace hope joy bill sue pat art dawn faith june april august summer
    frank gene jean ray rich penny victor sunny daisy holly ivy amber ruby crystal autumn
    brook brooke dean derby lane gay chance charity patience prudence mercy constance
    liberty destiny harmony melody honey ginger sandy rusty storm sky river rain heather
    iris lily violet poppy hazel olive jade pearl skye star angel guy sonny earl duke
    prince baron major noble max drew chase cliff glen dale heath forest wood woods hunter
    mason baker cook cooper butler porter miller carter fisher shepherd walker turner
    tanner king young white black brown green grey gray long short
    little hill hall wells field fields marsh moss price cash page bell ball banks ford
    bush street stone rock fox wolf lamb bird swan crane finch sage love sweet wise best
    good strong sharp hardy gold silver bean rice reed read rush lake bank burns bond
    cross day knight bishop nurse don bob rob nick jack kit norm sol eve al ed misty dot
    cherry candy coral fern willow lee rowan ash sterling pip chuck bud grant miles lance
    rod carol winter clay
    van von de del della der den di da du la le bin
""")

#: A name cell's words: letters, with inner apostrophes and hyphens (O'Brien, Anne-Marie).
_NAME_WORD = re.compile(r"[^\W\d_]++(?:['’\-][^\W\d_]++)*+")
_NAME_PART = re.compile(r"['’\-]")
_WORD = re.compile(r"\w++")
#: What joins a row's cells while they are scrubbed together: no pattern crosses it.
_JOIN: Final = "\x1f"
#: Every byte that is not an ASCII word character, as a space: an ASCII text's words
#: are then what ``bytes.split()`` gives.
_ASCII_GAPS: Final = bytes(
    b if chr(b).isascii() and (chr(b).isalnum() or chr(b) == "_") else 32 for b in range(256)
)


class Scrubber:
    """Removes personal data from free-text answers, leaving a placeholder in its place.

    What it removes (:data:`PLACEHOLDERS`):

    - e-mail addresses (``name@example.org``);
    - phone numbers: UK ones written with a leading ``0``, ``+44`` or in brackets
      (``07700 900123``, ``+44 7700 900123``, ``(020) 7946 0018``, ``0161 496 0000``,
      ``07700900123``) and international ones written with ``+`` or ``00``
      (``+1 (555) 123-4567``, ``+33 1 23 45 67 89``), grouped with spaces or hyphens;
    - IPv4 and IPv6 addresses (those that are valid addresses);
    - UK postcodes, in any case, with or without the space (``SW1A 1AA``, ``b33 8th``,
      ``EC1A1BB``), but not an ordinal after a code ("B4 3rd floor");
    - NHS and CHI numbers: 10 digits run together or spaced 3-3-4 whose last digit is
      the mod-11 check digit (``943 476 5919``);
    - National Insurance numbers (``QQ 12 34 56 C``, ``AB123456``);
    - the names it is given (the cells of the file's name columns), word by word,
      wherever they appear: a first name alone, a surname alone, in any case, with a
      possessive (``Sam's``, ``Taylors'``), as whole words only (``Sam`` leaves
      ``Samuel`` and ``same`` alone). Initials (one letter) are ignored. A name that is
      also an everyday English word (:data:`COMMON_WORD_NAMES`: Will, May, Rose, Grace,
      Bill, Walker…) is removed only where it is written with a capital first letter: "I
      will come" keeps its verb, "Will came" loses the name, and so does a sentence that
      starts "Will you…". Titles and non-answers typed in a name column ("Mr",
      "Anonymous", "prefer not to say") are not taken for names.

    It leaves dates, times, sums of money, years, scores ("4 out of 5"), percentages and
    version numbers alone.

    What it cannot catch:

    - names it was not given: a name typed into an answer is removed only when the file
      has a name column holding it, so a friend, a worker or a relative named in passing
      stays, and so does a misspelt or shortened name ("Sammy" for "Sam");
    - addresses: street names, house numbers and towns cannot be told from other words;
      only the postcode goes;
    - dates of birth and ages (dates are left alone on purpose);
    - anything spelt out or disguised ("sam at example dot org", "oh seven seven…"), or
      written in an unusual way: a phone number with dots (``07700.900.123``) or without
      its leading 0 or country code, or glued to other digits or words, an NHS number
      spaced otherwise than 3-3-4 or mistyped, a postcode with a missing letter;
    - bank card, account and sort code numbers, passport and driving licence numbers,
      other countries' postcodes, identity and health numbers;
    - anything in an attachment, an image or a linked file.

    It may also remove a little that is not personal: a 10-digit reference number whose
    last digit happens to be a valid check digit, a code shaped like a postcode
    (``A4 1AB``), a capitalised word that is also a given name. Removing personal data this
    way lowers the risk of a disclosure; it does not make answers anonymous.

    Scrubbing is linear in the length of the text, and scrubbing twice changes nothing
    more than scrubbing once. :meth:`scrub_row` remembers short cells it found clean, so
    a row of answer labels costs one set lookup.
    """

    #: :meth:`scrub_row` remembers at most this many clean cells, each of at most
    #: ``CLEAN_LENGTH`` characters.
    CLEAN_CACHE: Final = 50_000
    CLEAN_LENGTH: Final = 200
    #: Up to this many name spellings are matched by one pattern; past it, the names in a
    #: text are found first and a pattern is made of those.
    FEW_NAMES: Final = 40

    def __init__(self, names: Iterable[str | None] = ()) -> None:
        #: Casefolded words of the names (and their plurals) → the spellings that hold them.
        self._keys: dict[str, set[str]] = {}
        for cell in names:
            if cell:
                self._add_name(cell)
        spellings = frozenset(s for found in self._keys.values() for s in found)
        # Few names: looked for as parts of the casefolded text, then all matched by one
        # pattern. Many: the text's words looked up (as bytes when the text is ASCII: no
        # per-call translation table), then a pattern made of the names found.
        self._few = len(spellings) <= self.FEW_NAMES
        self._spellings = spellings  # made a pattern when a text first holds one
        self._folded = tuple(sorted({s.casefold() for s in spellings}))
        #: For ASCII texts: each ASCII spelling, lower case, → its spellings.
        self._ascii_spellings: dict[str, set[str]] = {}
        for spelling in spellings:
            if spelling.isascii():
                self._ascii_spellings.setdefault(spelling.lower(), set()).add(spelling)
        self._name_keys = frozenset(self._keys)
        self._ascii_keys = frozenset(k.encode("ascii") for k in self._keys if k.isascii())
        self._clean: set[str | None] = {None, ""}

    def _add_name(self, cell: str) -> None:
        cell = _EMAIL.sub(" ", unicodedata.normalize("NFC", cell))
        for word in _NAME_WORD.findall(cell):
            if word.casefold().replace("’", "'") in _NOT_NAMES:
                continue
            parts = _NAME_PART.split(word)
            names = [p for p in parts if len(p) > 1 and p.casefold() not in _NOT_NAMES]
            if len(parts) > 1 and names:
                # "Anne-Marie" and "O'Brien" whole, with either apostrophe.
                names += {word, word.replace("'", "’"), word.replace("’", "'")}
            for name in names:
                for spelling in {name, unicodedata.normalize("NFD", name)}:
                    for key in _WORD.findall(spelling.casefold()):
                        if len(key) > 1:
                            # The word and its plural: "Taylors'" holds the word "taylors".
                            for form in (key, key + "s"):
                                self._keys.setdefault(form, set()).add(spelling)

    @property
    def names(self) -> frozenset[str]:
        """The names this scrubber removes, spelt as in the name cells."""
        spellings = (s for found in self._keys.values() for s in found)
        return frozenset(s for s in spellings if unicodedata.is_normalized("NFC", s))

    def scrub(self, text: str) -> str:
        """``text`` with the personal data it holds replaced by placeholders."""
        if "@" in text:
            text = _emails(text)
        if ":" in text:
            text = _ipv6(text)
        text = _numbers(text)
        if self._name_keys:
            text = self._names(text)
        return text

    def scrub_row(self, values: Sequence[str | None]) -> tuple[str | None, ...] | None:
        """A row's cells scrubbed; ``None`` when nothing changed (the common case)."""
        return self.scrub_rows((values,))[0]

    def scrub_rows(
        self, rows: Sequence[Sequence[str | None]]
    ) -> list[tuple[str | None, ...] | None]:
        """Many rows' cells scrubbed: each row's, or ``None`` where nothing changed.

        The cells not already known to be clean are joined into one text (nothing scrubbed
        can span the separator) and looked at once, so a block of rows costs a few scans at
        C speed rather than a few per cell; most rows hold nothing to remove.
        """
        clean = self._clean
        unknown: set[str | None] = set()
        superset = clean.issuperset
        for values in rows:
            if not superset(values):
                unknown.update(values)
        unknown -= clean  # None and "" are always clean
        if not unknown:
            return [None] * len(rows)
        texts = cast("list[str]", list(unknown))
        joined = _JOIN.join(texts)
        if joined.count(_JOIN) == len(texts) - 1:
            scrubbed = self.scrub(joined)
            if scrubbed is joined or scrubbed == joined:
                self._remember(texts)
                return [None] * len(rows)
            parts = scrubbed.split(_JOIN)
        else:  # a cell holds the joiner itself: each is scrubbed alone
            parts = [self.scrub(text) for text in texts]
        replaced: dict[str | None, str] = {}
        kept = []
        for text, part in zip(texts, parts, strict=True):
            if part == text:
                kept.append(text)
            else:
                replaced[text] = part
        self._remember(kept)
        if not replaced:
            return [None] * len(rows)
        changed = replaced.keys()
        return [
            None if changed.isdisjoint(values) else tuple(map(replaced.get, values, values))
            for values in rows
        ]

    def _remember(self, texts: Iterable[str]) -> None:
        clean = self._clean
        if len(clean) >= self.CLEAN_CACHE:
            return
        clean.update(text for text in texts if len(text) <= self.CLEAN_LENGTH)

    def _names(self, text: str) -> str:
        probe = text if text.isascii() else _ascii_probe(text)
        if probe is not None:
            return self._names_found(text, probe)
        # Other scripts, or accents written as combining marks: the pattern over the whole
        # text, after a check at C speed that a name is in it at all.
        if self._few:
            folded = text.casefold()
            if not any(map(folded.__contains__, self._folded)):
                return text
            pattern = _names_pattern(self._spellings)
        else:
            found = self._name_keys.intersection(_WORD.findall(text.casefold()))
            if not found:
                return text
            pattern = _names_pattern(frozenset(s for key in found for s in self._keys[key]))
        return pattern.sub(PLACEHOLDERS[PersonalKind.NAME], text)

    def _names_found(self, text: str, probe: str) -> str:
        """Names in a text whose ASCII stand-in is ``probe`` (as long as the text): the name
        words it holds found at C speed (its words, cut at every byte that is not a letter
        or digit, looked up in a set), where each name starts found with ``str.find``, and
        the names' pattern matched only there."""
        low = probe.lower()
        words = low.encode("ascii").translate(_ASCII_GAPS).split()
        found = self._ascii_keys.intersection(words)
        if not found:
            return text
        # Where each name that holds a word found starts ("O'Brien", not just "Brien").
        keys = {
            _ascii_probe(s.lower()) or s.lower()
            for key in found
            for s in self._keys[key.decode("ascii")]
        }
        # One pattern of every name, made once: matched only where a name starts, it
        # costs a few steps there however many names there are.
        pattern = _names_pattern(self._spellings)
        starts: set[int] = set()
        for key in keys:
            at = low.find(key)
            while at >= 0:
                starts.add(at)
                at = low.find(key, at + 1)
        pieces: list[str] = []
        last = 0
        match = pattern.match
        for start in sorted(starts):
            if start < last:
                continue
            found_name = match(text, start)
            if found_name is not None:
                pieces += (text[last:start], PLACEHOLDERS[PersonalKind.NAME])
                last = found_name.end()
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)


#: Non-ASCII punctuation common in answers typed on phones, and an ASCII character of the
#: same length standing in for each while names are looked for.
_STAND_INS: Final = (
    ("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u2013", "-"),
    ("\u2014", "-"), ("\u2026", "."), ("\u00a0", " "), ("\u00a3", "$"), ("\u20ac", "$"),
    ("\u00ab", '"'), ("\u00bb", '"'), ("\u2022", "*"), ("\u00b7", "*"),
)  # fmt: skip


def _ascii_probe(text: str) -> str | None:
    """The text with common punctuation replaced by ASCII of the same length, when that
    makes it ASCII; else ``None`` (it holds letters of other scripts or accents)."""
    for char, stand_in in _STAND_INS:
        if char in text:
            text = text.replace(char, stand_in)
    return text if text.isascii() else None


#: A text this long is scrubbed of e-mail addresses cell by cell, where it holds an "@".
_LONG_JOINED: Final = 2000


def _emails(text: str) -> str:
    """``text`` with its e-mail addresses replaced. A long joined row is looked at only in
    the cells that hold an "@" (the pattern costs time per character it passes)."""
    if len(text) < _LONG_JOINED or _JOIN not in text:
        return _EMAIL.sub(PLACEHOLDERS[PersonalKind.EMAIL], text)
    cells = text.split(_JOIN)
    return _JOIN.join(
        _EMAIL.sub(PLACEHOLDERS[PersonalKind.EMAIL], cell) if "@" in cell else cell
        for cell in cells
    )


def _numbers(text: str) -> str:
    """``text`` with its phone, NHS, National Insurance numbers, IPv4 addresses and
    postcodes replaced: one scan, stopping at digits."""
    pieces: list[str] = []
    last = pos = 0
    search, decide = _NUMBERS.search, _FOUND
    while (match := search(text, pos)) is not None:
        pos = match.end()
        found = decide[match.lastgroup or ""](text, match)
        if found is None:
            continue
        start, end, placeholder = found
        if start < last:  # pragma: no cover - the patterns' look-behinds prevent it
            continue
        pieces += (text[last:start], placeholder)
        last = pos = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


_Found = tuple[int, int, str] | None
_PHONE_OUT: Final = PLACEHOLDERS[PersonalKind.PHONE]


def _ipv4(text: str, match: re.Match[str]) -> _Found:
    try:
        ipaddress.IPv4Address(match.group())
    except ValueError:
        return None
    return match.start(), match.end(), PLACEHOLDERS[PersonalKind.IP_ADDRESS]


def _ipv6(text: str) -> str:
    """``text`` with its IPv6 addresses replaced: each stretch of hex digits, colons and
    dots holding ":hex:" looked at once, whatever its length. The address is the whole
    stretch, or failing that its longest part before a dot ("fe80::1:2:3.b33 8th")."""
    pieces: list[str] = []
    last = pos = 0
    while (hint := _IPV6_HINT.search(text, pos)) is not None:
        start, floor = hint.start(), max(pos, hint.start() - _IPV6_LONGEST - 1)
        while start > floor and text[start - 1] in _HEX_CHARS:
            start -= 1
        run = _HEX_RUN.match(text, hint.start())
        pos = run.end() if run is not None else hint.end()
        before = text[start - 1] if start > 0 else " "
        if before.isalnum() or before in "_]" or (before in ":." and start == floor):
            continue
        end = _ipv6_end(text, start, pos)
        if end is None:
            continue
        pieces += (text[last:start], PLACEHOLDERS[PersonalKind.IP_ADDRESS])
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _ipv6_end(text: str, start: int, end: int) -> int | None:
    """Where the IPv6 address starting at ``start`` in the stretch up to ``end`` ends."""
    while end > start and text[end - 1] == ".":
        end -= 1  # a full stop after the address
    after = text[end] if end < len(text) else " "
    if not (after.isalnum() or after in "_:[") and _is_ipv6(text[start:end]):
        return end
    cut = min(end, start + _IPV6_LONGEST + 1)
    while (cut := text.rfind(".", start, cut)) > start:
        stop = cut
        while stop > start and text[stop - 1] == ".":
            stop -= 1
        if _is_ipv6(text[start:stop]):
            return stop
    return None


def _is_ipv6(candidate: str) -> bool:
    """Whether ``candidate`` is an IPv6 address worth removing."""
    if len(candidate) > _IPV6_LONGEST:
        return False
    # At least three groups (a dotted IPv4 tail counts as two): "::1", "fe80::1" and
    # "12::30" are not taken for addresses.
    if sum(2 if "." in g else 1 for g in candidate.split(":") if g) < 3:
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _phone(text: str, match: re.Match[str]) -> _Found:
    """The longest run of the candidate's first digit groups that is a phone number: as
    many digits as a number of its kind has, and at most one group of a single digit
    after the first ("0 1 2 3 4 5" is not one). A run of numbers ("07700 900123 07700
    900124") is so found one by one."""
    kind, first, end = match.lastgroup, match.start(), match.end()
    start = first - 1 if kind == "plus" or kind == "paren" else first
    if kind == "plus":
        low, high = 8, 15
    elif text.startswith("00", first):
        low, high = 10, 17  # 0044 …
    else:
        low, high = 10, 11
    groups = _PHONE_GROUP.findall(text, start, end)
    total = singles = longest = 0
    for index, group in enumerate(groups):
        if group == "(0)":
            continue
        size = len(group)
        total += size
        singles += size == 1 and index > 0
        if total > high or singles > 1:
            break
        if total >= low:
            longest = index + 1
    if not longest:
        return None
    if longest < len(groups):
        end = list(_PHONE_GROUP.finditer(text, start, end))[longest - 1].end()
        if text.startswith(")", end):
            end += 1
    return start, end, _PHONE_OUT


def _nhs(text: str, match: re.Match[str]) -> _Found:
    digits = [int(c) for c in match.group() if c.isdigit()]
    check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=False)) % 11
    if (0 if check == 11 else check) != digits[9]:
        return None
    return match.start(), match.end(), PLACEHOLDERS[PersonalKind.HEALTH_NUMBER]


#: The first and second letters a National Insurance number may start with, and the
#: prefixes never issued. QQ, HMRC's own example, is removed too.
_NI_FIRST = frozenset("ABCEGHJKLMNOPRSTWXYZ")
_NI_SECOND = frozenset("ABCEGHJKLMNPRSTWXYZ")
_NI_NEVER = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def _national_insurance(text: str, match: re.Match[str]) -> _Found:
    spaced = text[match.start() - 1] == " "
    start = match.start() - (3 if spaced else 2)
    prefix = text[start : start + 2].upper()
    if prefix != "QQ" and (
        prefix[0] not in _NI_FIRST or prefix[1] not in _NI_SECOND or prefix in _NI_NEVER
    ):
        return None
    number = text[start : match.end()]
    if " " in number and not number[-1].isalpha():
        return None  # "at 12 34 56": spaced out, an NI number ends with its letter
    return start, match.end(), PLACEHOLDERS[PersonalKind.NATIONAL_INSURANCE]


_ORDINALS = {"1": "st", "2": "nd", "3": "rd"}


def _postcode(text: str, match: re.Match[str]) -> _Found:
    anchor = match.start()
    start = anchor - 2 if anchor >= 2 and _is_ascii_letter(text[anchor - 2]) else anchor - 1
    inward = text[match.end() - 3 : match.end()]
    if inward[1:] == _ORDINALS.get(inward[0], "th") and not text[start:anchor].islower():
        return None  # "B4 3rd floor": an ordinal, not an inward code
    return start, match.end(), PLACEHOLDERS[PersonalKind.POSTCODE]


def _is_ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


_FOUND: Final[Mapping[str, Callable[[str, re.Match[str]], _Found]]] = {
    "ipv4": _ipv4,
    "plus": _phone,
    "paren": _phone,
    "phone": _phone,
    "nhs": _nhs,
    "ni": _national_insurance,
    "ni_spaced": _national_insurance,
    "postcode": _postcode,
}


@functools.lru_cache(maxsize=256)
def _names_pattern(names: frozenset[str]) -> re.Pattern[str]:
    """One pattern for these names: whole words, in any case (a common-word name only
    with a capital first letter), with a possessive.

    The pattern starts with the set of the names' first letters, so the scan stops only
    at those. The names are then grouped by the first letters they allow, each group
    checking its letters looking behind and matching the rest of its names as a trie (the
    longest first), so a word costs a few steps however many names there are."""
    groups: dict[str, set[str]] = {}
    for name in names:
        first, rest = name[0], name[1:]
        if name.casefold() in COMMON_WORD_NAMES:
            cases = {first.upper()}
        else:
            cases = {first, first.lower(), first.upper()}
        letters = "".join(sorted({c for c in cases if len(c) == 1} or {first}))
        groups.setdefault(letters, set()).add(rest.lower())
    initials = re.escape("".join(sorted(set("".join(groups)))))
    alternatives = "|".join(
        f"(?<=[{re.escape(letters)}])(?i:{_trie(rests)})"
        for letters, rests in sorted(groups.items())
    )
    return re.compile(
        rf"[{initials}](?<![\w\]][{initials}])(?:{alternatives})"
        r"(?:['’][sS]|[sS]['’]|['’](?![\w\[]))?(?![\w\[])"
    )


def _trie(words: Iterable[str]) -> str:
    """A pattern matching any of ``words``, sharing their prefixes; longer ones first."""
    root: dict[str, dict[str, Any]] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict[str, Any]]) -> str:
        branches = [
            re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(root)
