"""The latest wave's comments: shown only when it has ``k_comments`` responses, scrubbed."""

from __future__ import annotations

from confidentiality.suppression import comments_visible
from surveys.dashboard.figures import Comments, WaveFigures
from surveys.dashboard.waves import summary_of
from surveys.instruments import Instrument
from surveys.models import Comment, Wave
from surveys.responses import comment_scrub


def comments(
    instrument: Instrument, wave: Wave, figures: WaveFigures
) -> Comments | None:
    if instrument.comment_item is None:
        return None
    visible = comments_visible(summary_of(wave).responses, k_comments=wave.k_comments)
    texts: tuple[str, ...] = ()
    if visible:
        # Ordered by the comment's random id: stable, and says nothing about who wrote first.
        scrubbed = (
            comment_scrub(text or "")
            for text in Comment.objects.filter(wave=wave)
            .order_by("id")
            .values_list("text", flat=True)
        )
        texts = tuple(text for text in scrubbed if text)
    return Comments(figures, visible, wave.k_comments, texts)
