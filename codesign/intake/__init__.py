"""Bringing data in: CSV contributions and Pol.is conversations."""
