"""Finding and removing identifying details in free text: UK phone numbers, email
addresses, UK postcodes, National Insurance numbers, NHS numbers and street addresses.

Contributions may carry details that identify a participant or someone they talk about;
facilitators see a flag and decide, and exports can carry the redacted text instead.
A `Finding` holds only a kind and offsets, never the matched text, so nothing that
stores findings can leak what was found.

Choices worth knowing:

- Names are *not* detected. No pattern tells a name from an ordinary word in the
  languages these workshops use, and a dictionary of names would both miss most names
  and flag ordinary words; facilitators must still read for names themselves.
- Digits from any script (Eastern Arabic and Urdu ۰–۹, Bengali ০–৯, Gurmukhi ੦–੯,
  Devanagari, Gujarati, fullwidth …) are read as ASCII digits before matching, because
  a phone number typed on an Urdu or Bengali keyboard identifies a person just the same.
  Each such digit is one character, so offsets still point into the original text.
- Letters are matched as ASCII only (postcodes and NI numbers in any case), so a
  number written next to Urdu, Bengali or Gurmukhi words without a space is still found.
- Only checksum-valid NHS numbers count (Modulus 11), which keeps ordinary 10-digit
  reference numbers out.
- Every pattern ends with a letter or digit and must not be followed by one, and
  starts either with "+" or "(" or with a letter or digit that must not follow one.
  Replacing a finding with a bracketed placeholder therefore cannot make a new finding
  appear beside it, which is why redacting twice changes nothing.
- Phone numbers are the geographic and mobile ranges (01, 02, 03, 07, each with
  10 digits after the 0) in national or +44 / 0044 form, optionally with "(0)",
  spaces, dashes, dots, slashes and brackets, "44" without its "+", and a letter O
  beside a digit read as a zero ("07700 9OO 123"). Freephone and helpline numbers (0800, 0808 …) are
  not personal and are left alone, as are the rare 01 numbers with 9 digits after the 0.
- Email addresses may have accented Latin letters before the "@" and any letters in the
  domain ("nadia@münchen.de"), and may be spelt "(at)", "[at]" or " at " with "(dot)"
  or " dot " before a common ending ("nadia at example dot com").
- Postcodes may be spelt out ("S W 1 A 1 A A") or split by a dash; a lower-case ordinal
  after a room or road ("room B12 3rd floor", "the M6 2nd junction") is not one.
- A street address is a house number, one to three capitalised words and a street word
  ("27 Station Street"), or one lower-case word and an unambiguous street word ("30 maple
  road"): words such as "walk" or "close" in lower case are ordinary words too often.
"""

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

LABELS = {
    "phone": "phone",
    "email": "email",
    "postcode": "postcode",
    "ni_number": "NI number",
    "nhs_number": "NHS number",
    "address": "address",
}
"""Every kind `find_identifiers` reports, with the word its default placeholder uses."""

_LEFT = r"(?<![0-9A-Za-z])"
_RIGHT = r"(?![0-9A-Za-z])"
_SPACE = "[ \u00a0]"
_DASH = "[-.\u2010-\u2014\u2212/]"
_GAP = f"{_SPACE}{{0,2}}{_DASH}?{_SPACE}?"  # between digits: " ", "-", " - ", ".", "/"

