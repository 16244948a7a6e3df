"""Telling a survey export's text encoding: every code page the chooser claims reads back
exactly, cp1252 wins unless the bytes prove otherwise, and nothing but FormatError escapes."""

from __future__ import annotations

import codecs
import time
import tracemalloc
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coprod_toc.errors import FormatError
from coprod_toc.surveys.kit.encoding import Encoding, choose_encoding

HEADER = "Respondent ID,Submitted,How useful was the session?,What could be better?\n"


def survey(*answers: tuple[str, str], header: str = HEADER) -> str:
    """A survey export: the header row, then one row per pair of answers."""
    rows = (f'{n},2024-03-{n:02d},"{a}","{b}"\n' for n, (a, b) in enumerate(answers, 1))
    return header + "".join(rows)


def whole(data: bytes) -> Callable[[], Iterator[bytes]]:
    """The data as ``chunks()``, in blocks of 7 bytes so characters straddle blocks."""
    return lambda: (data[i : i + 7] for i in range(0, len(data), 7))


def choose(data: bytes) -> Encoding:
    return choose_encoding(whole(data), source="survey.csv")


def assert_reads_back(text: str, encoding: str) -> Encoding:
    """Encode ``text``, choose its encoding, and check it decodes to ``text`` exactly."""
    data = text.encode(encoding)
    chosen = choose(data)
    assert data.decode(chosen.name) == text, chosen
    return chosen


# --------------------------------------------------------------------------- the corpus

CP1252 = {
    "en": survey(
        ("The £5 café crème was lovely – thank you", "More time for ‘questions’, please"),
        ("The “drop-in” on Tuesdays was great; it cost €10", "Nothing – it’s fine as it is"),
        ("Staff were kind, Zoë and José especially", "A longer break — and a bigger room"),
        ("Our carer Søren did a great job", "We visited the crèche and the café"),
    ),
    "fr": survey(
        ("Très utile, merci beaucoup à l’équipe", "Plus de temps pour échanger"),
        ("La réunion était bien organisée", "Un café peut-être ?"),
        ("J’ai beaucoup appris sur le rôle des aidants", "Rien à signaler"),
    ),
    "de": survey(
        ("Sehr hilfreich, vielen Dank für die Unterstützung", "Mehr Zeit für Fragen"),
        ("Die Gruppe war großartig", "Größere Räume wären schön"),
        ("Gut organisiert", "Öfter treffen, bitte"),
    ),
    "es": survey(
        ("Muy útil, gracias por la atención", "Más tiempo para preguntas"),
        ("La sesión fue excelente", "¿Podríamos reunirnos más a menudo?"),
        ("Aprendí mucho sobre el cuidado", "Nada, todo bien, señora"),
    ),
    "pt": survey(
        ("Muito útil, obrigado pela sessão", "Mais informação sobre os serviços"),
        ("As reuniões são ótimas", "Não tenho sugestões"),
        ("Aprendi muito com a equipa", "Gostaria de mais atenção às famílias"),
    ),
    "it": survey(
        ("Molto utile, grazie per l’attività", "Più tempo per le domande"),
        ("È stata una bella giornata", "Perché non farlo più spesso?"),
        ("Ho imparato molto", "Niente, va bene così"),
    ),
    "nl": survey(
        ("Heel nuttig, bedankt voor de ideeën", "Meer tijd voor overleg"),
        ("Goed georganiseerd, een geweldige dag", "Een café na afloop"),
        ("Ik heb veel geleerd", "Het was een beetje te kort"),
    ),
    "da": survey(
        ("Meget nyttigt, tak for hjælpen", "Mere tid til spørgsmål"),
        ("Det var en god dag på centret", "Større lokaler, måske"),
        ("Jeg lærte meget", "Flere møder i løbet af året"),
    ),
    "sv": survey(
        ("Mycket användbart, tack för hjälpen", "Mer tid för frågor"),
        ("Det var en bra träff", "Större rum skulle vara bra"),
        ("Jag lärde mig mycket", "Fler möten under året"),
    ),
    "no": survey(
        ("Veldig nyttig, takk for hjelpen", "Mer tid til spørsmål"),
        ("Det var en fin dag på senteret", "Større rom, kanskje"),
        ("Jeg lærte mye", "Flere møter i løpet av året"),
    ),
    "is": survey(
        ("Mjög gagnlegt, takk fyrir", "Meiri tíma fyrir spurningar"),
        ("Þetta var góður fundur", "Stærra herbergi væri gott"),
        ("Starfsfólkið var frábært", "Ekkert, allt í góðu"),
    ),
    "fi": survey(
        ("Erittäin hyödyllinen, kiitos", "Enemmän aikaa kysymyksille"),
        ("Hyvä tapaaminen", "Isompi tila olisi hyvä"),
        ("Henkilökunta oli ystävällistä", "Ei mitään, kaikki hyvin"),
    ),
    "cy": survey(
        ("Diolch yn fawr, roedd y gweithdy’n wych", "Mwy o amser i drafod â’r tîm"),
        ("Roedd y sesiwn yn ddefnyddiol iawn", "Cân ar y diwedd, efallai"),
        ("Gwych", "Mwy o gyfle i siarad Cymraeg â’r staff"),
    ),
    "ga": survey(
        ("Go raibh maith agat, bhí sé an-úsáideach", "Níos mó ama le haghaidh ceisteanna"),
        ("Seisiún iontach", "Tá sé go maith"),
        ("Bhí an fhoireann cairdiúil", "Tuilleadh cruinnithe, le do thoil"),
    ),
}

