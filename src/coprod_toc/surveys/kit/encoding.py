"""Telling which text encoding a survey export is written in.

:func:`choose_encoding` looks at the bytes in this order and stops at the first answer:

1. A byte order mark: UTF-8 (``utf-8-sig``), UTF-32 (``utf-32``) or UTF-16 (``utf-16``).
   The whole data must then decode in that encoding, or it is a :class:`FormatError`.
2. UTF-16 without a byte order mark (``utf-16-le``, ``utf-16-be``): at least three in ten
   of the odd (or even) bytes of the first MiB are zero and next to none of the others, as
   in mostly-ASCII text, and the whole data decodes.
3. Strict UTF-8 over the whole data, streamed through an incremental decoder, so memory
   stays constant however large the file. This is the common case: it costs one decoding
   pass, and nothing else (charset-normalizer least of all) runs on UTF-8 data. Empty data
   and plain ASCII are UTF-8 too.
4. A single-byte code page, on a second pass: cp1252, what Excel writes in the UK and the
   US, unless the bytes prove another. Data that is UTF-8 apart from a few bytes (cut short
   inside a character, or two encodings pasted together) is a :class:`FormatError` rather
   than a garbled reading.

How step 4 weighs the bytes. A candidate code page is one that decodes the whole data
(cp1252 cannot decode 0x81, 0x8D, 0x8F, 0x90 and 0x9D). The words holding a non-ASCII byte
(up to 32 KiB of them, from the first MiB and from the MiB around the first byte that is
not UTF-8) are read in each candidate, and each reading is marked down for what text in any
language would not hold:

- symbols between two letters (``wiê³cej``: Polish cp1250 read as cp1252, ``³`` where
  ``ł`` belongs), symbols stuck to an accented letter, runs of symbols, lone accents,
  box drawing and control characters;
- a capital after a small letter inside a word (``MŸller``: a Mac's ``ü`` read as cp1252),
  or Latin and Cyrillic or Greek letters in one word (``cafй``);
- in a Latin-script code page, more accented letters than plain ones (Cyrillic, Greek,
  Hebrew… read as cp1252); in a Cyrillic or Greek one, letters in proportions the language
  does not have (Greek read as cp1251), or a final sigma inside a word;

and for what the language would not hold:

- accented letters no single language of the code page's family uses together, or that
  the language its commonest words show does not use (``Děkujeme … příští`` read as cp1252
  has ``ì`` and ``ø``, which no Western European language has together);
- fewer of the commonest words of its family's languages than another reading has of its
  own (a few marks at most: so ``Søren`` and ``crèche`` in English stay cp1252, and the
  Czech words around ``Střen`` make it cp1250).

Another code page displaces cp1252 only when its reading is nearly clean and cp1252's has
more than twice its marks (plus the doubt a code page not claimed below starts with) and
two more. If neither cp1252 nor any claimed code page reads plainly, charset-normalizer
weighs the data against the code pages of scripts not weighed here (Hebrew, Arabic, Thai,
Chinese, Japanese, Korean); then cp1252 if it decodes at all; else a :class:`FormatError`
asks for ``encoding=``.

What is claimed: told apart reliably on a realistic survey CSV (a header row and 3–10
answers of a sentence or so), and tested in ``tests/test_survey_encoding.py``.

- UTF-8 with and without a byte order mark; UTF-16 and UTF-32 with one; UTF-16 without one
  for mostly-ASCII text.
- cp1252: English (with names and loanwords from anywhere), French, German, Spanish,
  Portuguese, Italian, Dutch, Danish, Norwegian, Swedish, Finnish, Icelandic, Irish, Welsh;
  with ``£``, ``€``, curly quotes and dashes.
- cp1250: Polish, Czech, Slovak, Hungarian, Croatian, Slovenian, Romanian. Only the letters
  cp1250 and cp1252 place differently tell them apart, so a single short answer whose only
  such letter is one ``č``, ``ę`` or ``ő`` may read as cp1252; three answers do not.
- cp1251 (Russian, Ukrainian, Bulgarian, Serbian) and cp1253 (Greek), even one answer long.

Weighed but not claimed (told apart in tests of a few answers, but not promised): mac_roman
(Western European text from an old Mac; an English answer with one accented name may read
as cp1252), cp850, cp1254 (Turkish), cp1257 (Baltic), iso8859-1, -2, -5, -7 and -15, koi8-r
and cp866; and, through charset-normalizer, the code pages of other scripts.
"""

from __future__ import annotations

import codecs
import functools
import math
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

import attrs

from coprod_toc.errors import FormatError

__all__ = ["Encoding", "choose_encoding"]

_SAMPLE = 1 << 20  # bytes of the data the single-byte decision looks at (twice, at most)
_BLOCK = 1 << 20  # the most handed to a decoder at once, however large the caller's blocks
_EVIDENCE = 32 * 1024  # bytes of words with non-ASCII bytes weighed per code page
_WORDS = 16 * 1024  # bytes searched for common words (twice, at most)
_WORDS_CAP = 3  # the most marks a reading gets for being in a less likely language
_CLEAR_HITS = 3  # common words that show the language, when twice the next language's
_PLAIN = 1 / 3  # the most marks per non-ASCII byte of a plain reading (see _Reading)
_CLEAN = 1 / 20  # the same, for a code page to displace cp1252
_OPTION = "encoding="

