"""Candidate events found in a news article, each grounded in the exact sentence that reports it.

The pipeline is spaCy's blank English one (``spacy.blank("en")``: a tokenizer and a rule-based
sentencizer, no model weights), with an ``EntityRuler`` for the gazetteer's names, a ``Matcher``
for the trigger lexicon and the death tolls, and :mod:`.dates` for dates. Roles come from word
order around the trigger: the actors before it did it (or said it), the places after it are where,
an actor after "by" is the doer of a passive, an actor after the trigger is the target or the
accused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .dates import DateFinder
from .gazetteer import Entry
from .lexicon import (ALLEGED, HEDGES, CASUALTY_NOUNS, CLAIMED, DEATH_WORDS, DENIED, QUALIFIERS, SAID, TRIGGERS,
                      NUMBER_WORDS, number_value)

#: Words after which a name is where something happened or who was hit, not who did it.
PLACE_PREPOSITIONS = {"on", "in", "at", "into", "near", "inside", "within", "across", "against", "of", "from", "to",
                      "toward", "towards", "over", "targeting", "between", "with"}
#: The role keys of the draft's JSON, by kind.
ROLES = {"attack": ("perpetrators", "target"), "accusation": ("accuser", "accused")}
DEFAULT_ROLES = ("actor", "target")


@dataclass
class Mention:
    entry: Entry
    start: int   # token indices in the doc
    end: int
    possessive: bool = False


@dataclass
class Candidate:
    kind: str
    types: list[str]
    start: int
    end: int
    quote: str
    doers: list[Entry] = field(default_factory=list)
    targets: list[Entry] = field(default_factory=list)
    place: Entry | None = None
    country: tuple[str | None, str] | None = None
    date: str | None = None
    date_basis: str | None = None
    fatalities: int | None = None
    fatalities_qualifier: str | None = None
    status: str = "reported"
    target_status: str = "reported"   # "alleging connections to X": the targeted group is the doer's allegation
    claimants: list[dict] = field(default_factory=list)
    matches: str | None = None
    trigger: str = ""
    operation: str | None = None   # "an operation it called Marg Bar Sarmachar"
    continued: bool = False   # tells more of the attack before it ("The strike killed nine")

    def as_json(self) -> dict:
        doer_key, target_key = ROLES.get(self.kind, DEFAULT_ROLES)
        return {
            "kind": self.kind,
            "type": self.types[0],
            "date": self.date,
            "date_basis": self.date_basis,
            doer_key: _refs(self.doers),
            target_key: _refs(self.targets),
            "place": self.place.ref() if self.place else None,
            "country": {"id": self.country[0], "label": self.country[1]} if self.country else None,
            "fatalities": self.fatalities,
            "status": self.status,
            "claimant": self.claimants or None,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "matches": self.matches,
        }


def _refs(entries: list[Entry]) -> list[dict]:
    out = []
    for entry in entries:
        if entry.ref() not in out:
            out.append(entry.ref())
    return out


_PIPELINES: dict[tuple, object] = {}


def pipeline(names: dict[str, Entry]):
    """The blank English pipeline with the gazetteer's names as an entity ruler (the last one built is
    kept: building it is most of an ingest's time, and the names change only when the graph does)."""
    key = tuple(sorted(names))
    if key not in _PIPELINES:
        _PIPELINES.clear()
        _PIPELINES[key] = _build_pipeline(names)
    return _PIPELINES[key]


def _build_pipeline(names: dict[str, Entry]):
    import spacy

    _register_line_breaks()
    nlp = spacy.blank("en")
    nlp.add_pipe("line_breaks")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns([{"label": "NAME", "pattern": name, "id": name} for name in names])
    return nlp


def _register_line_breaks() -> None:
    """A line break ends a sentence: headings and list items are not part of the next sentence."""
    from spacy.language import Language

    if "line_breaks" in Language.factories:
        return

    @Language.component("line_breaks")
    def line_breaks(doc):
        for token in doc[:-1]:
            if "\n" in token.text or "\n" in token.whitespace_:
                doc[token.i + 1].is_sent_start = True
        return doc


