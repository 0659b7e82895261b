"""The glossary (the shared GLOSSARY.md: "one term for one thing, in pages, mails, letters, PDFs
and the Django admin") as a test.

Every Norwegian text the product shows comes from one of three places: the compiled bokmål
catalogue (``locale/nb/LC_MESSAGES/django.mo``, every msgstr), the literal text of the templates
(the PDF letters and meeting documents are written in Norwegian in the template), and a few
Python literals that must stay Norwegian whatever the reader's language (the public list's CSV
and XLSX).  Each is searched for the glossary's "Not" words; a hit names the term to use.
"""

from __future__ import annotations

import ast
import re
import struct
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import translation

from workflow.models import State
from workflow.views.public import CSV_HEADER, CSV_STATUS, GRANTED, STATUS_LABELS

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "nb" / "LC_MESSAGES" / "django.mo"
SOURCE = CATALOGUE.with_suffix(".po")
TEMPLATES = ROOT / "templates"

# Where a "Not" word is right, its phrase is taken out of the text before the search.
ALLOWED = [
    # The legal terms of state aid law keep "støtte" (GLOSSARY: the money given is "tilskudd",
    # except offentlig støtte and bagatellmessig støtte as legal terms).  "bagatellmessig støtte
    # (de minimis …)" is the glossary's own first-use form.
    r"\boffentlige?\s+støtte\w*",
    r"\bbagatellmessige?\s+støtte\w*(\s+\(de minimis\b[^)]*\))?",
    # Aid intensity: the state-aid rules' share of the costs (glossary silent; the term of
    # Innovasjon Norge and the rules themselves).
    r"\bstøtteandel\w*",
    # The Register for offentlig støtte calls the one who granted an aid "støttegiver".
    r"\bstøttegiver\w*",
]

# (the glossary's "Not" word, as a pattern; the term to use)
NOT_WORDS = [
    (r"\bfrigj\w*", "tilbakeført (commitment returned to the frame)"),
    (r"\bbortf\w*", "Tilsagnet har falt bort / falt bort"),
    (r"\bannuller\w*", "Tilsagnet er trukket tilbake"),
    (r"\bavslått av søker|\bavsl\w* tilsagnet", "Søker takket nei"),
    (r"\bbund(et|ne)\b|\bbinding\b|\bbinder\b", "disponert"),
    (r"\bdisponib\w*|\bledig\w*", "tilgjengelig"),
    (r"\bfullført\w*|\bfullføring\w*", "Sluttutbetalt (final payment made)"),
    (r"\blukket\b", "Avsluttet"),
    (r"kostnadslinj\w*|finansieringslinj\w*", "kostnadsplan, finansieringsplan"),
    (r"støtteberettig\w*", "godkjente kostnader"),
    (r"\bsakliste\w*", "saksliste"),
    (r"\banbefal\w*", "innstilling"),
    (r"\bbeslutning\w*", "vedtak"),
    (r"\breferat\w*", "protokoll"),
    (r"\bpostliste\w*", "offentlig journal"),
    (r"\breklamer\w*", "tilbakebetalt"),
    (r"\bbevilg\w*", "tilsagn"),
    (r"\bta imot tilsagn\w*", "akseptere tilsagnet"),
    (r"gruppeunntaket\b", "gruppeunntaksforordningen (GBER)"),
    (r"\brom under\b|de minimis-tak\w*", "gjenstående ramme for bagatellmessig støtte"),
    (r"\bde minimis\b", "bagatellmessig støtte (de minimis) on first use, then bagatellmessig støtte"),
    (r"støtte", "tilskudd (støtte only in offentlig støtte, bagatellmessig støtte)"),
    (r"\bbudsjett(et|ets)?\b", "ramme (årets ramme); budsjettår for the year"),
]
CASE_SENSITIVE = [
    (r"\bNOK\b", "kr"),
    (r"\bEUR\b", "euro after the number (300 000 euro)"),
]


def glossary_breaches(text: str) -> list[str]:
    """The glossary's terms that ``text`` should have used, one line per "Not" word found."""
    for allowed in ALLOWED:
        text = re.sub(allowed, "", text, flags=re.IGNORECASE)
    found = [
        f"«{hit.group(0)}» → {use}"
        for pattern, use in NOT_WORDS
        for hit in re.finditer(pattern, text, flags=re.IGNORECASE)
    ]
    found += [f"«{hit.group(0)}» → {use}" for pattern, use in CASE_SENSITIVE for hit in re.finditer(pattern, text)]
    # "godta" and "aksepter" mixed: an offer is accepted with "akseptere" (an invitation or
    # a set of terms may still be "godtatt").
    for sentence in re.split(r"[.;:!?]", text):
        if re.search(r"\bgodt[ao]\w*", sentence, re.IGNORECASE) and re.search(r"tilsagn", sentence, re.IGNORECASE):
            found.append(f"«{sentence.strip()}» → akseptere tilsagnet")
    return found


