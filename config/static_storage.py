"""Static files as WhiteNoise keeps them, each file's URL looked up once per process."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage (hashed names, compressed copies), remembering each URL.

    The manifest is read once, when the process starts, so a file's URL cannot
    change while it runs; working one out costs about 12 µs (the manifest, then
    urljoin), and a letter page names six on every render after a staff decision.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Keyed by what templates ask for: the site's own file names, a few dozen.
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name: str, force: bool = False) -> str:
        try:
            return self._urls[name, force]
        except KeyError:
            url = self._urls[name, force] = super().url(name, force)
            return url