_PHONE = re.compile(
    # "+" and a bracketed area code already separate the number from what precedes it.
    rf"(?:(?:\+|{_LEFT}(?:00)?)44{_GAP}(?:\(0\){_GAP})?|\(0(?=[0-9]{{2,5}}\))|{_LEFT}0{_GAP})"
    rf"[1237](?:\)?{_GAP}[0-9]){{9}}{_RIGHT}"
)
_LATIN = "A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"  # ASCII and accented Latin
_AT = r"(?:{s}?[@\uff20]{s}?|{s}?[(\[{{]{s}?at{s}?[)\]}}]{s}?|{s}at{s})".format(s=r"\s*")
_DOT = r"(?:\.|\s*[(\[{]\s*dot\s*[)\]}]\s*|\sdot\s)"
_TLD = r"(?:com|org|net|edu|gov|info|io|uk|co|ac|nhs|de|fr|es|in|pk|bd|ie)"
_LOCAL = f"[{_LATIN}][{_LATIN}._%+'-]*"
_WORD = f"[{_LATIN}][{_LATIN}_%+'-]*"  # no dot: "a.b.c" splits one way only, never exponentially
_EMAIL = re.compile(
    rf"(?<![{_LATIN}._%+'-])"
    rf"(?:{_LOCAL}[@\uff20]{_SPACE}?(?:[^\W_][\w-]*\.{_SPACE}?)+[A-Za-z]{{2,}}"  # plain
    # "(at)", "[at]", " at " … "(dot)", " dot ", on either side: "nadia dot khan at …"
    rf"|{_WORD}(?:{_DOT}{_WORD})*{_AT}(?:[^\W_][\w-]*{_DOT})+{_TLD})"
    r"(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
_OUTWARD = (
    "(?:{a}{s}[0-9](?:{s}[0-9])?"  # A9, A99
    "|{a}{s}{b}{s}[0-9](?:{s}[0-9])?"  # AA9, AA99
    "|{a}{s}[0-9]{s}[A-HJKPSTUW]"  # A9A
    "|{a}{s}{b}{s}[0-9]{s}[ABEHMNPRVWXY])"  # AA9A
)
_INWARD = "[0-9]{s}[ABD-HJLNP-UW-Z]{s}[ABD-HJLNP-UW-Z]"


def _postcode(inside: str, between: str) -> str:
    """A postcode pattern with `inside` between its characters and `between` the halves."""
    parts = {"a": "[A-PR-UWYZ]", "b": "[A-HK-Y]", "s": inside}
    return _OUTWARD.format(**parts) + between + _INWARD.format(**parts)


_POSTCODE = re.compile(
    rf"{_LEFT}(?:GIR{_SPACE}?0AA|{_postcode('', f'{_SPACE}?-?')}|{_postcode(' ', ' ')}){_RIGHT}",
    re.IGNORECASE | re.ASCII,
)
_ORDINAL = re.compile(r"(?:1st|2nd|3rd|[04-9]th)$")  # "room B12 3rd floor", "M6 2nd junction"
_NI_NUMBER = re.compile(
    rf"{_LEFT}(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    rf"(?:{_SPACE}?{_DASH}?{_SPACE}?[0-9]{{2}}){{3}}{_SPACE}?{_DASH}?{_SPACE}?[A-D]{_RIGHT}",
    re.IGNORECASE | re.ASCII,
)
_NHS_CANDIDATE = re.compile(
    rf"{_LEFT}(?:[0-9]{{3}}([ \u00a0./-]?)[0-9]{{3}}\1[0-9]{{4}}"  # 943 476 5919
    r"|[0-9]{3}([ \u00a0./-])[0-9]{4}\2[0-9]{3}"  # 943 4765 919
    r"|[0-9]{4}([ \u00a0./-])[0-9]{3}\3[0-9]{3}"  # 9434 765 919
    rf"|[0-9](?: [0-9]){{9}}){_RIGHT}"  # 9 4 3 4 7 6 5 9 1 9
)
_STREET = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Crescent|Cres|Way|Gardens|Gdns"
    "|Court|Ct|Place|Pl|Terrace|Tce|Grove|Hill|Walk|Row|Square|Sq|Mews|Parade|Rise|View"
)
_STREET_WORDS = "road|rd|street|avenue|ave|lane|crescent|gardens|terrace|grove|mews"
"""Street words that are not also ordinary words ("a 10 minute walk", "2 really close")."""
_ADDRESS = re.compile(
    rf"{_LEFT}[0-9]{{1,4}}[a-h]?,?{_SPACE}"
    rf"(?:(?:[A-Z][a-z']+{_SPACE}){{1,3}}(?:{_STREET})"  # 27 Station Street, 8 St Johns Square
    rf"|[a-z']+{_SPACE}(?:{_STREET_WORDS})){_RIGHT}",  # 30 maple road
    re.ASCII,
)
_LOOKS_LIKE_ZERO = re.compile(r"(?<=[0-9])[Oo]+|[Oo]+(?=[0-9])")
_ANY_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Finding:
    """Where an identifying detail sits in a text: a kind from `LABELS` and offsets."""

    kind: str
    start: int
    end: int


def nhs_check_digit_ok(digits: str) -> bool:
    """Whether ten digits pass the NHS Modulus 11 check.

    The first nine digits are weighted 10 down to 2; the check digit is 11 minus the
    remainder of the sum divided by 11, with 11 meaning 0 and 10 meaning no valid number.
    """
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return check != 10 and check % 11 == int(digits[9])


def _ascii_digits(text: str) -> str:
    """`text` with every decimal digit of any script replaced by its ASCII digit."""
    if text.isascii():
        return text
    return _ANY_DIGIT.sub(lambda m: str(unicodedata.decimal(m[0])), text)


def _as_digits(text: str) -> str:
    """`text` with a letter O beside a digit read as zero ("07700 9OO 123"), for the
    patterns made only of digits; postcodes such as SO15 keep their letter."""
    return _LOOKS_LIKE_ZERO.sub(lambda m: "0" * len(m[0]), text)


def _postcode_ok(found: str) -> bool:
    """Whether a postcode-shaped match is not an ordinal written in small letters after
    a room or road number ("room B12 3rd floor", "A1 1st exit")."""
    return found[-2:].isupper() or not _ORDINAL.search(found.lower())


def _candidates(text: str) -> Iterator[Finding]:
    digits = _as_digits(text)
    for kind, pattern, view in (
        ("phone", _PHONE, digits),
        ("email", _EMAIL, text),
        ("ni_number", _NI_NUMBER, text),
        ("address", _ADDRESS, text),
    ):
        for match in pattern.finditer(view):
            yield Finding(kind, match.start(), match.end())
    for match in _POSTCODE.finditer(text):
        if _postcode_ok(match[0]):
            yield Finding("postcode", match.start(), match.end())
    for match in _NHS_CANDIDATE.finditer(digits):
        if nhs_check_digit_ok(re.sub("[^0-9]", "", match[0])):
            yield Finding("nhs_number", match.start(), match.end())


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep the longest of overlapping findings: an email address wins over the
    digits inside it, an international phone number over an NHS-like tail."""
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start - f.end, f.start)):
        if all(finding.end <= k.start or k.end <= finding.start for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def find_identifiers(text: str) -> list[Finding]:
    """Identifying details in `text`, in order, never overlapping."""
    return _without_overlaps(list(_candidates(_ascii_digits(text))))


def default_placeholder(kind: str) -> str:
    return f"[{LABELS[kind]} removed]"


def redact(text: str, placeholder: Callable[[str], str] | None = None) -> str:
    """`text` with every identifying detail replaced by `placeholder(kind)`.

    The default placeholder, e.g. "[phone removed]", starts and ends with a bracket and
    holds no digits, so redacting twice changes nothing; a custom one should do the same.
    """
    name = placeholder or default_placeholder
    pieces: list[str] = []
    position = 0
    for finding in find_identifiers(text):
        pieces += [text[position : finding.start], name(finding.kind)]
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)
