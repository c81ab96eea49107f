"""Safeguarding flags: every category in every language, no flags on ordinary workshop
text, reasons that quote nothing, and rules files that change behaviour when edited."""

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codesign.errors import Invalid
from codesign.safety.redact import LABELS
from codesign.safety.safeguarding import (
    DEFAULT_RULES,
    IDENTIFIER_REASONS,
    IDENTIFYING_DETAIL,
    LANGUAGES,
    Flag,
    Rules,
    check,
    load_rules,
)

EXAMPLES = {
    "risk_to_life": {
        "en": "Some days I think about suicide.",
        "ur": "کبھی کبھی خودکشی کا خیال آتا ہے",
        "bn": "মাঝে মাঝে আত্মহত্যার কথা ভাবি",
        "pa": "ਉਹ ਕਹਿੰਦਾ ਹੈ ਕਿ ਜਾਨ ਤੋਂ ਮਾਰ ਦੇਵੇਗਾ",
        "gu": "તેની પાસે બંદૂક છે",
        "hi": "वह कहता है कि जान से मार देगा",
    },
    "disclosure": {
        "en": "At home he hits me when he is angry.",
        "ur": "میرا شوہر مجھے مارتا ہے",
        "bn": "আমার স্বামী আমাকে মারে",
        "pa": "ਮੇਰਾ ਪਤੀ ਮੈਨੂੰ ਕੁੱਟਦਾ ਹੈ",
        "gu": "મારો પતિ મને ધમકી આપે છે",
        "hi": "मेरा पति मुझे मारता है",
    },
    "child_safety": {
        "en": "He hits the kids when I am out.",
        "ur": "وہ بچوں کو مارتا ہے",
        "bn": "সে বাচ্চাদের মারে",
        "pa": "ਉਹ ਬੱਚਿਆਂ ਨੂੰ ਮਾਰਦਾ ਹੈ",
        "gu": "તે બાળકોને મારે છે",
        "hi": "वह बच्चों को मारता है",
    },
    "immediate_danger": {
        "en": "Please help me, he is outside now.",
        "ur": "میں خطرے میں ہوں",
        "bn": "আমি বিপদে আছি",
        "pa": "ਮੈਂ ਖ਼ਤਰੇ ਵਿੱਚ ਹਾਂ",
        "gu": "હું જોખમમાં છું",
        "hi": "मैं खतरे में हूँ",
    },
}

ORDINARY = [
    "Run the programme as group work with one-to-one sessions for those who need them.",
    "Risk management and victim-survivor safety should run through every session.",
    "Work with the whole family where several family members cause harm.",
    "Make space to talk about immigration experiences and the trauma attached to them.",
    "Hold people who cause harm accountable while respecting their faith backgrounds.",
    "Children's rights must never be held to a lower standard in our communities.",
    "Review referral routes from the police and children's services for bias.",
    "Fund by-and-for organisations with unrestricted money over several years.",
    "Give community experts a seat at the table with commissioners.",
    "Close links with mental health and substance misuse services are essential.",
    "Explore patriarchal values that restrict both women's and men's freedoms.",
    "Recruit facilitators who reflect the communities the programme serves.",
    "Strong male role models could help men engage with the group sessions.",
    "Some victim-survivors want to stay with their partner; respect that outcome.",
    "Collect data on outcomes so practitioners can reflect and stay accountable.",
    "Offer sessions in Urdu, Bengali and Punjabi as well as English.",
    "Build practitioners' confidence to support the person in front of them.",
    "Training on domestic abuse and forced marriage should include lived experience.",
    "Keep funding stable so small organisations can plan beyond one year.",
    "Experts by experience should be paid for their time and skills.",
    "ہمیں مقامی تنظیموں کے ساتھ مل کر کام کرنا چاہیے",
    "আমাদের স্থানীয় সংগঠনের সাথে কাজ করা উচিত",
    "ਸਾਨੂੰ ਭਾਈਚਾਰੇ ਨਾਲ ਮਿਲ ਕੇ ਕੰਮ ਕਰਨਾ ਚਾਹੀਦਾ ਹੈ",
    "આપણે સમુદાય સાથે મળીને કામ કરવું જોઈએ",
    "हमें समुदाय के साथ मिलकर काम करना चाहिए",
]


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def categories(text: str, rules: Rules) -> set[str]:
    return {flag.category for flag in check(text, rules)}