CP1250 = {
    "pl": survey(
        ("Bardzo przydatne, dziękuję za pomoc", "Więcej czasu na pytania"),
        ("Spotkanie było świetnie zorganizowane", "Większa sala byłaby lepsza"),
        ("Współpraca z zespołem była łatwa", "Nic, wszystko w porządku"),
        ("Żałuję, że trwało tak krótko", "Częściej, proszę"),
    ),
    "cs": survey(
        ("Velmi užitečné, děkuji za pomoc", "Více času na otázky"),
        ("Setkání bylo skvěle zorganizované", "Větší místnost by byla lepší"),
        ("Spolupráce s týmem byla snadná", "Nic, všechno v pořádku"),
        ("Příště bych chtěl víc diskuse", "Častěji, prosím"),
    ),
    "sk": survey(
        ("Veľmi užitočné, ďakujem za pomoc", "Viac času na otázky"),
        ("Stretnutie bolo skvele zorganizované", "Väčšia miestnosť by bola lepšia"),
        ("Spolupráca s tímom bola ľahká", "Nič, všetko v poriadku"),
    ),
    "hu": survey(
        ("Nagyon hasznos volt, köszönöm a segítséget", "Több idő a kérdésekre"),
        ("A találkozó jól szervezett volt", "Nagyobb terem lenne jobb"),
        ("Az előadó nagyon segítőkész volt", "Semmi, minden rendben"),
        ("Sokat tanultam a műhelyen", "Gyakrabban, kérem"),
    ),
    "hr": survey(
        ("Vrlo korisno, hvala na pomoći", "Više vremena za pitanja"),
        ("Sastanak je bio odlično organiziran", "Veća soba bi bila bolja"),
        ("Suradnja s timom bila je laka", "Ništa, sve je u redu"),
        ("Želio bih češće sastanke", "Češće, molim"),
    ),
    "sl": survey(
        ("Zelo koristno, hvala za pomoč", "Več časa za vprašanja"),
        ("Srečanje je bilo odlično organizirano", "Večja soba bi bila boljša"),
        ("Sodelovanje z ekipo je bilo lahko", "Nič, vse je v redu"),
    ),
    "ro": survey(
        ("Foarte util, mulţumesc pentru ajutor", "Mai mult timp pentru întrebări"),
        ("Întâlnirea a fost bine organizată", "O sală mai mare ar fi mai bună"),
        ("Colaborarea cu echipa a fost uşoară", "Nimic, totul este în regulă"),
    ),
}