_BOMS = (
    # UTF-32 LE before UTF-16 LE: its BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


@attrs.frozen
class Encoding:
    """An encoding to read a file with, and why it was chosen.

    ``name`` is a Python codec name, usable as ``open(..., encoding=name)``; ``reason`` says
    in a few plain words what in the bytes decided it.
    """

    name: str
    reason: str


# --------------------------------------------------------------------------- code pages

# The languages each family of code pages is written in: the lowercase non-ASCII letters
# each uses, and some of its commonest words. The words tell which language a text is in,
# so that a few foreign names in English do not make it Czech; a word common in languages
# of two families (``je``, ``co``, ``van``, ``som``) tells nothing, so it is listed on both
# sides and ``_shared`` leaves it out. A reading's accented letters should be those of the
# language its words show, or of any one language of the family when they show none
# clearly; English text may hold any of its family's (names and loanwords), and the
# generous "en" and "cy" alphabets stand for such mixed text.
# fmt: off
_WESTERN = {
    "en": ("àáâäçéèêëíîïñóôöúûü",
           "the and was were with for that this have had has very more would they you your "
           "our of it we be but not there been what could should from about all just really "
           "much time also will can like get them their which when who my us are thank "
           "thanks good great helpful staff session am co pro jen ben"),
    "fr": ("àâæçéèêëîïôœùûüÿ",
           "le les des et est une pour pas très plus que qui dans avec sur nous vous était "
           "été merci aussi mais du au ce cette il elle ont sont bien tout ai qu"),
    "de": ("äöüßàéè",
           "der die das und ist nicht ein eine einen mit für auf sehr wir sie war auch aber "
           "dass den dem zu sich es ich haben hat wurde wäre gut danke viel mehr noch schon"),
    "es": ("áéíñóúü",
           "el los las del que es muy por para con una más pero fue gracias nos y lo como sus "
           "está han sido todo bien mucho sobre también hay nada era dar"),
    "pt": ("àáâãçéêíóôõú",
           "os das dos não uma com para muito mais foi obrigado obrigada mas também são em "
           "ao à pelo pela foram está nós ser tem bem isso sobre equipa equipe nas"),
    "it": ("àèéìíîòóùú",
           "il che di della per una sono molto più non anche grazie è gli dei delle ho "
           "abbiamo stato stata questo questa come tutto bene po era"),
    "ca": ("àçèéíïòóúü", "els amb per molt una va però ha estat tot més és"),
    "nl": ("áéëïóöü",
           "het een van niet zijn wij heel voor maar ook dat wel naar er ik met goed veel "
           "meer hebben werd bedankt dank erg van"),
    "nordic": ("æøåéêóòôü",
               "og det ikke jeg meget mye på af har vi til med ble var blev er som være godt "
               "takk mere mer kunne vil hvor tak meg ha"),
    "sv": ("åäöéüà", "och det är inte jag vi med till mycket på för var som ett har hade bra tack "
           "mer kan skulle"),
    "fi": ("äöåšžé", "oli ei hyvä kiitos että mutta hyvin olisi enemmän aikaa erittäin myös"),
    "et": ("äõöüšž", ""),
    "is": ("áðéíóúýþæö", "og að er ekki var ég við það mjög en fyrir takk meiri"),
    "fo": ("áðíóúýæø", ""),
    "ga": ("áéíóú", "agus bhí seo sin go maith an ar le níos tá"),
    "gd": ("àèìòùáéó", ""),
    "cy": ("âêîôûäëïöüáéíóúàèìòùýÿ",
           "yn yr mae roedd ac gyda diolch iawn hefyd ond y wedi bod fy eich ein mwy gwych"),
    "sq": ("çë", ""),
}
_CENTRAL = {
    "pl": ("ąćęłńóśźż",
           "się nie że jest był była było byli jak ale bardzo dla przez oraz czy jestem mnie "
           "nam może już tak w z co po są być będzie jeszcze więcej tylko tego które który "
           "która dziękuję dziękujemy mój nas nasz od pomoc czasu"),
    "cs": ("áčďéěíňóřšťúůýž",
           "jsme jsem byl byla bylo byli že pro velmi nebo také jak při které který která "
           "děkuji děkujeme nám ale je za v k z bych bychom jsou jako jen už být bude mě mít "
           "více všechno vše nás od po což aby když ještě moc hodně"),
    "sk": ("áäčďéíĺľňóôŕšťúýž",
           "sme som tak bol bola bolo boli že pre veľmi alebo ako ktoré ďakujem ďakujeme nám ale "
           "je za v k z sú aj už len všetko viac nás od po aby keď ešte tiež môže"),
    "hu": ("áéíóöőúüű",
           "az és hogy nem volt voltak egy nagyon köszönöm köszönjük már csak lenne kell "
           "kellett jó sok több mint vagy ez azt ezt nekem nekünk szeretnénk szeretném kérem "
           "kérünk volna lehet minden után van meg ha vagyok vagyunk amit ami aki nincs sem "
           "semmi mert még sokat jól rendben"),
    "hr": ("čćđšž",
           "su sam bio bila bilo bili što sve ali vrlo hvala smo nije kao biti bi je za od "
           "iz ili kako jer samo još već bismo bih molim više nam nas ste će ćemo treba puno "
           "jako svi koji koja koje sa ima imaju malo dobro trebam"),
    "sl": ("čšž",
           "sem bil bila bilo bili zelo hvala ki ali smo je za v z tudi bi več lahko kot pa "
           "še vse nam nas ker ampak jo imajo malo ni"),
    "ro": ("ăâîşţ",
           "şi în fost sunt mai pentru cu nu foarte mulţumesc mulţumim că să pe am ne fi era "
           "mult aş vă vreau dar sau prea acest această"),
    "de": ("äöüß", ""),
}
_TURKISH = {
    "tr": ("çğıöşüâîû",
           "ve bir bu çok için ile değil daha teşekkürler teşekkür oldu gibi ama ben biz "
           "olarak şey iyi güzel olan yok sonra kadar"),
}
_BALTIC = {
    "lt": ("ąčęėįšųūž", "ir labai buvo kad bet ačiū yra mes jūs tai dėl apie kaip būtų "
           "daugiau laiko"),
    "lv": ("āčēģīķļņšūž", "ir bija ļoti paldies ka par kas mēs jūs vairāk bet"),
    "et": ("äõöüšž", "väga see aga ka kui siis olen tänan aitäh rohkem aega"),
}
# fmt: on


@attrs.frozen
class _Language:
    letters: str
    words: frozenset[str]


def _shared(*tables: dict[str, tuple[str, str]]) -> frozenset[str]:
    """Words of more than one family's languages: they tell nothing, and are left out."""
    owners: dict[str, set[int]] = {}
    for index, table in enumerate(tables):
        for _, words in table.values():
            for word in words.split():
                owners.setdefault(word, set()).add(index)
    return frozenset(word for word, found in owners.items() if len(found) > 1)


_SHARED = _shared(_WESTERN, _CENTRAL, _TURKISH, _BALTIC)


def _languages(table: dict[str, tuple[str, str]]) -> dict[str, _Language]:
    return {
        name: _Language(letters, frozenset(words.split()) - _SHARED)
        for name, (letters, words) in table.items()
    }


@attrs.frozen
class _Family:
    label: str  # "Central European letters", "Cyrillic"
    languages: dict[str, _Language]  # empty for a script of its own (Cyrillic, Greek)
    script: str  # the Unicode script name its letters start with: LATIN, CYRILLIC, GREEK
    # A script of its own: letter -> bits of surprise at meeting it in text.
    bits: dict[str, float] = attrs.field(factory=dict)


def _bits(percent: dict[str, float]) -> dict[str, float]:
    total = sum(percent.values())
    return {letter: -math.log2(share / total) for letter, share in percent.items()}


# How often each lowercase letter occurs in running text, in percent: Russian (with the
# letters only Ukrainian, Belarusian, Bulgarian, Serbian and Macedonian use, at a guess),
# and Modern Greek. The right code page reads survey text at 4.4–5.0 bits a letter; the
# wrong one of Cyrillic and Greek, or koi8-r for cp1251, at 5.1–7.
# fmt: off
_CYRILLIC_PERCENT = {
    "о": 10.97, "е": 8.45, "а": 8.01, "и": 7.35, "н": 6.70, "т": 6.26, "с": 5.47, "р": 4.73,
    "в": 4.54, "л": 4.40, "к": 3.49, "м": 3.21, "д": 2.98, "п": 2.81, "у": 2.62, "я": 2.01,
    "ы": 1.90, "ь": 1.74, "г": 1.70, "з": 1.65, "б": 1.59, "ч": 1.44, "й": 1.21, "х": 0.97,
    "ж": 0.94, "ш": 0.73, "ю": 0.64, "ц": 0.48, "щ": 0.36, "э": 0.32, "ф": 0.26, "ъ": 0.8,
    "ё": 0.2, "і": 4.0, "ї": 0.6, "є": 0.7, "ґ": 0.1, "ј": 1.0, "љ": 0.4, "њ": 0.4, "ћ": 0.5,
    "ђ": 0.2, "џ": 0.1, "ў": 0.5, "ѓ": 0.1, "ќ": 0.1, "ѕ": 0.05,
}
_GREEK_PERCENT = {
    "α": 10.5, "ο": 8.5, "ι": 7.2, "ε": 7.0, "τ": 7.8, "σ": 5.0, "ς": 2.6, "ν": 6.6, "η": 4.0,
    "υ": 3.6, "ρ": 4.5, "κ": 4.1, "π": 3.8, "μ": 3.2, "λ": 2.8, "ω": 1.4, "δ": 1.8, "γ": 1.8,
    "χ": 1.1, "θ": 1.2, "φ": 0.8, "β": 0.7, "ξ": 0.4, "ζ": 0.4, "ψ": 0.2, "ά": 1.8, "έ": 1.5,
    "ί": 1.6, "ό": 1.7, "ή": 1.1, "ύ": 0.9, "ώ": 0.6, "ϊ": 0.1, "ϋ": 0.03, "ΐ": 0.03,
    "ΰ": 0.01,
}
# fmt: on
_PLAUSIBLE_BITS = 5.1  # a reading costing more bits a letter than this is marked
_UNKNOWN_BITS = 14.0  # the cost of a letter the table does not know

_FAMILIES = {
    "western": _Family("Western European letters", _languages(_WESTERN), "LATIN"),
    "central": _Family("Central European letters", _languages(_CENTRAL), "LATIN"),
    "turkish": _Family("Turkish letters", _languages(_TURKISH), "LATIN"),
    "baltic": _Family("Baltic letters", _languages(_BALTIC), "LATIN"),
    "cyrillic": _Family("Cyrillic", {}, "CYRILLIC", _bits(_CYRILLIC_PERCENT)),
    "greek": _Family("Greek", {}, "GREEK", _bits(_GREEK_PERCENT)),
}

# The candidates, in order of preference on a tie, with the doubt each starts with: a code
# page this module does not claim needs more evidence to displace cp1252.
_CODE_PAGES = (
    ("cp1252", "western", 0),
    ("cp1250", "central", 0),
    ("cp1251", "cyrillic", 0),
    ("cp1253", "greek", 0),
    ("mac-roman", "western", 0),
    ("cp1254", "turkish", 1),
    ("cp1257", "baltic", 1),
    ("cp850", "western", 1),
    ("iso8859-15", "western", 1),
    ("iso8859-1", "western", 1),
    ("iso8859-2", "central", 1),
    ("koi8-r", "cyrillic", 1),
    ("cp866", "cyrillic", 1),
    ("iso8859-5", "cyrillic", 1),
    ("iso8859-7", "greek", 1),
)
_DEFAULT = "cp1252"

# Code pages charset-normalizer may name when none of the above reads the data plainly.
_OTHERS = [
    "cp1255", "cp1256", "cp874", "iso8859_6", "iso8859_8", "iso8859_11",
    "tis_620", "cp932", "shift_jis", "euc_jp", "gb18030", "gbk", "gb2312", "big5",
    "big5hkscs", "euc_kr", "cp949", "johab",
]  # fmt: skip

# Between two letters these are word joiners, not evidence: apostrophes, hyphens and dashes,
# the Catalan middle dot, a soft hyphen, a no-break space.
_JOINERS = frozenset("’‘´`'‐‑–—·\u00ad\u00a0")
# Punctuation and signs that open or close a word (“Hi”, ¿Qué, m², 20°C, Brand™, µg):
# fine next to a letter, odd between two.
_EDGES = frozenset("“”„‚«»‹›¿¡…²³¹°™®©µ")
# Letters to Unicode that are symbols in text: ordinal indicators and the micro sign.
_SYMBOL_LETTERS = frozenset("ªºµ")
_HIGH = bytes(range(0x80, 0x100))
_LETTER = r"[^\W\d_]"
_WORD = re.compile(r"[^\W\d_]+")
_SIGMA = re.compile(f"ς(?={_LETTER})|σ(?!{_LETTER}|['’])")
# A word holding a non-ASCII byte. It starts only where a word starts, so that a long run
# without one costs one scan, not one per byte.
_WORDS_WITH_HIGH = re.compile(rb'(?<![^\s,;"])([^\s,;"\x80-\xff]*)[\x80-\xff][^\s,;"]*')
_LONGEST_WORD = 64  # bytes of a word weighed, from just before its first non-ASCII byte
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


@attrs.frozen
class _CodePage:
    """What each byte above 0x7F means in one code page, sorted for the checks below."""

    name: str
    key: str  # the family's key in _FAMILIES
    family: _Family
    undefined: frozenset[int]
    chars: dict[int, str]  # byte -> character, defined bytes only
    letters: str  # non-ASCII letters
    lower: str  # non-ASCII small letters (ß left out: it sits in capitalised words)
    upper: str
    foreign: str  # non-ASCII letters not of the family's script
    symbols: str  # non-letters that have no business between letters, nor touching one
    edges: str  # punctuation that may touch a letter, but not sit between two
    accents: str  # lone accents (˙ ˇ ¸) and box drawing: no business next to a letter at all
    controls: str  # control and private-use characters


def _class(chars: Iterable[str]) -> str:
    """A regular-expression character class matching ``chars`` (never empty)."""
    text = "".join(sorted(set(chars)))
    return f"[{re.escape(text)}]" if text else "(?!)"


@functools.cache
def _code_page(name: str, family: str) -> _CodePage:
    chars: dict[int, str] = {}
    undefined = set()
    for byte in range(0x80, 0x100):
        try:
            chars[byte] = bytes([byte]).decode(name)
        except UnicodeDecodeError:
            undefined.add(byte)
    kind = _FAMILIES[family]
    letters: list[str] = []
    lower: list[str] = []
    upper: list[str] = []
    foreign: list[str] = []
    symbols: list[str] = []
    edges: list[str] = []
    accents: list[str] = []
    controls: list[str] = []
    for char in chars.values():
        category = unicodedata.category(char)
        if category[0] == "L" and category != "Lm" and char not in _SYMBOL_LETTERS:
            letters.append(char)
            if category == "Ll" and char != "ß":
                lower.append(char)
            elif category == "Lu":
                upper.append(char)
            if not unicodedata.name(char, "").startswith(kind.script):
                foreign.append(char)
        elif category in ("Cc", "Co", "Cn", "Cs"):
            controls.append(char)
        elif (category[0] in "SPN" or category == "Lm" or char in _SYMBOL_LETTERS) and (
            char not in _JOINERS
        ):
            touch = category in ("Sk", "Lm") or 0x2500 <= ord(char) <= 0x25FF
            (accents if touch else edges if char in _EDGES else symbols).append(char)
    return _CodePage(
        name=name,
        key=family,
        family=kind,
        undefined=frozenset(undefined),
        chars=chars,
        letters="".join(letters),
        lower="".join(lower),
        upper="".join(upper),
        foreign="".join(foreign),
        symbols="".join(symbols),
        edges="".join(edges),
        accents="".join(accents),
        controls="".join(controls),
    )


@functools.cache
def _patterns(name: str, family: str) -> dict[str, re.Pattern[str]]:
    """The checks of ``_read``, each starting at a non-ASCII character, which keeps them
    fast: the regular-expression engine skips ahead to the characters that can start one."""
    page = _code_page(name, family)
    letter = _LETTER
    lower_all = _class("abcdefghijklmnopqrstuvwxyz" + page.lower)
    native = "".join(c for c in page.letters if c not in page.foreign)
    if page.family.script == "LATIN":  # its non-ASCII letters of other scripts, next to Latin
        high, other = _class(page.foreign), _class(string.ascii_letters + native)
    else:  # its letters of its own script, next to ASCII or other foreign letters
        high, other = _class(native), _class(string.ascii_letters + page.foreign)
    symbols, accents = _class(page.symbols + page.edges), _class(page.accents)
    stuck, letters = _class(page.symbols), _class(page.letters)
    clutter = _class(c for c in page.chars.values() if c not in page.letters and c != "\xa0")
    return {
        "inside": re.compile(
            f"{symbols}(?<={letter}.)(?={letter})|{accents}(?:(?<={letter}.)|(?={letter}))"
        ),
        "control": re.compile(_class(page.controls)),
        "noise": re.compile(accents),
        "clutter": re.compile(f"{clutter}{{3,}}"),
        "touch": re.compile(f"{stuck}(?:(?<={letters}.)|(?={letters}))"),
        "case": re.compile(
            f"{_class(page.upper)}(?<={lower_all}.)|[A-Z](?<={_class(page.lower)}.)"
        ),
        "mixed": re.compile(f"{high}(?:(?<={other}.)|(?={other}))"),
    }


# The kinds of mark, most telling first (for the reason given).
_TELLING = (
    "inside",
    "control",
    "heavy",
    "mixed",
    "case",
    "touch",
    "noise",
    "clutter",
    "sigma",
    "rare",
    "letters",
    "words",
)
_STRUCTURE = frozenset(
    {"control", "noise", "clutter", "inside", "touch", "mixed", "case", "heavy", "sigma", "rare"}
)


@attrs.frozen
class _Reading:
    """One code page's reading of the evidence, and the marks against it."""

    page: _CodePage
    rank: int
    doubt: int  # marks it starts with when weighed against cp1252
    high: int  # non-ASCII bytes in the evidence
    marks: Counter[str]  # kind of mark -> weighted count
    examples: dict[str, list[str]]  # kind of mark -> what was marked
    letters: Counter[str]  # its non-ASCII letters, lowercased
    ascii_letters: int  # ASCII letters in the evidence
    language: str  # the language of the family whose words it has most of ("" if none)
    hits: int  # how many of that language's common words it has

    @property
    def score(self) -> int:
        return sum(self.marks.values())

    @property
    def structure(self) -> int:
        """Marks for what no text holds, whatever its language."""
        return sum(self.marks[kind] for kind in _STRUCTURE)

    @property
    def plain(self) -> bool:
        """Whether it reads as text in some language, if not necessarily one language."""
        return self.structure <= self.high * _PLAIN

    @property
    def readable(self) -> bool:
        """Whether it reads as text, its letters those of one language, give or take."""
        return self.structure + self.marks["letters"] <= self.high * _PLAIN

    @property
    def clean(self) -> bool:
        """Whether it reads as text in one language of its family."""
        return self.structure + self.marks["letters"] <= self.high * _CLEAN


def _lower(char: str) -> str:
    low = char.lower()
    return low if len(low) == 1 else char


def _read(text: str, words: str, page: _CodePage, rank: int, doubt: int, high: int) -> _Reading:
    """Mark a code page's reading of the evidence (``text``) and of the start of the data
    (``words``, for the commonest words of each language)."""
    patterns = _patterns(page.name, page.key)
    marks: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}

    def mark(kind: str, found: list[str], weight: int) -> None:
        if found:
            marks[kind] += weight * len(found)
            examples[kind] = found

    mark("control", patterns["control"].findall(text), 4)
    mark("noise", patterns["noise"].findall(text), 1)
    clutter = patterns["clutter"].findall(text)
    if clutter:
        marks["clutter"] += sum(map(len, clutter))
        examples["clutter"] = clutter
    mark("inside", patterns["inside"].findall(text), 2)
    mark("touch", patterns["touch"].findall(text), 1)
    mark("mixed", patterns["mixed"].findall(text), 2)
    mark("case", patterns["case"].findall(text), 1)
    letters: Counter[str] = Counter()
    ascii_letters = 0
    for char, count in Counter(text).items():
        if char in page.letters:
            letters[_lower(char)] += count
        elif char.isascii() and char.isalpha():
            ascii_letters += count
    if page.family.script == "LATIN" and letters.total() > ascii_letters:
        # In words of Latin-script languages, accented letters are the fewer.
        marks["heavy"] += letters.total() - ascii_letters
    if page.family.script == "GREEK":
        mark("sigma", _SIGMA.findall(text), 1)
    bits = page.family.bits
    if bits and letters:
        cost = sum(bits.get(c, _UNKNOWN_BITS) * n for c, n in letters.items())
        excess = int(cost - _PLAUSIBLE_BITS * letters.total())
        if excess > 0:
            marks["rare"] += excess
            examples["rare"] = [c for c, _ in letters.most_common() if c not in bits][:4]
    languages = page.family.languages
    found: dict[str, int] = {}
    if languages:
        counts = Counter(_WORD.findall(words.lower()))
        found = {name: sum(counts[w] for w in known.words) for name, known in languages.items()}
    ranked = sorted(found, key=found.__getitem__, reverse=True)
    language = ranked[0] if ranked and found[ranked[0]] else ""
    hits = found.get(language, 0)
    if languages and letters:
        # The letters should be those of the language the words show, when they show one
        # clearly (any of the family's for English, which borrows names from all of them);
        # else those of any one language of the family.
        clear = hits >= _CLEAR_HITS and (len(ranked) < 2 or hits >= 2 * found[ranked[1]])
        if clear and language == "en":
            alphabets = ["".join(known.letters for known in languages.values())]
        elif clear:
            alphabets = [languages[language].letters]
        else:
            alphabets = [known.letters for known in languages.values()]
        fit = max(sum(n for c, n in letters.items() if c in alphabet) for alphabet in alphabets)
        if fit < letters.total():
            marks["letters"] += 2 * (letters.total() - fit)
            examples["letters"] = [c for c, _ in letters.most_common()]
    return _Reading(
        page, rank, doubt, high, marks, examples, letters, ascii_letters, language, hits
    )


