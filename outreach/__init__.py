"""Outreach to mayors' offices: the mayors' directory (its model, CSV import with
preview, export, admin), invitations to sign a letter with their personal links,
reminders, declines, opt-outs, the funnel, and the directory signal on the review desk.

Builds on ``signon``, ``letters`` and ``places``; nothing but ``config`` imports it.
"""
