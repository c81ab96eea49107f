"""The core's participant-facing error messages, marked here so Babel extracts them.

The core raises `CodesignError`s with constant English messages; the forms translate
`exc.message` as a gettext message id. Listing them here puts them in the catalogues
(`tests/test_forms_i18n.py` checks the list against the core's source).
"""

from codesign.forms.i18n import N_

PARTICIPANT_FACING = (
    N_("Please write something before sending, or choose Pass."),
    N_("That is longer than 2,000 characters. Please shorten it and send again."),
    N_("This form was already sent with different words. Please reload and try again."),
    N_("The text contains a character that cannot be saved."),
    N_(
        "The text contains a hidden character that changes the direction of writing. "
        "Please type it again rather than pasting it."
    ),
    N_("The facilitator has closed this part of the session."),
    N_("This session has closed. Thank you for taking part."),
    N_("Voting is not open right now."),
    N_("Nothing is saved unless you agree to take part."),
    N_("Please choose a rating from 1 to 5."),
    N_("Please choose a rating from 1 to 5, or can't judge."),
    N_("Rating is closed for now. Thank you for taking part."),
    N_("That section is not part of this rating round."),
    N_("That criterion is not part of this rating round."),
    N_("That member is not in the Advisory Group."),
    N_("That contribution is no longer there."),
    N_("That participant is not part of this session's group."),
    N_("That proposal is no longer available to vote on."),
    N_("That session no longer exists."),
    N_("That toolkit section does not exist."),
    N_("That withdrawal code was not recognised. Check it and try again."),
    N_(
        "We found nothing held under that withdrawal code. "
        "If you withdrew before, everything was already deleted."
    ),
    N_("We could not find a session with that code. Check it and try again."),
    N_("We could not find you in this session. Please join again."),
)