# --------------------------------------------------------------------------- streaming


def _blocks(chunks: Callable[[], Iterable[bytes]]) -> Iterator[bytes]:
    """The caller's data afresh, in blocks of at most ``_BLOCK`` bytes."""
    for chunk in chunks():
        data = chunk if isinstance(chunk, bytes) else bytes(chunk)
        if len(data) <= _BLOCK:
            if data:
                yield data
        else:
            for start in range(0, len(data), _BLOCK):
                yield data[start : start + _BLOCK]


def _decodes(chunks: Callable[[], Iterable[bytes]], name: str) -> int | None:
    """``None`` when the whole data decodes as ``name``, else the offset of the first
    byte that does not."""
    offset = pending = 0
    try:
        decoder = codecs.getincrementaldecoder(name)("strict")
        for block in _blocks(chunks):
            pending = len(decoder.getstate()[0])
            decoder.decode(block)
            offset += len(block)
        pending = len(decoder.getstate()[0])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return max(offset - pending + exc.start, 0)
    except (UnicodeError, LookupError):  # pragma: no cover - codecs named here all exist
        return offset
    return None


@attrs.frozen
class _FirstPass:
    head: bytes  # the first _SAMPLE bytes
    bad_utf8: int | None  # offset of the first byte that is not UTF-8, None if all is
    ascii: bool
    size: int


