"""The conversation guide: the stages of a peer support conversation and their questions.

Program content, not records about anyone: the guide holds no personal data.
The director edits it (``guide.services``); supporters read it and carry it
as a pocket card.
"""

from django.db import models

NAME_MAX = 40
PURPOSE_MAX = 300
QUESTION_MAX = 200


class Stage(models.Model):
    """One stage of a conversation, and what the supporter is doing in it.

    The eight stages are fixed (loaded with the default guide); the director
    renames them, rewrites their purpose and edits their questions.
    """

    position = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=NAME_MAX, unique=True)
    purpose = models.CharField(
        max_length=PURPOSE_MAX,
        help_text="What the supporter is doing in this stage, in a sentence or two.",
    )

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """A question a supporter may ask in a stage: a guide, not a script."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=QUESTION_MAX)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text
