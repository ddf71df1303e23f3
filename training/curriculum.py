"""Alongside's default curriculum for peer supporters, written from the program's principles.

Loaded by a data migration into an empty curriculum; the director edits it
from then on. Each module: title, summary, objectives (one per line).
Changing these texts changes what new installations start with, nothing else.
"""

DEFAULT_MODULES = [
    (
        "Empathetic listening",
        "The heart of peer support. After a hard event a colleague needs to be heard "
        "before anything else: not fixed, not reassured too soon, not judged. This "
        "module practises listening that lets them tell their story at their own pace.",
        "Open a conversation in a way that makes it easy to say no or yes\n"
        "Listen without interrupting, advising or comparing\n"
        "Reflect back what you heard, in your colleague's words\n"
        "Notice and name feelings without judging them\n"
        "Sit with silence and strong emotion without rushing to fill it",
    ),
    (
        "Asking questions",
        "Good questions help a colleague make sense of what happened and find their "
        "own way forward. The program's questions are a guide, not a script.",
        "Use open questions, such as “What, if anything, is bothering you or worrying "
        "you about this event?”\n"
        "Ask about coping: “What are your coping strategies for stressful times?”\n"
        "Avoid questions about clinical details, blame or what should have been done\n"
        "Help a colleague reframe and make sense of the event without minimising it\n"
        "Close a conversation well: summarise, ask what would help, agree next steps",
    ),
    (
        "Sharing personal experience",
        "A supporter's own hard days, shared briefly and at the right moment, tell a "
        "colleague they are not alone. Shared badly, they take the conversation away.",
        "Decide when sharing will help and when it will not\n"
        "Share briefly, then hand the conversation back\n"
        "Keep the focus on your colleague's experience, not yours\n"
        "Share only what you are comfortable to have shared",
    ),
    (
        "Confidentiality and its limits",
        "Colleagues talk to a peer supporter because it stays between them. Supporters "
        "must know exactly what they keep, what they never record, and the one "
        "exception: a risk to someone's life.",
        "Explain confidentiality to a colleague at the start of a conversation\n"
        "Keep no notes about what was said, or only what the program allows\n"
        "Know that peer support is not part of any review, investigation or performance "
        "process, and decline to take part in one\n"
        "Recognise the limits: a risk to the colleague's or someone else's life\n"
        "Say what happens if that limit is reached, before it is",
    ),
    (
        "Recognising risk and escalating",
        "Most colleagues need to be heard; a few need more, and fast. Supporters learn "
        "the signs of serious distress and follow the crisis protocol without delay.",
        "Recognise signs of burnout, depression, substance misuse and suicidal thinking\n"
        "Ask directly about thoughts of self-harm when there is concern\n"
        "Follow the crisis protocol: stay with the person, call for help, alert the "
        "program director\n"
        "Know the crisis lines and emergency routes at every site",
    ),
    (
        "Facilitated referral to resources",
        "Peer support opens the door to more help. A facilitated referral means making "
        "the connection with the colleague's consent and checking they got there.",
        "Know the services: employee assistance, counselling, the state physician "
        "health program, chaplaincy, stress reduction, crisis lines\n"
        "Explain what each service offers and what it keeps confidential\n"
        "Offer a referral, ask for consent, and make the connection together\n"
        "Follow up to confirm the colleague reached the help they wanted",
    ),
    (
        "Looking after yourself",
        "Listening to colleagues' hardest days takes something from supporters too. "
        "This module is about noticing that and getting support in return.",
        "Recognise the signs of your own strain and secondary trauma\n"
        "Use the supporters' meetings and the program director for debriefing\n"
        "Pause yourself from new assignments when you need to, without guilt\n"
        "Keep your own coping strategies in practice",
    ),
]


def default_curriculum_load(module_model) -> int:
    """Put the default modules into an empty curriculum; how many were added.

    Takes the model class so the data migration can pass its historical model.
    """
    if module_model.objects.exists():
        return 0
    module_model.objects.bulk_create(
        module_model(
            title=title,
            summary=summary,
            objectives=objectives,
            is_core=True,
            sort_order=position * 10,
        )
        for position, (title, summary, objectives) in enumerate(DEFAULT_MODULES, 1)
    )
    return len(DEFAULT_MODULES)