CP1251 = {
    "ru": survey(
        ("Очень полезно, спасибо за помощь", "Больше времени на вопросы"),
        ("Встреча была хорошо организована", "Зал побольше было бы лучше"),
        ("Сотрудничество с командой было лёгким", "Ничего, всё в порядке"),
    ),
    "uk": survey(
        ("Дуже корисно, дякую за допомогу", "Більше часу на запитання"),
        ("Зустріч була добре організована", "Більша зала була б краще"),
        ("Співпраця з командою була легкою", "Нічого, все гаразд; ґанок"),
    ),
    "bg": survey(
        ("Много полезно, благодаря за помощта", "Повече време за въпроси"),
        ("Срещата беше добре организирана", "По-голяма зала би била по-добре"),
        ("Екипът беше много любезен", "Нищо, всичко е наред"),
    ),
    "sr": survey(
        ("Веома корисно, хвала на помоћи", "Више времена за питања"),
        ("Састанак је био одлично организован", "Већа сала би била боља"),
        ("Сарадња са тимом је била лака", "Ништа, све је у реду"),
    ),
}

CP1253 = {
    "el": survey(
        ("Πολύ χρήσιμο, ευχαριστώ για τη βοήθεια", "Περισσότερος χρόνος για ερωτήσεις"),
        ("Η συνάντηση ήταν καλά οργανωμένη", "Μια μεγαλύτερη αίθουσα θα ήταν καλύτερη"),
        ("Η συνεργασία με την ομάδα ήταν εύκολη", "Τίποτα, όλα καλά"),
    ),
    "el-names": survey(
        ("Το προσωπικό ήταν ευγενικό και εξυπηρετικό", "Η Ελένη μας βοήθησε πολύ"),
        ("Ο «Γιώργος» οργάνωσε την ημέρα", "Τίποτα – όλα ήταν τέλεια"),
        ("Ευχαριστούμε για την πρόσκληση", "Περισσότερες πληροφορίες, παρακαλώ"),
    ),
}


# --------------------------------------------------------------------------- UTF-8 and BOMs


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_byte_order_mark_decides(encoding: str) -> None:
    """Data starting with a UTF-8, UTF-16 or UTF-32 byte order mark reads back exactly."""
    text = CP1252["en"] + CP1251["ru"] + CP1253["el"]
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    data = bom + text.encode(encoding)
    chosen = choose(data)
    assert data.decode(chosen.name) == text
    assert "byte order mark" in chosen.reason


def test_utf8_without_bom() -> None:
    """Valid UTF-8 without a byte order mark is UTF-8, whatever scripts it mixes."""
    chosen = assert_reads_back(CP1252["en"] + CP1250["pl"] + CP1251["ru"] + CP1253["el"], "utf-8")
    assert chosen == Encoding("utf-8", "valid UTF-8")


def test_plain_ascii_is_utf8() -> None:
    """Pure ASCII is read as UTF-8."""
    chosen = choose(survey(("Very useful, thanks", "More time")).encode("ascii"))
    assert chosen.name == "utf-8"


def test_empty_data_is_utf8() -> None:
    """Empty data is UTF-8, not an encoding error (callers report the emptiness)."""
    assert choose(b"").name == "utf-8"
    assert choose_encoding(lambda: iter([b"", b""]), source="empty.csv").name == "utf-8"


def test_utf8_characters_split_across_blocks() -> None:
    """UTF-8 characters cut between two blocks of the data still make valid UTF-8."""
    data = CP1253["el"].encode("utf-8")
    chosen = choose_encoding(lambda: (data[i : i + 1] for i in range(len(data))), source="s")
    assert chosen.name == "utf-8"


