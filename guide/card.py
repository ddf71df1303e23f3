"""The pocket card: the guide as a small PDF, from an HTML template and print CSS.

WeasyPrint loads Pango and HarfBuzz when it is imported, so it is imported
here, when a card is made, not when Django starts: a machine without those
libraries still serves every other page (scripts/ensure-pdf-libraries
installs them).
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from guide.models import Stage

CARD_CSS = Path(__file__).with_name("card.css")


def guide_card_pdf(stages: list[Stage]) -> bytes:
    """The stages and their questions on A6 pages, with the program's name and today's date."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "guide/card.html",
        {
            "stages": stages,
            "organization_name": settings.ORGANIZATION_NAME,
            "printed_on": timezone.localdate(),
        },
    )
    # The card needs nothing from outside itself: fetch no URL at all.
    no_fetching = URLFetcher(allowed_protocols=())
    return HTML(string=html, url_fetcher=no_fetching).write_pdf(
        stylesheets=[CSS(string=CARD_CSS.read_text(), url_fetcher=no_fetching)]
    )
