"""People: groups, pseudonymous participants with their consent, and the codes they use."""