def test_utf16_without_bom() -> None:
    """UTF-16 without a byte order mark is told by its zero bytes, either byte order."""
    for encoding in ("utf-16-le", "utf-16-be"):
        chosen = assert_reads_back(CP1252["en"], encoding)
        assert chosen.name == encoding


def test_utf8_reads_the_data_once() -> None:
    """On UTF-8 data the chooser opens the data once: one streaming pass."""
    calls = []
    data = CP1252["fr"].encode("utf-8")

    def chunks() -> Iterator[bytes]:
        calls.append(1)
        yield data

    assert choose_encoding(chunks, source="s").name == "utf-8"
    assert len(calls) == 1


def test_large_utf8_is_fast_and_memory_constant() -> None:
    """About 50 MB of UTF-8 is decided in a streaming pass: quickly, in constant memory."""
    row = survey(("£5 café crème – “great”", "Дякую; Ελλάδα")).encode("utf-8")
    block = row * (1_000_000 // len(row))
    blocks = 50

    def chunks() -> Iterator[bytes]:
        for _ in range(blocks):
            yield block

    tracemalloc.start()
    try:
        started = time.perf_counter()
        chosen = choose_encoding(chunks, source="big.csv")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert chosen.name == "utf-8"
    assert elapsed < 3.0, f"{elapsed:.2f}s for {blocks * len(block) / 1e6:.0f} MB"
    assert peak < 16 * 2**20, f"peak {peak / 2**20:.1f} MiB"


# --------------------------------------------------------------------------- cp1252


def test_the_pound_cafe_creme_case() -> None:
    """`£5 café crème` in cp1252 reads back as itself, not as cp1250's `Ł5 café crčme`."""
    text = survey(("£5 café crème", "Nothing"))
    data = text.encode("cp1252")
    chosen = choose(data)
    assert chosen.name == "cp1252"
    assert "£5 café crème" in data.decode(chosen.name)
    assert "Ł5 café crčme" not in data.decode(chosen.name)
    assert "Excel" in chosen.reason


def test_cp1252_symbols_and_punctuation() -> None:
    """cp1252's £ € é è, curly quotes ‘ ’ “ ” and en dash all read back."""
    text = survey(("“Great” – ‘really’ good: £5, €6", "é and è, café crème"))
    assert assert_reads_back(text, "cp1252").name == "cp1252"


@pytest.mark.parametrize("language", sorted(CP1252))
def test_cp1252_languages(language: str) -> None:
    """Survey answers in Western European languages, saved as cp1252, read back exactly."""
    assert assert_reads_back(CP1252[language], "cp1252").name == "cp1252"


@pytest.mark.parametrize(
    "answers",
    [
        [("Our carer Søren did a great job", "We visited the Crèche and the Café Rouge")],
        [("Siân and Seán were brilliant", "Bríd helped my mum"), ("Hélène ran it", "More")],
        [("Thanks to Øystein and Ásgeir", "Mr Ñúñez asked about transport")],
        [("Jürgen from the council", "Zoë says the staff are kind"), ("Fine", "£2.50")],
    ],
)
def test_foreign_names_in_english_stay_cp1252(answers: list[tuple[str, str]]) -> None:
    """English answers naming people from many countries are not taken for another code page."""
    assert assert_reads_back(survey(*answers), "cp1252").name == "cp1252"


def test_a_byte_undefined_in_cp1252_rules_it_out() -> None:
    """Data holding a byte cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) is not cp1252."""
    for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D):
        data = CP1252["en"].encode("cp1252") + bytes([byte]) + b"\r\n"
        chosen = choose(data)
        assert chosen.name != "cp1252"
        data.decode(chosen.name)


