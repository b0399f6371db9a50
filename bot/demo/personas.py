"""The people the local simulator plays, and whom the demo partnership registers.

Their LINE user ids are fixed so that `renkei demo` and the simulator name the same people:
with the demo data loaded, each persona is already a member of the partnership.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    key: str
    user_id: str
    display_name: str  # the LINE display name the fake platform reports for them
    label: str  # who they are, shown on the simulator's tab


PERSONAS = (
    Persona("staff", "U82ed380f49be124440b5a60d08a9e2a1", "市役所 事務局", "事務局（市役所）"),
    Persona("npo", "Uf0d8aa962cfc8e08fa0afeaab646674f", "NPO 代表", "NPO代表"),
    Persona("company", "U7ce2441609f79347754a7bb4cf39065f", "企業 担当", "企業の担当者"),
    Persona("university", "Uf4ab193a9f0a15d423769955f3ce09ca", "大学 担当", "大学の担当者"),
)


def persona(key: str) -> Persona:
    return next(p for p in PERSONAS if p.key == key)
