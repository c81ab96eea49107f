"""Pure methods: clustering, Pol.is-style agreement, opinion groups and text diffs.

Nothing here touches the database or knows about sessions: each module takes plain
values and returns plain values, so it can be tested and benchmarked on its own.
"""
