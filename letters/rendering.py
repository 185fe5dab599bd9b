"""How a letter's Markdown becomes HTML.

Staff write the body in Markdown; whatever they type, only a small set of
harmless tags survives, so no script or event handler can reach a visitor.
"""

from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "a", "h2", "h3",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


# The same few texts are rendered on every letter page view; a changed text is a new key.
@lru_cache(maxsize=64)
def render_markdown(text: str) -> SafeString:
    """Render staff-written Markdown to sanitized HTML."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 -- sanitized by nh3 just above
