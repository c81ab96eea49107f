"""The facilitator's live notebook and the projector view, built from ipywidgets.

Each panel module owns one part of the facilitator's screen and keeps all of its logic
in package calls (`sessions`, `feed`, `moderation`, `components`, `results`), so the
notebooks stay two cells long. `app.facilitator_view` and `app.projector_view` put the
panels together and start one background poller that refreshes them.
"""
