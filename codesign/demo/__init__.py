"""The synthetic demo workshop and Advisory Group cycle (no real people, marked synthetic)."""
