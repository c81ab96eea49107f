"""Widget plumbing shared by the participant forms and the facilitator panels."""
