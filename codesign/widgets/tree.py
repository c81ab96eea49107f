"""Closing widgets that leave the screen, in the forms and the facilitator's notebook alike."""

import ipywidgets as widgets


def close_tree(widget: widgets.Widget) -> None:
    """Close a widget and its children, so replaced rows do not linger in the kernel."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()