def _matcher(nlp):
    from spacy.matcher import Matcher

    matcher = Matcher(nlp.vocab)
    for trigger in TRIGGERS:
        matcher.add(trigger.name, [list(p) for p in trigger.patterns])
    qualifier = {"LOWER": {"IN": sorted({w for q in QUALIFIERS for w in q.split()})}, "OP": "*"}
    number = {"LOWER": {"IN": sorted(w for w in NUMBER_WORDS if " " not in w)}}
    noun = {"LOWER": {"IN": list(CASUALTY_NOUNS)}}
    adjective = {"IS_ALPHA": True, "OP": "?"}
    matcher.add("TOLL", [[qualifier, {"LIKE_NUM": True}, adjective, noun], [qualifier, number, adjective, noun],
                         [qualifier, number, {"ORTH": "-"}, number, adjective, noun],
                         [qualifier, {"LOWER": "a"}, {"LOWER": {"IN": ["dozen", "hundred"]}}, adjective, noun]])
    return matcher


class Extractor:
    """Candidates of one article, against one gazetteer."""

    def __init__(self, names: dict[str, Entry]) -> None:
        self.names = names
        self.nlp = pipeline(names)
        self.matcher = _matcher(self.nlp)
        self.by_name = {t.name: t for t in TRIGGERS}

    def extract(self, text: str, published: dt.date) -> list[Candidate]:
        doc = self.nlp(text)
        dates = DateFinder(published)
        out: list[Candidate] = []
        last_attack: Candidate | None = None
        all_matches = self.matcher(doc)
        self.last_group: Entry | None = None
        for sent in doc.sents:
            quote_start, quote_end = _trimmed(text, sent.start_char, sent.end_char)
            if quote_end <= quote_start:
                continue
            found_dates = dates.find(text[quote_start:quote_end], quote_start)
            mentions = self._mentions(sent)
            matches = [(m, s - sent.start, e - sent.start) for m, s, e in all_matches
                       if s >= sent.start and e <= sent.end]
            tolls = [(s, e) for m, s, e in matches if self.nlp.vocab.strings[m] == "TOLL"]
            triggers = self._triggers(sent, [(m, s, e) for m, s, e in matches if self.nlp.vocab.strings[m] != "TOLL"])
            hedged = bool({t.lower_ for t in sent} & set(HEDGES))
            for (kind, _), (name, start, end) in triggers.items():
                cand = self._candidate(sent, kind, name, start, end, mentions, found_dates, tolls)
                cand.start, cand.end, cand.quote = quote_start, quote_end, text[quote_start:quote_end]
                if hedged and cand.date is None:
                    continue
                if cand.continued:
                    # kept only for what it adds (a toll, who says so), and only about the same country
                    if last_attack is None or not (cand.fatalities is not None or cand.claimants):
                        continue
                    if cand.country and last_attack.country and cand.country[0] != last_attack.country[0]:
                        continue
                    _inherit(cand, last_attack)
                if self._complete(cand):
                    out.append(cand)
                    if kind == "attack" and not cand.continued:
                        last_attack = cand
            groups = [m.entry for m in mentions if "ArmedGroup" in m.entry.types]
            self.last_group = groups[-1] if groups else self.last_group
        return out

    # -- pieces ------------------------------------------------------------------------------

    def _mentions(self, sent) -> list[Mention]:
        out = []
        for ent in sent.ents:
            entry = self.names.get(ent.ent_id_)
            if entry is None:
                continue
            nxt = ent.end < len(ent.doc) and ent.doc[ent.end].text in ("'s", "’s", "'")
            out.append(Mention(entry, ent.start - sent.start, ent.end - sent.start, nxt))
        return out

    def _triggers(self, sent, matches) -> dict[tuple[str, str], tuple[str, int, int]]:
        """The trigger of each kind in the sentence: the first in the text, the most precise on a tie.
        Diplomatic steps are told several to a sentence ("recalled its ambassador, cancelled the talks"):
        one of each class."""
        chosen: dict[tuple[str, str], tuple[str, int, int]] = {}
        generic = {"attack"}
        for match_id, start, end in sorted(matches, key=lambda m: (m[1], -(m[2] - m[1]))):
            name = self.nlp.vocab.strings[match_id]
            kind = self.by_name[name].kind
            key = (kind, name if kind == "diplomatic" else "")
            held = chosen.get(key)
            if held is None or (held[0] in generic and name not in generic):
                chosen[key] = (name, start, end)
        return chosen

    def _candidate(self, sent, kind, name, start, end, mentions, found_dates, tolls) -> Candidate:
        trigger = self.by_name[name]
        cand = Candidate(kind, list(trigger.types), 0, 0, "", trigger=name)
        words = [t.lower_ for t in sent]
        # names inside a long trigger ("gunmen of X attacked") stand before its last word
        before = [m for m in mentions if m.end <= end - 1]
        after = [m for m in mentions if m.start >= end]
        if kind != "attack":   # "summoned the Pakistani envoy": the counterpart may sit inside the trigger
            after = [m for m in mentions if m.start > start and m not in before]
        # the doer: the nearest actor before the trigger that no preposition governs, and those joined to it
        doers = [m for m in before if m.entry.is_actor and not _governed(sent, m)
                 and not (kind == "attack" and m.end < len(words) and words[m.end] in SAID)]
        passive = [m for m in after if m.start > 0 and words[m.start - 1] == "by" or
                   m.start > 1 and words[m.start - 2] == "by" and words[m.start - 1] == "the"]
        if not doers and not passive and self.last_group is not None and _the_group(words):
            cand.doers = [self.last_group]   # "the group targeted …": the armed group named last
        elif passive and (kind != "attack" or not doers or "by" in words[end:passive[0].start + 1]):
            cand.doers = [m.entry for m in passive[:1] if m.entry.is_actor]
        elif doers:
            run = [doers[-1]]
            for m in reversed(doers[:-1]):
                between = words[m.end:run[0].start]
                if between and set(between) <= {"and", ",", "the", "its"}:
                    run.insert(0, m)
                else:
                    break
            cand.doers = [m.entry for m in run]
        # where, and against whom
        places = [m for m in after if m.entry.is_place and not m.entry.demonym and m not in passive]
        if kind == "attack" and places:
            cand.place = next((m.entry for m in places if not m.entry.is_state), places[0].entry)
            owner = next((m.entry for m in places if m.entry.is_state and m.possessive), None)
            cand.country = cand.place.country or (owner.country if owner else None)
        elif kind == "attack":
            owner = next((m.entry for m in after if m.entry.is_state), None)
            cand.country = owner.country if owner else None
        victims = [m.entry for m in after if m.entry.is_actor and not m.entry.is_state and m not in passive
                   and m.entry not in cand.doers]
        if kind == "attack":
            cand.targets = victims[:2]
        else:
            cand.targets = [m.entry for m in after if m.entry.is_actor and m not in passive
                            and m.entry not in cand.doers][:1]
        if kind != "attack" and not cand.targets:
            cand.targets = [m.entry for m in before if m.entry.is_actor and m.entry not in cand.doers][-1:]
        dated = [d for d in found_dates if not _dateline(sent, d)]
        if dated:
            anchor = sent[start].idx
            best = min(dated, key=lambda d: min(abs(d.start - anchor), abs(d.end - anchor)))
            cand.date, cand.date_basis = best.date, best.basis
        # "The strike killed nine": no doer named, the attack the article last told of, told more of
        cand.continued = (kind == "attack" and not cand.doers and not found_dates and start > 0
                          and sent[start - 1].lower_ in ("the", "this", "that"))
        if kind == "attack":
            self._toll(cand, sent, words, tolls)
            found = _OPERATION.search(sent.text)
            if found:
                cand.operation = found.group("name") or found.group("name2")
        self._status(cand, sent, words, mentions, start)
        return cand

    def _toll(self, cand: Candidate, sent, words, tolls) -> None:
        if not tolls or not set(words) & set(DEATH_WORDS):
            return
        start, end = max(tolls, key=lambda t: t[1] - t[0])
        qualifier = None
        for phrase, meaning in QUALIFIERS.items():
            if " ".join(words[start:end]).startswith(phrase + " "):
                qualifier = meaning
        value = None
        span = [w for w in words[start:end] if w not in {q for p in QUALIFIERS for q in p.split()}]
        for cut in range(len(span), 0, -1):   # the longest run of leading words that is a number
            value = number_value(" ".join(span[:cut]).replace(" - ", "-"))
            if value is not None:
                break
        cand.fatalities, cand.fatalities_qualifier = value, qualifier

    def _status(self, cand: Candidate, sent, words, mentions, start: int) -> None:
        if cand.kind == "claim" and "ResponsibilityClaim" in cand.types:
            cand.status = "claimed"
            cand.claimants = _refs(cand.doers)
            return
        if cand.kind == "claim":
            cand.status = "denied"
            cand.claimants = _refs(cand.doers)
            return
        said = [i for i, w in enumerate(words) if w in SAID]
        if "according" in words:
            i = words.index("according")
            speaker = next((m.entry for m in mentions if m.start in (i + 2, i + 3)), None)
            cand.claimants = [speaker.ref()] if speaker else _proper_noun(sent, i + 2)
        elif said:
            # the speaker is the name right before the cue ("IRNA reported") or right after it ("said Iran")
            i = said[0]
            speaker = ([m.entry for m in mentions if m.end == i and m.entry.is_actor]
                       or [m.entry for m in mentions if m.start in (i + 1, i + 2) and m.entry.is_actor])
            cand.claimants = _refs(speaker) or _proper_noun_before(sent, i)
        if cand.kind == "attack":
            alleged = [i for i, w in enumerate(words) if w in ALLEGED]
            if set(words) & set(DENIED):
                cand.status = "denied"
            elif alleged and alleged[0] > start and cand.targets:
                cand.target_status = "alleged"
                return
            elif alleged:
                cand.status = "alleged"
            elif set(words) & set(CLAIMED) and "responsibility" in words:
                cand.status = "claimed"
            if cand.status != "reported" and not cand.claimants:
                cand.claimants = _refs([m.entry for m in mentions if m.entry.is_actor][:1])

    @staticmethod
    def _complete(cand: Candidate) -> bool:
        """A candidate worth an analyst's time: someone did it, and (for an attack) somewhere, on a day
        or at a named place. (A sentence that only surmises, "could", "likely", must name the day.)"""
        if not cand.doers:
            return False
        if cand.kind == "attack":
            if not (cand.place or cand.country):
                return False
            named = cand.place is not None and not cand.place.is_state
            return cand.date is not None or named
        if cand.kind == "accusation":
            return bool(cand.targets)
        return True