def test_single_byte_text_after_a_long_ascii_start() -> None:
    """The first non-UTF-8 byte far into the file is weighed with the text around it."""
    text = "ID,Comment\n" + "1,plain ASCII\n" * 150_000 + CP1250["pl"].split("\n", 1)[1]
    assert assert_reads_back(text, "cp1250").name == "cp1250"


# --------------------------------------------------------------------------- other code pages


@pytest.mark.parametrize("language", sorted(CP1250))
def test_cp1250_languages(language: str) -> None:
    """Central European answers saved as cp1250 read back exactly, not as cp1252."""
    chosen = assert_reads_back(CP1250[language], "cp1250")
    assert chosen.name == "cp1250"
    assert chosen.reason.startswith("cp1250: Central European letters")


@pytest.mark.parametrize("language", sorted(CP1251))
def test_cp1251_languages(language: str) -> None:
    """Cyrillic answers saved as cp1251 read back exactly."""
    chosen = assert_reads_back(CP1251[language], "cp1251")
    assert chosen.name == "cp1251"
    assert "Cyrillic" in chosen.reason


@pytest.mark.parametrize("language", sorted(CP1253))
def test_cp1253_greek(language: str) -> None:
    """Greek answers saved as cp1253 read back exactly, not as Cyrillic."""
    chosen = assert_reads_back(CP1253[language], "cp1253")
    assert chosen.name == "cp1253"
    assert "Greek" in chosen.reason


def test_cp1251_and_cp1253_with_an_english_header() -> None:
    """Cyrillic or Greek answers under an English header row still read back exactly."""
    for text, encoding in ((CP1251["ru"], "cp1251"), (CP1253["el"], "cp1253")):
        assert assert_reads_back(text, encoding).name == encoding


def test_mac_roman_french() -> None:
    """French answers saved by an old Mac (mac_roman) read back exactly."""
    assert assert_reads_back(CP1252["fr"].replace("’", "'"), "mac-roman").name == "mac-roman"


def test_an_unweighed_script_falls_to_charset_normalizer() -> None:
    """Japanese saved as cp932, a code page not weighed here, still reads back exactly."""
    text = survey(
        ("とても役に立ちました。ありがとうございました。", "質問の時間がもっと欲しいです")
    )
    assert_reads_back(text, "cp932")


# --------------------------------------------------------------------------- errors


def test_a_lying_byte_order_mark_is_a_format_error() -> None:
    """A UTF-16 byte order mark on data that is not UTF-16 is a FormatError asking for encoding=."""
    with pytest.raises(FormatError) as caught:
        choose(codecs.BOM_UTF16_LE + b"abc")
    assert "encoding=" in str(caught.value)
    assert caught.value.source == "survey.csv"


def test_mostly_utf8_with_a_stray_byte_is_a_format_error() -> None:
    """UTF-8 with one byte that is not (a file cut short, or two encodings) is a FormatError."""
    data = CP1252["fr"].encode("utf-8") + b"caf\xe9\n"
    with pytest.raises(FormatError) as caught:
        choose(data)
    assert "encoding=" in str(caught.value)
    assert "UTF-8" in str(caught.value)


def test_binary_noise_is_a_format_error() -> None:
    """Bytes that no code page reads as text are a FormatError naming the source."""
    data = bytes(range(256)) * 64
    with pytest.raises(FormatError) as caught:
        choose(data)
    assert "cannot tell the text encoding" in str(caught.value)
    assert "encoding=" in str(caught.value)


@given(st.binary(max_size=4096), st.integers(min_value=1, max_value=64))
def test_arbitrary_bytes_decode_or_raise_format_error(data: bytes, block: int) -> None:
    """Whatever the bytes, the answer decodes all of them, or FormatError is raised."""
    chunks = lambda: (data[i : i + block] for i in range(0, len(data), block))  # noqa: E731
    try:
        chosen = choose_encoding(chunks, source="fuzz.csv")
    except FormatError:
        return
    data.decode(chosen.name)
    assert chosen.reason
