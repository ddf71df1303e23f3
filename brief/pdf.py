"""The brief as a PDF (A4), from the same sections as the page and a print stylesheet.

WeasyPrint loads Pango and HarfBuzz when it is imported, so it is imported
here, when a PDF is made (see guide/card.py). The brief needs nothing from
outside itself: its stylesheet is read from beside this module and no URL is
fetched at all.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

from .selectors import Brief

PDF_CSS = Path(__file__).with_name("pdf.css")


def brief_pdf(brief: Brief) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("brief/brief_pdf.html", {"brief": brief})
    no_fetching = URLFetcher(allowed_protocols=())
    return HTML(string=html, url_fetcher=no_fetching).write_pdf(
        stylesheets=[CSS(string=PDF_CSS.read_text(), url_fetcher=no_fetching)]
    )
