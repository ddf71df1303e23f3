"""Reads of the conversation guide. It names no one, so no policy scoping applies;
views check ``policy.may_read_guide`` / ``may_edit_guide`` before calling these."""

from django.shortcuts import get_object_or_404

from guide.models import Question, Stage


def guide_for_page() -> list[Stage]:
    """Every stage in order, each with its questions in order: two queries."""
    return list(Stage.objects.prefetch_related("questions"))


def stage_for_edit(stage_id: int) -> Stage:
    """One stage with its questions, or 404."""
    return get_object_or_404(Stage.objects.prefetch_related("questions"), pk=stage_id)


def question_for_edit(question_id: int) -> Question:
    """One question with its stage, or 404."""
    return get_object_or_404(Question.objects.select_related("stage"), pk=question_id)
