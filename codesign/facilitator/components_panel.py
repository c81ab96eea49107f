"""Clustering the session's contributions into programme components, then the facilitator's
edits: move a contribution, merge two components, split one, rename one. Edits persist
and survive clustering again (see `codesign.workshop.components`)."""

import ipywidgets as widgets

from codesign.facilitator.context import Context
from codesign.facilitator.ui import button, choices, esc, status_line, wire
from codesign.methods import languages
from codesign.workshop import components


def components_html(views: list[components.ComponentView], facilitator: bool = True) -> str:
    """Components with their contributions; the facilitator also sees pins and flags."""
    if not views:
        return "<p>No components yet.</p>"
    parts = []
    for view in views:
        items = []
        for m in view.members:
            marks = ("📌 " if m.pinned else "") + ("⚑ " if m.needs_review else "")
            prefix = f"#{m.id} {marks}" if facilitator else ""
            items.append(f"<li>{esc(prefix)}{esc(m.text)}</li>")
        keywords = f" <small>({esc(', '.join(view.keywords))})</small>" if view.keywords else ""
        edited = " <small>✎ edited</small>" if facilitator and view.edited else ""
        written = ", ".join(languages.name(code) for code in view.languages)
        typical = " · ".join(f"“{esc(m.text)}”" for m in view.representatives)
        parts.append(
            f"<h4>{esc(view.label)} · {len(view.members)}{edited}{keywords}</h4>"
            f"<p><small>Written in {esc(written or 'no language')}. Typical: {typical}</small></p>"
            f"<ul>{''.join(items)}</ul>"
        )
    return "".join(parts)


class ComponentsPanel:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        wide = widgets.Layout(width="36em")
        self.k = widgets.BoundedIntText(value=0, min=0, max=50, description="Components")
        self.seeded = widgets.Checkbox(description="Start from candidate components")
        self.run = button("Cluster", "primary", "Suggest components; your edits are kept")
        self.progress = widgets.IntProgress(description="Reading", layout={"visibility": "hidden"})
        self.listing = widgets.HTML()
        self.component = widgets.Dropdown(description="Component", layout=wide)
        self.other = widgets.Dropdown(description="Merge in", layout=wide)
        self.label = widgets.Text(description="New name", layout=wide)
        self.members = widgets.SelectMultiple(description="Split off", layout=wide, rows=6)
        self.contribution = widgets.Dropdown(description="Move", layout=wide)
        self.rename = button("Rename")
        self.merge = button("Merge")
        self.split = button("Split")
        self.move = button("Move here")
        self.status = status_line()
        self.views: list[components.ComponentView] = []
        self.component.observe(lambda _change: self._fill_members(), names="value")
        self._wire()
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.k, self.seeded, self.run, self.progress]),
                widgets.HTML("<small>Components 0 = choose automatically.</small>"),
                self.status,
                self.component,
                widgets.HBox([self.label, self.rename]),
                widgets.HBox([self.other, self.merge]),
                widgets.HBox([self.members, self.split]),
                widgets.HBox([self.contribution, self.move]),
                self.listing,
            ]
        )
        self.refresh()

    def _wire(self) -> None:
        wire(self.status, self.refresh, [
            (self.run, self._cluster), (self.rename, self._rename), (self.merge, self._merge),
            (self.split, self._split), (self.move, self._move),
        ], [self.k, self.seeded, self.component, self.other, self.label, self.members,
            self.contribution])  # fmt: skip

    def _named(self, component_id: int | None) -> str:
        return next((f"“{v.label}”" for v in self.views if v.id == component_id), "it")

    def _rename(self) -> str:
        before = self._named(self.component.value)
        components.rename(
            self.component.value, self.label.value, self.ctx.url, actor=self.ctx.actor
        )
        return f"Renamed {before} to “{self.label.value.strip()}”."

    def _merge(self) -> str:
        kept, other = self._named(self.component.value), self._named(self.other.value)
        components.merge(self.component.value, self.other.value, self.ctx.url, actor=self.ctx.actor)
        return f"Merged {other} into {kept}."

    def _move(self) -> str:
        components.move(
            self.contribution.value, self.component.value, self.ctx.url, actor=self.ctx.actor
        )
        return f"Moved #{self.contribution.value} into {self._named(self.component.value)}."

    def _cluster(self) -> str:
        sid, url, actor = self.ctx.session_id, self.ctx.url, self.ctx.actor
        edits = any(v.edited for v in components.listing(sid, url=url, actor=actor))
        try:
            found = components.cluster(
                self.ctx.session_id, k=self.k.value or None,
                seeded=self.seeded.value, progress=self._progress, url=self.ctx.url,
                actor=self.ctx.actor,
            )  # fmt: skip
        finally:
            self.progress.layout.visibility = "hidden"
        if not found:
            return "Nothing to cluster yet: this session has no visible contributions."
        kept = " Your earlier edits were kept." if edits else ""
        return f"{len(found)} components.{kept}"

    def _progress(self, done: int, total: int) -> None:
        """Show how far the reading of new contributions has got (first clustering of many)."""
        self.progress.layout.visibility = "visible"
        self.progress.max, self.progress.value = total, done

    def _split(self) -> str:
        components.split(
            self.component.value, list(self.members.value), label=self.label.value or None,
            url=self.ctx.url, actor=self.ctx.actor,
        )  # fmt: skip
        return "Split off into a new component."

    def _fill_members(self) -> None:
        view = next((v for v in self.views if v.id == self.component.value), None)
        self.members.options = choices([(m.text, m.id) for m in view.members] if view else [])
        self.label.value = view.label if view else ""

    def refresh(self) -> None:
        self.views = components.listing(self.ctx.session_id, url=self.ctx.url, actor=self.ctx.actor)
        named = [(v.label, v.id) for v in self.views]
        keep = self.component.value
        self.component.options = choices(named)
        if keep in {v.id for v in self.views}:
            self.component.value = keep
        self.other.options = choices(named)
        every = [(f"#{m.id} {m.text}", m.id) for v in self.views for m in v.members]
        loose = components.unclustered(self.ctx.session_id, self.ctx.url, actor=self.ctx.actor)
        self.contribution.options = choices(every + [(f"#{cid} (new)", cid) for cid in loose])
        self._fill_members()
        self.listing.value = components_html(self.views)
