"""Serving: `codesign serve` (Voilà for participants, JupyterLab for facilitators)."""
