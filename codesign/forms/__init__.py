"""The participant forms served by Voilà: join, consent, contribute, vote, give feedback.

One module per step; `app.ParticipantApp` ties them together and follows the
facilitator's phase changes. Everything here stays light to import (no pandas, no
scikit-learn), because every participant's kernel imports it at page load.
"""