_OPERATION = re.compile(r"\b(?:[Oo]peration|[Oo]ffensive)\s+(?:(?:it|they|that|which)\s+)?"
                        r"(?:was\s+)?(?:called|named|dubbed|code-?named)\s+\"?(?P<name>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)"
                        r"|\bOperation\s+(?P<name2>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)")


def _the_group(words: list[str]) -> bool:
    return any(words[i] == "the" and words[i + 1] in ("group", "militants", "organization", "movement")
               for i in range(len(words) - 1))


def _inherit(cand: Candidate, earlier: Candidate) -> None:
    cand.doers = list(earlier.doers)
    cand.targets = cand.targets or list(earlier.targets)
    if cand.date is None:
        cand.date, cand.date_basis = earlier.date, earlier.date_basis
    cand.place = cand.place or earlier.place
    cand.country = cand.country or earlier.country
    if cand.types == ["Attack"]:
        cand.types = list(earlier.types)


def _dateline(sent, found) -> bool:
    """The date of a dateline ("TEHRAN, Jan. 17 —"): when the story was filed, not when it happened."""
    rest = sent.doc.text[found.end:found.end + 3].strip()
    return found.start - sent.start_char < 30 and rest[:1] in ("—", "–", "-", "(", ":")


_COLLECTIVE = {"gunmen", "fighters", "members", "militants", "men", "forces", "troops", "units", "soldiers",
               "commanders", "leaders", "spokesman", "spokesperson"}


