"""A readable account of what changed between two versions of a section's text.

Changes are found word by word (difflib's SequenceMatcher over words and the spaces
between them) because toolkit sections are prose: a reworded sentence should show the
words that changed, not a whole paragraph deleted and re-added. The same list of
operations is rendered as HTML (every piece of text escaped), as runs in a .docx report,
and, for a terminal, as a line-based unified diff.
"""

import difflib
import html
import re
from dataclasses import dataclass
from typing import Literal

Tag = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Op:
    tag: Tag
    text: str


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s+|[^\s]+", text)


def _shorten(text: str, context: int, first: bool, last: bool) -> str:
    """Keep `context` words either side of a change from a long unchanged stretch."""
    words = _tokens(text)
    keep = 2 * context  # words and the spaces between them
    if len(words) <= 2 * keep + 1:
        return text
    head = "" if first else "".join(words[:keep]).rstrip() + " "
    tail = "" if last else " " + "".join(words[-keep:]).lstrip()
    return f"{head}…{tail}"


def word_ops(old: str, new: str, context: int | None = None) -> list[Op]:
    """Equal, deleted and inserted stretches turning `old` into `new`.

    With `context`, unchanged stretches keep only that many words beside each change, so a
    report shows what changed in a long section without reprinting all of it.
    """
    a, b = _tokens(old), _tokens(new)
    ops: list[Op] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            ops.append(Op("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(Op("insert", "".join(b[j1:j2])))
        if tag == "equal":
            ops.append(Op("equal", "".join(a[i1:i2])))
    if context is None:
        return ops
    last = len(ops) - 1
    return [
        Op(op.tag, _shorten(op.text, context, i == 0, i == last)) if op.tag == "equal" else op
        for i, op in enumerate(ops)
    ]


def changed(ops: list[Op]) -> bool:
    return any(op.tag != "equal" for op in ops)


def to_html(ops: list[Op]) -> str:
    """`<del>` and `<ins>` around changes; all text escaped, so it is safe to embed."""
    wrap = {"equal": "{}", "insert": "<ins>{}</ins>", "delete": "<del>{}</del>"}
    body = "".join(wrap[op.tag].format(html.escape(op.text)) for op in ops)
    return f'<div class="diff">{body}</div>'


def unified(old: str, new: str, from_label: str, to_label: str) -> str:
    """A line-based unified diff for the terminal; empty when nothing changed."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), from_label, to_label, lineterm=""
    )
    return "\n".join(lines)
