"""Small building blocks the form steps share: escaped text, labelled inputs, buttons.

Participant text is only ever shown through `text_html` (escaped, `dir="auto"`, tagged
with its language) or through widgets that render values as text, never as HTML.
"""

import html
import re
import uuid

import ipywidgets as widgets

from codesign.forms.i18n import N_, Translator
from codesign.workshop.contributions import MAX_CHARS

COUNTER = N_("{count} of {limit} characters")
TOO_MANY = N_("{count} of {limit} characters — too long, please shorten it")
FULL_WIDTH = widgets.Layout(width="100%")


def text_html(text: str, language: str | None = None, css_class: str = "cs-text") -> str:
    """Participant or template text as safe HTML: escaped, direction set per text."""
    lang = f' lang="{html.escape(language)}"' if language else ""
    return f'<div class="{css_class}" dir="auto"{lang}>{html.escape(text)}</div>'


HEADING = re.compile(r"(#{1,6})\s+(.+)")
BULLET = re.compile(r"[-*]\s+(.*)")
NUMBERED = re.compile(r"\d+[.)]\s+(.*)")
BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![*\w])\*(?![\s*])(.+?)(?<![\s*])\*(?![*\w])")


def markdown_html(text: str, top: int = 3) -> str:
    """The small Markdown our templates and toolkit drafts use, as safe HTML.

    Headings (`#`…), `-`/`*` and numbered lists, `**bold**` and `*italic*`, paragraphs.
    Everything is escaped first, so nothing a draft holds can become markup. The text's
    highest heading becomes `<h{top}>` (it sits under the page's own headings); a line that
    is only bold is a subheading one level below. Anything else reads as plain text:
    a participant should never meet raw `##` or `**`.
    """
    blocks = [b.strip().splitlines() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    levels = [len(m.group(1)) for b in blocks if (m := HEADING.fullmatch(b[0].strip()))]
    shift = top - min(levels, default=1)
    sub = min(top + (1 if levels else 0), 6)
    return "".join(_block([line.strip() for line in b], shift, sub) for b in blocks)


def _block(lines: list[str], shift: int, sub: int) -> str:
    if len(lines) == 1 and (m := HEADING.fullmatch(lines[0])):
        level = min(len(m.group(1)) + shift, 6)
        return f"<h{level}>{_inline(m.group(2).rstrip('#').strip())}</h{level}>"
    if len(lines) == 1 and BOLD.fullmatch(lines[0]):
        return f"<h{sub}>{html.escape(lines[0][2:-2])}</h{sub}>"
    for marker, tag in ((BULLET, "ul"), (NUMBERED, "ol")):
        if marker.match(lines[0]):
            items = "".join(f"<li>{_inline(item)}</li>" for item in _items(lines, marker))
            return f"<{tag}>{items}</{tag}>"
    return f"<p>{_inline(' '.join(lines))}</p>"


def _items(lines: list[str], marker: re.Pattern[str]) -> list[str]:
    """List items; a line without a marker continues the item before it."""
    items: list[str] = []
    for line in lines:
        m = marker.match(line)
        if m or not items:
            items.append(m.group(1) if m else line)
        else:
            items[-1] += " " + line
    return items


def _inline(text: str) -> str:
    return ITALIC.sub(r"<em>\1</em>", BOLD.sub(r"<strong>\1</strong>", html.escape(text)))


def heading(text: str, level: int = 2) -> str:
    return f'<h{level} class="cs-heading" dir="auto">{html.escape(text)}</h{level}>'


def new_client_id() -> str:
    """A fresh submission id for one filling-in of a form (resends reuse it)."""
    return uuid.uuid4().hex


def button(style: str = "") -> widgets.Button:
    b = widgets.Button(button_style=style, layout=widgets.Layout(width="auto"))
    b.add_class("cs-button")
    return b


def hidden(widget: widgets.Widget, hide: bool) -> None:
    widget.layout.display = "none" if hide else None


class TextBox:
    """A multi-line text box with a visible label and a character counter.

    The value reaches the kernel when the box loses focus (`continuous_update=False`):
    ipywidgets buffers value updates while one is in flight but sends button clicks at
    once, so with per-keystroke updates a quick tap on Send could overtake the last
    words typed. The counter still moves with every keystroke: the page's script
    (`codesign.js`) fills in the same translated wording the kernel writes here.
    """

    def __init__(self, label: str, limit: int = MAX_CHARS) -> None:
        self.label, self.limit = label, limit
        self.area = widgets.Textarea(
            continuous_update=False,
            rows=5,
            layout=FULL_WIDTH,
            style={"description_width": "initial"},
        )
        self.area.add_class("cs-textarea")
        self.counter = widgets.HTML()
        self.widget = widgets.VBox([self.area, self.counter], layout=FULL_WIDTH)
        self.widget.add_class("cs-textbox")
        self._tr = Translator()
        self.area.observe(lambda _change: self._count(), names="value")

    @property
    def value(self) -> str:
        return str(self.area.value)

    @value.setter
    def value(self, text: str) -> None:
        self.area.value = text

    def translate(self, tr: Translator) -> None:
        self._tr = tr
        self.area.description = tr(self.label)
        self._count()

    def _count(self) -> None:
        count = len(self.value.strip())
        over = count > self.limit
        text = self._tr(TOO_MANY if over else COUNTER, count=count, limit=self.limit)
        css, role = ("cs-counter cs-over", ' role="alert"') if over else ("cs-counter", "")
        wording = {"normal": self._tr(COUNTER), "over": self._tr(TOO_MANY)}
        data = "".join(f' data-{key}="{html.escape(value)}"' for key, value in wording.items())
        self.counter.value = (
            f'<span class="{css}"{role} data-limit="{self.limit}"{data}>{html.escape(text)}</span>'
        )


def paragraph(text: str, css_class: str = "") -> str:
    css = f' class="{css_class}"' if css_class else ""
    return f'<p{css} dir="auto">{html.escape(text)}</p>'
