"""The words extraction looks for: event triggers (mapped to the ontology's CAMEO-coded classes),
reporting cues (mapped to a claim's status), casualty words and numbers written in words.

Each trigger is a token pattern for spaCy's ``Matcher`` (lower-cased words), so a phrase matches
whatever its capitals; the class is a local name of ``ck:`` and the kind is the draft's
``kind`` (attack, accusation, condemnation, claim, threat, diplomatic).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Trigger:
    name: str
    kind: str
    types: tuple[str, ...]
    patterns: tuple[tuple[dict, ...], ...]


def _w(*words: str) -> dict:
    return {"LOWER": {"IN": list(words)}}


_OPT = {"OP": "?"}


def _gap(n: int = 3) -> list[dict]:
    """Up to ``n`` words of any kind between two parts of a phrase."""
    return [{"IS_PUNCT": False, "OP": "?"}] * n


STRIKE = ("strike", "strikes", "attack", "attacks", "assault", "raid", "raids")

TRIGGERS: tuple[Trigger, ...] = (
    Trigger("missile-drone", "attack", ("MissileStrike", "DroneStrike"), (
        (_w("missile", "missiles"), _w("and"), _w("drone", "drones"), _w(*STRIKE)),)),
    Trigger("missile", "attack", ("MissileStrike",), (
        (_w("missile", "rocket"), _w(*STRIKE, "barrage")),
        (_w("fired", "launched"), *_gap(2), _w("missiles", "rockets", "missile")),)),
    Trigger("drone", "attack", ("DroneStrike",), (
        (_w("drone"), _w(*STRIKE)),
        (_w("drones"), _w("striking", "struck", "hit", "attacked", "targeted")),)),
    Trigger("air", "attack", ("AirStrike",), (
        (_w("airstrike", "airstrikes", "air-strike", "air-strikes", "airstrikеs"),),
        (_w("air"), _w("strike", "strikes", "raid", "raids")),
        (_w("warplanes", "jets", "aircraft"), _w("bombed", "struck", "hit", "pounded")),)),
    Trigger("suicide", "attack", ("SuicideBombing",), (
        (_w("suicide"), _w("bombing", "bomber", "bombers", "attack", "blast")),)),
    Trigger("bombing", "attack", ("Bombing",), (
        (_w("bombing", "bombings", "explosions", "explosion", "blast", "blasts"),),
        (_w("bomb"), _w("attack", "exploded", "went")),)),
    Trigger("assault", "attack", ("ArmedAssault",), (
        (_w("gunmen", "militants", "fighters", "attackers"), *_gap(5), _w("stormed", "attacked", "opened", "ambushed")),
        (_w("ambush", "ambushed", "stormed"),),)),
    Trigger("killing", "attack", ("TargetedKilling",), (
        (_w("assassinated", "assassination"),),)),
    Trigger("attack", "attack", ("Attack",), (
        (_w("struck", "strikes", "strike", "shelled", "shelling", "bombardment", "bombarded", "pounded"),),
        (_w("attacked", "attack", "attacks", "targeted", "hit"),),)),
    Trigger("claim", "claim", ("ResponsibilityClaim",), (
        (_w("claimed", "claims", "claiming", "claim"), _w("responsibility")),
        (_w("claimed"), _w("by")),)),
    Trigger("denial", "claim", ("Denial",), (
        (_w("denied", "denies", "denying", "rejected", "dismissed"), *_gap(2), _w("involvement", "responsibility", "claim", "claims", "reports", "role", "any")),
        (_w("denied", "denies"),),)),
    Trigger("accusation", "accusation", ("Accusation",), (
        (_w("accused", "accuses", "accusing", "accusation", "accusations", "blamed", "blames", "blaming"),),)),
    Trigger("condemnation", "condemnation", ("Condemnation",), (
        (_w("condemned", "condemns", "condemning", "condemnation", "denounced", "denounces", "deplored"),),)),
    Trigger("threat", "threat", ("Threat",), (
        (_w("threatened", "threatens", "threatening", "warned", "warns", "vowed"),),)),
    Trigger("recall", "diplomatic", ("AmbassadorRecall",), (
        (_w("recalled", "recalls", "recalling", "withdrew", "withdrawing", "withdraws", "summoned", "summons"),
         _w("its", "his", "their"), _w("ambassador", "envoy", "ambassadors", "envoys")),)),
    Trigger("summons", "diplomatic", ("Summons",), (
        (_w("summoned", "summons", "summoning"), _w("the", "a"), *_gap(3), _w("ambassador", "envoy", "chargé", "charge", "diplomat")),)),
    Trigger("entry-refusal", "diplomatic", ("EntryRefusal",), (
        (_w("expelled", "expels", "expelling"),),
        (_w("prevented", "blocking", "blocked", "barred", "barring"), _w("the"), _w("return")),)),
    Trigger("cancellation", "diplomatic", ("MeetingCancellation",), (
        (_w("canceled", "cancelled", "called", "postponed", "suspended"), _OPT, *_gap(2), _w("meetings", "meeting", "talks", "visit")),)),
    Trigger("de-escalation", "diplomatic", ("DeEscalation",), (
        (_w("de-escalate", "de-escalation", "deescalate", "ceasefire", "truce"),),
        (_w("agreed", "agree"), _w("to"), _w("de", "restore", "resume", "return")),)),
    Trigger("mediation", "diplomatic", ("MediationOffer",), (
        (_w("offer", "offered", "offers"), *_gap(2), _w("mediation", "mediate")),)),
    Trigger("visit", "diplomatic", ("Visit",), (
        (_w("visit", "visited", "visits", "visiting"),),)),
    Trigger("phone", "diplomatic", ("PhoneCall",), (
        (_w("telephone", "phone"), _w("call", "talks", "conversation")),
        (_w("spoke", "talked"), _w("by"), _w("phone", "telephone")),)),
    Trigger("meeting", "diplomatic", ("Meeting",), (
        (_w("met", "meeting", "meets"), _w("with", "between")),)),
)

#: A trigger of a more precise class wins over a generic one on the same words (longest, then first listed).
ATTACK_TYPES = {t.types for t in TRIGGERS if t.kind == "attack"}

#: Reporting cues: words that make a sentence someone's statement, and the status they give it.
SAID = ("said", "says", "stated", "announced", "reported", "told", "added", "confirmed", "noted", "insisted",
        "declared", "according")
ALLEGED = ("allegedly", "alleged", "alleging", "alleges", "accused", "accusing", "blamed", "reportedly", "suspected")
CLAIMED = ("claimed", "claims", "claiming")
DENIED = ("denied", "denies", "denying")

#: Words of a sentence that surmises rather than reports ("Iran could strike", "it is likely").
HEDGES = ("could", "would", "may", "might", "likely", "speculated", "believe", "believes", "seems", "potentially",
          "perhaps", "possibly", "if")

#: Nouns that count the dead or the hurt, and the words that say they died.
CASUALTY_NOUNS = ("people", "persons", "civilians", "soldiers", "troops", "policemen", "police", "officers",
                  "guards", "militants", "fighters", "terrorists", "children", "women", "men", "members",
                  "advisers", "advisors", "commanders", "leaders", "villagers", "residents", "worshippers",
                  "insurgents", "personnel", "servicemen", "others", "civilian", "soldier", "person")
DEATH_WORDS = ("killed", "killing", "dead", "death", "deaths", "died", "die", "lives", "lost", "slain", "fatalities",
               "toll", "killed.")
QUALIFIERS = {"at least": "at least", "about": "about", "around": "about", "nearly": "about", "almost": "about",
              "some": "about", "roughly": "about", "approximately": "about", "more than": "more than",
              "over": "more than", "up to": "up to"}

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORDS = {w: i for i, w in enumerate(_UNITS)} | {w: 10 * i for i, w in enumerate(_TENS) if w != "_"} | {
    "a dozen": 12, "dozen": 12, "a hundred": 100, "hundred": 100, "a score": 20}


def number_value(text: str) -> int | None:
    """An integer written in figures or in English words, or None.

    >>> number_value("nine"), number_value("twenty-three"), number_value("1,200"), number_value("a hundred")
    (9, 23, 1200, 100)
    >>> number_value("several") is None
    True
    """
    text = text.strip().lower().replace(",", "")
    if text.isdigit():
        return int(text)
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    total, current = 0, None
    for part in text.replace("-", " ").replace(" and ", " ").split():
        if part in NUMBER_WORDS and part not in ("hundred", "dozen"):
            current = (current or 0) + NUMBER_WORDS[part]
        elif part == "hundred":
            current = (current or 1) * 100
        elif part == "thousand":
            total += (current or 1) * 1000
            current = 0
        elif part == "a":
            continue
        else:
            return None
    if current is None and total == 0:
        return None
    return total + (current or 0)
