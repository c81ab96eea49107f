"""Finding and removing identifying details in free text: UK phone numbers, email
addresses, UK postcodes, National Insurance numbers and NHS numbers.

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
  spaces, dashes, dots and brackets. Freephone and helpline numbers (0800, 0808 …) are
  not personal and are left alone, as are the rare 01 numbers with 9 digits after the 0.
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
}
"""Every kind `find_identifiers` reports, with the word its default placeholder uses."""

_LEFT = r"(?<![0-9A-Za-z])"
_RIGHT = r"(?![0-9A-Za-z])"
_SPACE = "[ \u00a0]"
_GAP = f"{_SPACE}?[-.\u2010-\u2013]?{_SPACE}?"  # between digit groups: " ", "-", " - ", "."

_PHONE = re.compile(
    # "+" and a bracketed area code already separate the number from what precedes it.
    rf"(?:(?:\+|{_LEFT}00)44{_GAP}(?:\(0\){_GAP})?|\(0(?=[0-9]{{2,5}}\))|{_LEFT}0)"
    rf"[1237](?:\)?{_GAP}[0-9]){{9}}{_RIGHT}"
)
_EMAIL = re.compile(
    rf"{_LEFT}[A-Za-z0-9][A-Za-z0-9._%+'-]*@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{{2,}}"
    r"(?![A-Za-z0-9-])"
)
_POSTCODE = re.compile(
    rf"{_LEFT}(?:GIR{_SPACE}?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?"  # A9, A99
    r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"  # AA9, AA99
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"  # A9A
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"  # AA9A
    rf"{_SPACE}?[0-9][ABD-HJLNP-UW-Z]{{2}}){_RIGHT}",
    re.IGNORECASE | re.ASCII,
)
_NI_NUMBER = re.compile(
    rf"{_LEFT}(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    rf"(?:{_SPACE}?[0-9]{{2}}){{3}}{_SPACE}?[A-D]{_RIGHT}",
    re.IGNORECASE | re.ASCII,
)
_NHS_CANDIDATE = re.compile(rf"{_LEFT}[0-9]{{3}}([ \u00a0-]?)[0-9]{{3}}\1[0-9]{{4}}{_RIGHT}")
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


def _candidates(text: str) -> Iterator[Finding]:
    for kind, pattern in (
        ("phone", _PHONE),
        ("email", _EMAIL),
        ("postcode", _POSTCODE),
        ("ni_number", _NI_NUMBER),
    ):
        for match in pattern.finditer(text):
            yield Finding(kind, match.start(), match.end())
    for match in _NHS_CANDIDATE.finditer(text):
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
