"""Template tags of the sign-on app (``letter_tags``)."""
