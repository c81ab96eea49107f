"""Keeping people safe: safeguarding flags, redaction, erasure, retention and subject access."""
