"""Alongside's default conversation guide, written from the program's principles.

Eight stages, each with what the supporter is doing in it and a few questions.
Two questions are the program's own, word for word; the rest are Alongside's.
Loaded by a data migration into an empty guide; the director edits it from
then on, and may restore this default. Changing these texts changes what new
installations (and a restore) start with, nothing else.
"""

BOTHERING_QUESTION = (
    "What, if anything, is bothering you or worrying you about this event?"
)
COPING_QUESTION = "What are your coping strategies for stressful times?"

# name, what the supporter is doing, questions
DEFAULT_STAGES = [
    (
        "Invitation",
        "Reach out soon after the event, say who you are and why you are in touch, "
        "and make it as easy to say “not now” as “yes”. Explain that the "
        "conversation is confidential and that you keep no notes.",
        [
            "Is now a good time to talk, or would another time suit you better?",
            "How are you doing since the event?",
            "Would it help to talk it through with a colleague who has been there too?",
        ],
    ),
    (
        "Listening",
        "Let your colleague tell their story in their own way and at their own pace. "
        "Listen more than you speak; do not ask for clinical details or about fault.",
        [
            "What has it been like for you since it happened?",
            BOTHERING_QUESTION,
            "How have you been sleeping, eating and getting through the day?",
        ],
    ),
    (
        "Reflecting",
        "Say back what you heard, in your colleague's words, and name the feelings "
        "you notice without judging them.",
        [
            "It sounds as if this has been weighing on you. Have I got that right?",
            "What has been the hardest part for you?",
            "How are you feeling about it right now?",
        ],
    ),
    (
        "Reframing",
        "Offer, gently, another way to see their reactions: they are common after a "
        "hard event and show how much your colleague cares. Never minimise what "
        "happened.",
        [
            "Many of us feel this way after an event like this. Does that fit for you?",
            "What would you say to a colleague who was going through this?",
        ],
    ),
    (
        "Sense-making",
        "Help your colleague put the event in context and find what it means for "
        "them now, without judging what should have been done.",
        [
            "What are you telling yourself about what happened?",
            "What helps you keep this event in perspective?",
            "Is there anything you would like to understand better about it?",
        ],
    ),
    (
        "Coping",
        "Explore how your colleague is looking after themselves and who supports "
        "them, and notice any sign that they need more than peer support.",
        [
            COPING_QUESTION,
            "Who do you have around you, at work and at home?",
            "Is anything getting in the way of looking after yourself right now?",
        ],
    ),
    (
        "Closing",
        "Sum up what you heard, ask what would help, and agree what happens next. "
        "Peer support is usually one or two conversations for an event; offer the "
        "second.",
        [
            "What would be most helpful to you now?",
            "Would you like me to check in with you again in a few days?",
            "Is there anything we have not talked about that you would like to?",
        ],
    ),
    (
        "Resources",
        "Open the door to more help when it is wanted or needed: counselling, the "
        "employee assistance program, stress reduction or crisis services. With "
        "their consent, make the connection together and follow up.",
        [
            "Would it help to talk with someone beyond our conversations, "
            "such as a counsellor?",
            "Shall we contact them together, and may I check afterwards that it "
            "worked out?",
            "If things get harder, do you know how to reach urgent help, day or night?",
        ],
    ),
]


def default_guide_load(stage_model, question_model) -> int:
    """Put the default guide into an empty one; how many stages were added.

    Takes the model classes so the data migration can pass its historical models.
    """
    if stage_model.objects.exists():
        return 0
    for position, (name, purpose, questions) in enumerate(DEFAULT_STAGES, 1):
        stage = stage_model.objects.create(
            position=position, name=name, purpose=purpose
        )
        question_model.objects.bulk_create(
            question_model(stage=stage, position=number, text=text)
            for number, text in enumerate(questions, 1)
        )
    return len(DEFAULT_STAGES)