def write_rules(directory: Path, body: str) -> Path:
    path = directory / "rules.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("category", "language"), [(c, lang) for c in EXAMPLES for lang in LANGUAGES]
)
def test_each_category_in_each_language(category: str, language: str, rules: Rules) -> None:
    assert category in categories(EXAMPLES[category][language], rules)


def default_rule_entries() -> list[tuple[str, str]]:
    raw = tomllib.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    return [
        (category, phrase)
        for category, table in raw.items()
        for language in LANGUAGES
        for key in ("phrases", "needs_review")
        for phrase in table.get(language, {}).get(key, [])
    ]


@pytest.mark.parametrize(("category", "phrase"), default_rule_entries())
def test_every_phrase_in_the_default_file_flags_its_category(
    category: str, phrase: str, rules: Rules
) -> None:
    assert category in categories(f"… {phrase.replace('*', 'ing')} …", rules)


@pytest.mark.parametrize("text", ORDINARY)
def test_no_flag_on_ordinary_workshop_text(text: str, rules: Rules) -> None:
    assert check(text, rules) == []


def test_reasons_are_generic_and_quote_nothing(rules: Rules) -> None:
    allowed = {c.reason for c in rules.categories} | set(IDENTIFIER_REASONS.values())
    texts = [text for by_language in EXAMPLES.values() for text in by_language.values()]
    for text in [*texts, "call 07700 900123 or amina@example.org, SW1A 1AA"]:
        for flag in check(text, rules):
            assert flag.reason in allowed
            assert not [word for word in text.split() if len(word) > 3 and word in flag.reason]


def test_identifying_details_are_flagged_once_per_kind(rules: Rules) -> None:
    text = "ring 07700 900123 or 020 7946 0000, email a@example.org"
    assert check(text, rules) == [
        Flag(IDENTIFYING_DETAIL, "contains a phone number"),
        Flag(IDENTIFYING_DETAIL, "contains an email address"),
    ]


def test_every_identifier_kind_has_a_reason() -> None:
    assert IDENTIFIER_REASONS.keys() == LABELS.keys()


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("He KILLED the dog", True),
        ("ＫＩＬＬ", True),  # fullwidth letters, made ASCII by NFKC
        ("I’m  scared   of HIM", True),  # curly apostrophe and any spacing
        ("ميري مدد كريں", True),  # Urdu typed with Arabic yeh and kaf
        ("new skills for facilitators", False),
        ("a stable, skilled workforce", False),
    ],
)
def test_matching_is_normalised_and_whole_word_in_latin(
    text: str, flagged: bool, rules: Rules
) -> None:
    assert bool(check(text, rules)) is flagged


def test_editing_the_rules_file_changes_behaviour(tmp_path: Path) -> None:
    text = "the purple elephant is back"
    path = write_rules(
        tmp_path,
        '[watch]\nreason = "may need a look"\n[watch.en]\nphrases = ["purple elephant"]\n',
    )
    assert check(text, load_rules(path)) == [Flag("watch", "may need a look")]
    assert check(text, load_rules()) == []
    write_rules(tmp_path, '[watch]\nreason = "may need a look"\n[watch.en]\nphrases = ["x"]\n')
    assert check(text, load_rules(path)) == []


def test_patterns_in_the_rules_file_are_used(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "[watch]\nreason = \"r\"\n[watch.hi]\npatterns = ['ग+र']\n")
    assert categories("अगगर", load_rules(path)) == {"watch"}


@pytest.mark.parametrize(
    "body",
    [
        '[watch.en]\nphrases = ["x"]\n',  # no reason
        '[watch]\nreason = "r"\n[watch.fr]\nphrases = ["x"]\n',  # unsupported language
        '[watch]\nreason = "r"\n[watch.en]\nphrases = [" "]\n',  # would match everything
        '[watch]\nreason = "r"\n[watch.en]\nphrase = ["x"]\n',  # misspelt key
        "[watch]\nreason = \"r\"\n[watch.en]\npatterns = ['(']\n",  # bad regex
        '[watch]\nreason = "r"\n',  # matches nothing
        '[identifying_detail]\nreason = "r"\n[identifying_detail.en]\nphrases = ["x"]\n',
        "[watch\n",  # not TOML
    ],
)
def test_mistakes_in_a_rules_file_are_reported(body: str, tmp_path: Path) -> None:
    with pytest.raises(Invalid, match=r"rules\.toml"):
        load_rules(write_rules(tmp_path, body))


@given(text=st.text())
def test_any_text_can_be_checked(text: str, rules: Rules) -> None:
    for flag in check(text, rules):
        assert flag.category in {c.name for c in rules.categories} | {IDENTIFYING_DETAIL}