def _first_pass(chunks: Callable[[], Iterable[bytes]]) -> _FirstPass:
    """One streaming pass: the head of the data, and whether all of it is UTF-8. It stops
    once a byte is not UTF-8 and the head is full."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    head = bytearray()
    offset, ascii_only = 0, True
    bad: int | None = None
    for block in _blocks(chunks):
        if len(head) < _SAMPLE:
            head += block[: _SAMPLE - len(head)]
        elif bad is not None:
            break
        if bad is None:
            pending = len(decoder.getstate()[0])
            try:
                if not (pending == 0 and block.isascii()):
                    ascii_only = False
                    decoder.decode(block)
            except UnicodeDecodeError as exc:
                bad = max(offset - pending + exc.start, 0)
        offset += len(block)
    if bad is None:
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            bad = max(offset - pending + exc.start, 0)
    return _FirstPass(bytes(head), bad, ascii_only and bad is None, offset)


@attrs.frozen
class _Survey:
    head: bytes  # the first MiB
    window: bytes  # the MiB from just before the first byte that is not UTF-8, if later
    present: frozenset[int]  # which bytes undefined in some candidate occur anywhere

    @property
    def sample(self) -> bytes:
        return self.head + b"\n" + self.window if self.window else self.head

    @property
    def lines(self) -> bytes:
        """Whole lines of the head and the window: no character of a multi-byte encoding
        cut in two (a newline is never part of one)."""
        head = self.head[: self.head.rfind(b"\n") + 1] or self.head
        window = self.window[self.window.find(b"\n") + 1 : self.window.rfind(b"\n") + 1]
        return head + window

    @property
    def words(self) -> bytes:
        """Where to look for common words: the lines that hold non-ASCII bytes, from the
        start of the head after its first line (often a header in another language) and
        the start of the window. Lines of plain ASCII read the same in every code page, so
        they show nothing of the language the non-ASCII bytes are in (an English "Thank
        you" among answers in Czech)."""
        cut = self.head.find(b"\n") + 1
        head = self.head[cut:] if 0 < cut < len(self.head) else self.head
        return _high_lines(head) + b"\n" + _high_lines(self.window)


def _high_lines(data: bytes) -> bytes:
    """The lines of ``data`` that hold a non-ASCII byte, up to ``_WORDS`` bytes."""
    found = bytearray()
    for line in data.split(b"\n"):
        if not line.isascii():
            found += line + b"\n"
            if len(found) >= _WORDS:
                break
    return bytes(found[:_WORDS])


def _survey(chunks: Callable[[], Iterable[bytes]], bad: int) -> _Survey:
    """A second pass over data that is not UTF-8: the sample, and which bytes occur."""
    wanted = set().union(*(_code_page(n, f).undefined for n, f, _ in _CODE_PAGES))
    others = bytes(b for b in range(256) if b not in wanted)
    seen: set[int] = set()
    head = bytearray()
    window = bytearray()
    start = max(bad - 4096, _SAMPLE)
    end = start + _SAMPLE if bad >= _SAMPLE else 0
    offset = 0
    for block in _blocks(chunks):
        if len(head) < _SAMPLE:
            head += block[: _SAMPLE - len(head)]
        if offset + len(block) > start and offset < end:
            window += block[max(start - offset, 0) : end - offset]
        seen.update(block.translate(None, others))
        offset += len(block)
    return _Survey(bytes(head), bytes(window), frozenset(seen))


def _evidence(sample: bytes) -> bytes:
    """The words of the sample that hold non-ASCII bytes, up to ``_EVIDENCE`` bytes."""
    found, size = [], 0
    for match in _WORDS_WITH_HIGH.finditer(sample):
        start = max(len(match.group(1)) - 8, 0)
        word = match.group()[start : start + _LONGEST_WORD]
        found.append(word)
        size += len(word) + 1
        if size >= _EVIDENCE:
            break
    return b" ".join(found)


# --------------------------------------------------------------------------- deciding


def choose_encoding(chunks: Callable[[], Iterable[bytes]], *, source: str) -> Encoding:
    """The text encoding of the data ``chunks()`` yields, and why (see the module's doc).

    ``chunks()`` opens the data afresh and yields it in blocks; it is called once for
    UTF-8 data and a few times at most otherwise. Whatever the bytes, the answer decodes
    all of them (``data.decode(answer.name)`` succeeds), or :class:`FormatError` is raised.
    Errors raised by ``chunks()`` itself (an unreadable file) pass through unchanged.

    :raises FormatError: the encoding cannot be told; the message asks for ``encoding=``.
    """
    first = _first_pass(chunks)
    head = first.head
    for mark, name, label in _BOMS:
        if head.startswith(mark):
            bad = first.bad_utf8 if name == "utf-8-sig" else _decodes(chunks, name)
            if bad is None:
                return Encoding(name, f"a {label} byte order mark")
            raise FormatError(
                f"the text starts with a {label} byte order mark but is not valid {label} "
                f"(at byte {bad}); pass {_OPTION} to say how to read it",
                source=source,
            )
    utf16 = _utf16_without_bom(head)
    if utf16 is not None and _decodes(chunks, utf16[0]) is None:
        return Encoding(*utf16)
    if first.bad_utf8 is None:
        if first.size == 0:
            return Encoding("utf-8", "empty: read as UTF-8")
        return Encoding("utf-8", "plain ASCII, read as UTF-8" if first.ascii else "valid UTF-8")
    return _single_byte(chunks, first.bad_utf8, source)


def _utf16_without_bom(head: bytes) -> tuple[str, str] | None:
    if b"\x00" not in head or len(head) < 4:
        return None
    units = len(head) // 2
    even, odd = head[0 : units * 2 : 2].count(0), head[1 : units * 2 : 2].count(0)
    for name, zeros, others, side in (
        ("utf-16-le", odd, even, "little"),
        ("utf-16-be", even, odd, "big"),
    ):
        if zeros * 10 >= units * 3 and others * 50 <= units:
            return (
                name,
                f"UTF-16 ({side}-endian) without a byte order mark: every other byte is zero",
            )
    return None


def _single_byte(chunks: Callable[[], Iterable[bytes]], bad: int, source: str) -> Encoding:
    survey = _survey(chunks, bad)
    _refuse_mostly_utf8(survey.sample, bad, source)
    evidence = _evidence(survey.sample)
    readings = _readings(evidence, survey.words, survey.present)
    default = next((r for r in readings if r.page.name == _DEFAULT), None)
    chosen = _decide(readings, default)
    if chosen is not None and chosen is default:
        return Encoding(_DEFAULT, f"{_DEFAULT}: what Excel writes; no byte says otherwise")
    if chosen is not None and not chosen.doubt:
        return Encoding(chosen.page.name, _reason(chosen, default, survey.present))
    # Nothing read plainly, or only a code page not claimed: let charset-normalizer weigh it
    # (and claimed readings about as good) against the code pages of the scripts not
    # weighed here.
    rivals = [
        r
        for r in readings
        if chosen is not None
        and (r is chosen or (not r.doubt and r.readable and r.score <= chosen.score + 2))
    ]
    readable = {codecs.lookup(r.page.name).name: r for r in rivals}
    guess = _guess(survey.lines, chunks, list(readable))
    if guess in readable:
        chosen = readable[guess]
    elif guess is not None:
        return Encoding(guess, f"{guess}: charset-normalizer's best guess")
    if chosen is not None:
        return Encoding(chosen.page.name, _reason(chosen, default, survey.present))
    if default is not None:
        return Encoding(_DEFAULT, f"{_DEFAULT}: no code page reads it plainly; cp1252 by default")
    raise FormatError(
        "cannot tell the text encoding: it is not UTF-8, and no code page reads it as "
        f"plain text; pass {_OPTION} to say which encoding the file is in",
        source=source,
    )


def _readings(evidence: bytes, words: bytes, present: frozenset[int]) -> list[_Reading]:
    """The evidence read in each candidate code page that decodes all the data.

    A Latin-script reading whose family's languages have fewer common words in the text
    than another's is marked for the difference (up to ``_WORDS_CAP``).
    """
    high = len(evidence) - len(evidence.translate(None, _HIGH))
    readings = []
    for rank, (name, family, doubt) in enumerate(_CODE_PAGES):
        page = _code_page(name, family)
        if not page.undefined & present:
            text, start = evidence.decode(name), words.decode(name)
            readings.append(_read(text, start, page, rank, doubt, high))
    most = max((r.hits for r in readings), default=0)
    for reading in readings:
        if reading.page.family.languages and reading.hits < most:
            reading.marks["words"] = min(_WORDS_CAP, most - reading.hits)
    return readings


def _decide(readings: list[_Reading], default: _Reading | None) -> _Reading | None:
    """The reading to take, ``None`` when none reads as plain text.

    Another code page displaces cp1252 when its reading is clean and cp1252's is clearly
    worse: more than twice the marks (counting the other's doubt), and two more. Else
    cp1252 stays if its reading is plain; failing that, the readable reading with fewest
    marks.
    """
    others = [r for r in readings if r is not default]
    best = min(others, key=lambda r: (r.score, r.rank), default=None)
    if default is not None:
        if best is not None and best.clean and default.score > 2 * (best.score + best.doubt) + 1:
            return best
        # A symbol inside a word (``by³y``) is what no text writes: a claimed reading with
        # nothing of the kind wins, though its language's common words may be fewer (English
        # answers beside Polish ones). So does a spotless reading whose language's common
        # words outnumber those of cp1252's reading, in the lines the two read differently.
        if (
            best is not None
            and best.clean
            and not best.doubt
            and best.structure == 0
            and (default.marks["inside"] >= 2 or (best.score == 0 and best.hits > default.hits))
        ):
            return best
        if default.plain:
            return default
    return min((r for r in others if r.readable), key=lambda r: (r.score, r.rank), default=None)


def _refuse_mostly_utf8(sample: bytes, bad: int, source: str) -> None:
    """Raise when the sample is UTF-8 apart from a few bytes: a single-byte reading would
    garble every character the rest of the file spells in UTF-8."""
    sequences = _UTF8_SEQUENCE.findall(sample)
    if len(sequences) < 2:
        return
    high = len(sample) - len(sample.translate(None, _HIGH))
    if sum(map(len, sequences)) * 4 >= high * 3:
        raise FormatError(
            f"the text is UTF-8 except at byte {bad}: the file may be cut short or mix two "
            f"encodings; repair it, or pass {_OPTION} to read it in one",
            source=source,
        )


def _reason(best: _Reading, against: _Reading | None, present: frozenset[int]) -> str:
    name = best.page.name
    default = _code_page(_DEFAULT, "western")
    family = best.page.family
    if family.languages:
        differing = {
            _lower(char)
            for byte, char in best.page.chars.items()
            if default.chars.get(byte) != char
        }
        letters = [c for c, _ in best.letters.most_common()]
        shown = [c for c in letters if c in differing][:3] or letters[:3]
        what = f"{family.label} ({', '.join(shown)})" if shown else family.label
    else:
        share = "most letters are" if best.letters.total() > best.ascii_letters else "letters are"
        what = f"{share} {family.label}"
    if against is None:
        undefined = ", ".join(f"0x{b:02X}" for b in sorted(default.undefined & present)[:3])
        why = f"cp1252 leaves byte {undefined} undefined"
    else:
        why = f"as cp1252 it would read {_describe(against)}"
    return f"{name}: {what}; {why}"


def _describe(reading: _Reading) -> str:
    """The main thing wrong with a reading, in a few words."""
    kind = next((k for k in _TELLING if reading.marks[k]), "")
    shown = ", ".join(dict.fromkeys(reading.examples.get(kind, [])[:4]))
    return {
        "control": "control characters",
        "noise": f"lone accents or box drawing ({shown})",
        "clutter": f"runs of symbols ({shown})",
        "words": "the common words of a language it is not used for",
        "inside": f"symbols inside words ({shown})",
        "touch": f"symbols stuck to letters ({shown})",
        "mixed": "Latin and other letters inside one word",
        "case": f"capitals inside words ({shown})",
        "heavy": "words made mostly of accented letters",
        "sigma": "misplaced final sigmas",
        "rare": "letters in proportions no language has",
        "letters": f"letters ({shown}) that no one language uses together",
    }.get(kind, "less plainly")


def _guess(sample: bytes, chunks: Callable[[], Iterable[bytes]], also: list[str]) -> str | None:
    """charset-normalizer's best guess among the code pages not weighed here and ``also``,
    if the whole data decodes in it."""
    try:
        import charset_normalizer

        best = charset_normalizer.from_bytes(sample, cp_isolation=_OTHERS + also).best()
        name = None if best is None else codecs.lookup(str(best.encoding)).name
    except Exception:  # a guess that fails is no guess
        return None
    if name is None or _decodes(chunks, name) is not None:
        return None
    return name
