"""The sign-on app: signatures, their review, the public list, delivery and the desk's admin."""
