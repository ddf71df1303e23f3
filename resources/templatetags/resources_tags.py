from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def site_name(url: str) -> str:
    """A web address as people say it ("988lifeline.org"), short enough for a phone."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")
