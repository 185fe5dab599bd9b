"""The sign-on app's management commands."""
