"""Reading a text's language from its letters: six scripts, mixed text, romanised Urdu/Hindi."""

import pytest

from codesign.methods import languages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We need interpreters in every session", "en"),
        ("گروپ میں بات کرنا مشکل ہے", "ur"),
        ("বাংলায় সেশন হলে পুরুষরা বেশি আসবে", "bn"),
        ("ਸ਼ਰਾਬ ਦੀ ਸਮੱਸਿਆ ਨੂੰ ਵੀ ਨਾਲ ਲੈ ਕੇ ਚੱਲੋ", "pa"),
        ("કુટુંબના વડીલોને પણ સામેલ કરવા જોઈએ", "gu"),
        ("सुविधाकर्ता हमारे समुदाय से हों", "hi"),
        ("hamein apni zaban mein baat karne wala chahiye", "hi-Latn"),
        # English words inside an Urdu or Hindi sentence: the sentence's language wins.
        ("رہائش housing support چاہیے", "ur"),
        ("Mental health link ज़रूरी है, waiting list बहुत लंबी है", "hi"),
        # One Gurmukhi word in an English sentence leaves it English.
        ("ਘਰ housing help for survivors who left", "en"),
        # English with a word that is also romanised Hindi ("main") stays English.
        ("The main thing is a safe home", "en"),
        ("🏠 🙏", "und"),
        ("07700 900123", "und"),
        ("", "und"),
    ],
)
def test_detects_the_language_from_the_letters(text: str, expected: str) -> None:
    assert languages.detect(text) == expected


def test_names_are_for_people_and_unknown_codes_pass_through() -> None:
    assert languages.name("ur") == "Urdu"
    assert languages.name("hi-Latn") == "romanised Urdu/Hindi"
    assert languages.name("fr") == "fr"


def test_among_orders_by_use_and_leaves_out_emoji_only_notes() -> None:
    texts = ["housing please", "گھر چاہیے", "housing help", "🏠"]
    assert languages.among(texts) == ["en", "ur"]
