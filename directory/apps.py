"""The directory of mayors' offices: its model, CSV import with preview, export, admin.
Builds on places; knows nothing of letters or signatures."""

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Mayors’ directory"
