"""The Advisory Group: toolkit versions, drafts, feedback, its lifecycle, Delphi rounds, report."""
