"""The pocket card (guide/card.py, /guide/card.pdf)."""

import io

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from pypdf import PdfReader

from guide import services
from guide.defaults import BOTHERING_QUESTION, COPING_QUESTION
from guide.tests.conftest import stage_named


def card_text(response) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Questions wrap across lines on a small page: compare words, not lines.
    return reader, " ".join(text.split())


def test_a_supporter_gets_the_card_as_a_small_pdf(cast, client_for, guide, settings):
    settings.ORGANIZATION_NAME = "Riverside Health"
    response = client_for(cast.supporter).get(reverse("guide_card"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader, text = card_text(response)
    width_mm = float(reader.pages[0].mediabox.width) * 25.4 / 72
    height_mm = float(reader.pages[0].mediabox.height) * 25.4 / 72
    assert (round(width_mm), round(height_mm)) == (105, 148)  # A6
    assert len(reader.pages) <= 2  # the default guide: both sides of one card
    for stage in guide:
        assert stage.name in text
    assert BOTHERING_QUESTION in text
    assert COPING_QUESTION in text
    assert "Riverside Health" in text
    assert date_format(timezone.localdate(), "j F Y") in text


def test_the_card_shows_the_director_s_changes(cast, client_for, guide):
    services.question_add(
        actor=cast.director,
        stage=stage_named("Closing"),
        text="What will you do for yourself tonight?",
    )
    response = client_for(cast.administrator).get(reverse("guide_card"))
    assert "What will you do for yourself tonight?" in card_text(response)[1]


def test_the_card_escapes_what_the_director_types(cast, client_for, guide):
    services.question_add(
        actor=cast.director,
        stage=stage_named("Closing"),
        text='<img src="http://example.invalid/x.png"> Anything <b>else</b>?',
    )
    response = client_for(cast.director).get(reverse("guide_card"))
    # Printed as typed, not read as markup (and no image fetched from anywhere).
    text = "".join(card_text(response)[1].split())
    assert '<imgsrc="http://example.invalid/x.png">Anything<b>else</b>?' in text
