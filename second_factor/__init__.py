"""Staff sign in with a second factor before the staff desk opens.

Owns the admin site that asks for it (``admin_site``), the pages that set one
up and check it (``views``: an authenticator app's code, a recovery code or a
passkey), the devices' admin where a superuser removes a colleague's factors,
and the commands ``add_staff_device`` and ``reset_staff_factors``. The devices
themselves are django-otp's (TOTP, static recovery codes) and
django-otp-webauthn's (passkeys); this app writes no cryptography of its own.
"""