def mo_catalogue(path: Path) -> dict[str, tuple[str, ...]]:
    """msgid → msgstr (one per plural form) of a compiled GNU catalogue, read by its published
    layout: a header of counts and offsets, then tables of (length, offset) pairs."""
    data = path.read_bytes()
    order = "<" if data[:4] == b"\xde\x12\x04\x95" else ">"
    count, ids_at, strs_at = struct.unpack(f"{order}3I", data[8:20])

    def string(table: int, n: int) -> str:
        length, offset = struct.unpack(f"{order}2I", data[table + 8 * n : table + 8 * n + 8])
        return data[offset : offset + length].decode("utf-8")

    catalogue = {}
    for n in range(count):
        msgid = string(ids_at, n).split("\0")[0]
        if msgid:  # the empty msgid is the header
            catalogue[msgid] = tuple(string(strs_at, n).split("\0"))
    return catalogue


def po_catalogue(path: Path) -> dict[str, tuple[str, ...]]:
    """The translated, non-fuzzy entries of a .po file, as ``mo_catalogue`` gives them."""
    catalogue: dict[str, tuple[str, ...]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#") or line.startswith("#,")]
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            continue
        fields: dict[str, str] = {}
        key = ""
        for line in lines:
            if line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            elif not line.startswith("#"):
                key, _, quoted = line.partition(" ")
                fields[key] = ast.literal_eval(quoted)
        strings = tuple(value for name, value in fields.items() if name.startswith("msgstr"))
        if fields.get("msgid") and all(strings):
            catalogue[fields["msgid"]] = strings
    return catalogue


def template_texts() -> Iterator[tuple[str, str]]:
    """(template, its literal text): what is left when the tags, the variables, the comments
    and the text handed to gettext (English msgids, translated through the catalogue) are
    taken out."""
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"{% comment %}.*?{% endcomment %}", " ", text, flags=re.DOTALL)
        text = re.sub(r"{%\s*blocktrans(late)?\b.*?{%\s*endblocktrans(late)?\s*%}", " ", text, flags=re.DOTALL)
        text = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", " ", text, flags=re.DOTALL)
        yield str(path.relative_to(ROOT)), text


def test_the_bokmal_catalogue_uses_the_glossary_terms():
    breaches = [
        f"{msgid!r}: {breach}"
        for msgid, msgstrs in mo_catalogue(CATALOGUE).items()
        for msgstr in msgstrs
        for breach in glossary_breaches(msgstr)
    ]
    assert not breaches, "Translations against the glossary:\n  " + "\n  ".join(breaches)


def test_the_compiled_catalogue_is_the_po_file_compiled():
    """The search above reads the .mo; it is only worth it if the .mo is the .po of today."""
    assert mo_catalogue(CATALOGUE) == po_catalogue(SOURCE), (
        "locale/nb/LC_MESSAGES/django.mo is out of date: run "
        "msgfmt -c -o locale/nb/LC_MESSAGES/django.mo locale/nb/LC_MESSAGES/django.po"
    )


def test_the_templates_literal_norwegian_uses_the_glossary_terms():
    breaches = [f"{name}: {breach}" for name, text in template_texts() for breach in glossary_breaches(text)]
    assert not breaches, "Template text against the glossary:\n  " + "\n  ".join(breaches)


def test_the_public_files_name_the_states_as_the_pages_do():
    """The CSV and XLSX stay Norwegian whatever the page's language; their status words are
    the bokmål state labels, so a reader meets one term on the page and in the file."""
    with translation.override("nb"):
        pages = {status: str(label) for status, label in STATUS_LABELS.items()}
        assert pages == CSV_STATUS
        assert CSV_STATUS[State.LAPSED] == "Tilsagnet har falt bort"
        assert CSV_STATUS[State.CANCELLED] == "Tilsagnet er trukket tilbake"
        assert CSV_STATUS[State.DECLINED] == "Søker takket nei"
        assert CSV_STATUS[GRANTED] == "Innvilget"
        assert str(State.COMPLETED.label) == "Sluttutbetalt"
        assert str(State.CLOSED.label) == "Avsluttet"
    # The column names are a file format others parse, so they stay as they are; "NOK" in the
    # amount's column name is the currency code of a data file, not a page's amount.
    header_words = " ".join(CSV_HEADER).replace("Beløp (NOK)", "")
    assert not glossary_breaches(header_words + " " + " ".join(CSV_STATUS.values()))


def test_the_search_finds_what_the_glossary_forbids():
    """The test above can fail: each "Not" word of the glossary is caught, and each legal term
    it allows is let through."""
    assert glossary_breaches("Frigjort tilbake til budsjettet")
    assert glossary_breaches("Tilsagnet har bortfalt")
    assert glossary_breaches("Annullert")
    assert glossary_breaches("Tilsagn avslått av søker")
    assert glossary_breaches("Bundet i rammen")
    assert glossary_breaches("Disponibelt nå")
    assert glossary_breaches("Fullført")
    assert glossary_breaches("Sakliste")
    assert glossary_breaches("Innvilget støtte")
    assert glossary_breaches("de minimis-taket")
    assert glossary_breaches("Beløp (NOK)")
    assert glossary_breaches("EUR 300 000")
    assert glossary_breaches("Velg å godta tilsagnet innen fristen")
    assert not glossary_breaches("Annen offentlig støtte; bagatellmessig støtte (de minimis) etter forordningen")
    assert not glossary_breaches("Høyeste støtteandel; støttegiver")
    assert not glossary_breaches("Logg inn for å godta invitasjonen. Aksepter tilsagnet innen fristen.")
    assert not glossary_breaches("Tilgjengelig i rammen for budsjettåret; et detaljert prosjektbudsjett")