def _governed(sent, mention: Mention) -> bool:
    """The name follows a preposition (perhaps with an article or a capitalised word between)."""
    for back in (1, 2, 3):
        i = mention.start - back
        if i < 0:
            return False
        token = sent[i]
        if token.lower_ == "of" and i > 0 and sent[i - 1].lower_ in _COLLECTIVE:
            return False   # "gunmen of the X": X's men did it
        if token.lower_ in PLACE_PREPOSITIONS:
            return True
        if token.lower_ not in ("the", "a", "an", "its", "their", "'s") and not token.is_title:
            return False
    return False


def _proper_noun(sent, index: int) -> list[dict]:
    """The capitalised words from ``index`` on ("according to IRNA"), as a name the graph does not hold."""
    words = []
    for token in sent[index:index + 6]:
        if token.is_title or token.is_upper:
            words.append(token.text)
        elif words:
            break
        elif token.lower_ not in ("the", "a", "an"):
            break
    return [{"id": None, "label": " ".join(words)}] if words else []


def _proper_noun_before(sent, index: int) -> list[dict]:
    """The capitalised words that end right before ``index`` ("… the agency IRNA reported")."""
    words = []
    for token in reversed(sent[max(0, index - 4):index]):
        if (token.is_title or token.is_upper) and token.is_alpha and token.i != sent.start:
            words.insert(0, token.text)
        else:
            break
    return [{"id": None, "label": " ".join(words)}] if words else []


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
