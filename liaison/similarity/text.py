"""Text handling: boilerplate removal, word tokens, identifiers and keywords.

Everything here is a pure function of strings, so the engine can apply it to a document at
fit time and to a query at query time and get the same answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Sentences that say what kind of document this is rather than what it is about. They are
# frequent enough in RFC abstracts (a quarter of them) to make unrelated documents look alike.
_BOILERPLATE = re.compile(
    r"provides? information for the (?:arpa[- ])?internet community"
    r"|(?:defines|specifies|documents|suggests) an? (?:internet |proposed )?"
    r"(?:experimental|historic|best current practices?|standards?|informational)\b[^.]*\bcommunity"
    r"|(?:specifies|suggests) an? (?:standard|proposed protocol) for the (?:arpa[- ])?internet community"
    r"|does not specify (?:an|any) (?:internet )?standard"
    r"|not an internet standards track specification"
    r"|published for (?:informational|examination|experimental)"
    r"|discussion and suggestions for improvements?"
    r"|distribution of this memo is unlimited"
    r"|please refer to the current edition of"
    r"|documents an internet best current practice"
    r"|^\[[a-z \-]*\]$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\[[A-Z \-]+\]\s*")

_DIGIT = re.compile(r"\d")
_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")

# Identifier patterns, each with a function that gives the canonical spelling, so that
# "RFC0791", "RFC 791" and "rfc791" are one identifier, as are "ISO/IEC 27001", "ISO/CEI 27001" and
# "ISO 27001".
_ID_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bRFCs?\s?-?\s?(0*\d{1,5}(?:(?:\s*,\s*|\s+and\s+|\s+or\s+|\s*&\s*)(?:RFC\s?)?0*\d{1,5}\b)*)",
                re.IGNORECASE), "rfc"),
    (re.compile(r"\b(BCP|STD|FYI)\s?0*(\d{1,4})\b"), "series"),
    # CEI is the IEC's name in French and Spanish ("la norme CEI 62443", "ISO/CEI 27001"), ИСО and МЭК
    # ISO's and the IEC's in Russian ("ИСО/МЭК 27001").
    (re.compile(r"\b(?:ISO|IEC|CEI|ИСО|МЭК)(?:/IEC|/CEI|/МЭК|/IEEE|/ITU)*\s*(?:TS|TR|PAS|IS)?\s*(\d{3,5}(?:-\d{1,3})*)\b"),
     "iso"),
    (re.compile(r"(?<![\w./-])(\d{4,5}-\d{1,2})(?![\w.-]|/\d)"), "part"),
    (re.compile(r"\bIMT-(\d{4})\b"), "imt"),
    (re.compile(r"\b(?:IEEE\s*(?:Std\.?\s*)?)?(802\.\d{1,2}[a-z]{0,3})\b"), "ieee"),
    (re.compile(r"\b(?:3GPP\s*)?(TS|TR)\s*(\d{2}\.\d{2,3}[A-Z]?)\b"), "3gpp"),
    (re.compile(r"\bETSI\s+(EN|TS|TR|ES|EG|GS|GR)\s+(\d{3})\s?(\d{3}(?:-\d{1,3})*)\b"), "etsi"),
    (re.compile(r"(?<![\w.])(?:ITU-T\s+|ITU-R\s+)?([A-Z])\.(\d{1,4}(?:\.\d{1,3})?)(?![\w]|\.\d)"), "itu"),
)
# Words that make "A.1" a cross-reference inside a document rather than an ITU Recommendation.
_NOT_ITU_BEFORE = re.compile(r"(?:annex|appendix|table|figure|fig\.|clause|section|step|part)\s*$", re.IGNORECASE)


def _canonical(kind: str, match: re.Match[str], text: str) -> list[str]:
    if kind == "rfc":
        return [f"RFC{int(n)}" for n in re.findall(r"\d{1,5}", match.group(1))]
    if kind == "series":
        return [f"{match.group(1)}{int(match.group(2))}"]
    if kind in ("iso", "part"):
        number = match.group(1)
        if kind == "part" and _looks_like_date(number):
            return []
        return [f"ISO {number}"]
    if kind == "imt":
        return [f"IMT-{match.group(1)}"]
    if kind == "ieee":
        return [f"IEEE {match.group(1)}"]
    if kind == "3gpp":
        return [f"3GPP {match.group(1)} {match.group(2)}"]
    if kind == "etsi":
        return [f"ETSI {match.group(1)} {match.group(2)}{match.group(3)}"]
    if _NOT_ITU_BEFORE.search(text, max(0, match.start() - 12), match.start()):
        return []
    return [f"{match.group(1)}.{match.group(2)}"]


def _looks_like_date(number: str) -> bool:
    first, _, second = number.partition("-")
    return 1900 <= int(first) <= 2099 and 1 <= int(second) <= 12


def identifiers(text: str) -> set[str]:
    """Return the canonical identifiers (``RFC5246``, ``X.1901``, ``ISO 27001``...) found in ``text``."""
    found: set[str] = set()
    if not text or not _DIGIT.search(text):  # every identifier has a digit; most titles none
        return found
    for pattern, kind in _ID_PATTERNS:
        for match in pattern.finditer(text):
            found.update(_canonical(kind, match, text))
    return found


# A word by which a document says it revises another, or is revised by it: "updates RFC 2616",
# "obsoletes RFCs 1034 and 1035", "cancels and replaces ISO 31-5", "is an update to", "remplace la
# CEI 60050", "sustituye a", "заменяет ИСО 9001", "تحل محل", "代替". Stems rather than verb forms: on
# the RFC data, read with stems, the stated relation weighs more in the fit, and held out (leave one
# set out) ranks better (rfc R@1 0.580 against 0.563-0.567 with verb forms only, bench/README.md),
# though "echo cancellers" and "updated guidance" are read as statements too. Chinese words stand
# without word boundaries: the script has no spaces, and a number may follow at once ("代替ISO 9001").
_REVISES = re.compile(
    r"\b(?:updat|obsolet|replac|supersed|revis|amend|cancel"
    r"|remplac|annul|met(?:tent)? à jour|modifi|sustitu|reemplaz|actualiz|deroga"
    r"|замен|обновл|отмен|пересм|محل|تحديث|يلغي|تلغي)\w*"
    r"|代替|取代|更新|修订|废止",
    re.IGNORECASE,
)
_REVISED_SPAN = 160  # characters after the word, at most to the sentence's end


def revised_identifiers(text: str) -> set[str]:
    """The identifiers ``text`` says it revises (updates, obsoletes, replaces...) or is revised by:
    those quoted after such a word, in the same sentence."""
    found: set[str] = set()
    if not text or not _DIGIT.search(text):
        return found
    for verb in _REVISES.finditer(text):
        span = text[verb.end() : verb.end() + _REVISED_SPAN]
        end = _SENTENCE_END.search(span)
        found |= identifiers(span[: end.start()] if end else span)
    return found


def own_identifiers(doc_id: str) -> set[str]:
    """Return the identifiers a document carries by its own id.

    An id the patterns do not recognise is still an identifier (upper-cased, blanks collapsed),
    so that another document quoting it verbatim is linked to it.
    """
    found = identifiers(doc_id)
    if not found and doc_id.strip():
        found.add(" ".join(doc_id.upper().split()))
    return found


def carried_identifiers(doc_id: str, also: tuple[str, ...] = ()) -> set[str]:
    """The identifiers a document carries by its id and by the other names it goes by."""
    found = own_identifiers(doc_id)
    for name in also:
        found |= own_identifiers(name)
    return found


def strip_boilerplate(text: str) -> str:
    """Drop the sentences that describe the document's status rather than its subject."""
    if not text:
        return ""
    sentences = _SENTENCE_END.split(text)
    return " ".join(s for s in sentences if s and not _BOILERPLATE.search(s))


def fold(word: str) -> str:
    """Fold a lower-case word to a crude singular, so "networks" meets "network"."""
    if len(word) > 4 and word[-1] == "s" and word[-2] not in "su'":
        if word.endswith("ies"):
            return word[:-3] + "y"
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Return English stop words plus the boilerplate vocabulary of standards documents."""
    return frozenset(fold(w) for w in ENGLISH_STOP_WORDS) | stop_words_of_documents()


@lru_cache(maxsize=1)
def stop_words_of_documents() -> frozenset[str]:
    """The boilerplate vocabulary of standards documents ("specification", "recommendation"...)."""
    data = resources.files(__package__).joinpath("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(fold(w) for w in (line.strip().lower() for line in data.splitlines())
                     if w and not w.startswith("#"))


class WordAnalyzer:
    """Turn a text into folded word unigrams and bigrams, stop words removed.

    A class rather than a closure so that a fitted vectoriser pickles. Tokens without a letter
    (bare numbers) are dropped: numbers are handled by the identifier feature, and as words they
    would link every document that cites the same RFC.
    """

    def __init__(self, ngram_max: int = 2) -> None:
        self.ngram_max = ngram_max

    def __call__(self, text: str) -> list[str]:
        stops = stop_words()
        words = [
            w for w in (fold(t) for t in _TOKEN.findall(text.lower()))
            if len(w) > 1 and w not in stops and not w.replace("-", "").isdigit()
        ]
        grams = list(words)
        for n in range(2, self.ngram_max + 1):
            grams.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
        return grams


class CharAnalyzer:
    """Character n-grams within words, as scikit-learn's ``char_wb`` analyzer makes them.

    Each lower-cased word is padded with a space on both sides, so n-grams mark word starts
    and ends; a word shorter than n yields itself, padded, once.
    """

    def __init__(self, low: int = 3, high: int = 5) -> None:
        self.low, self.high = low, high

    def __call__(self, text: str) -> list[str]:
        grams: list[str] = []
        for word in text.lower().split():
            padded = f" {word} "
            size = len(padded)
            for n in range(self.low, self.high + 1):
                if n > size:
                    break
                grams.extend(padded[i : i + n] for i in range(size - n + 1))
                if n == size:
                    break
        return grams


def normalise_keyword(keyword: str) -> str:
    """Return the comparable form of a keyword: lower case, folded words, single spaces."""
    return " ".join(fold(t) for t in _TOKEN.findall(keyword.lower()))


def normalise_title(title: str) -> str:
    """Return a title as compared by the fuzzy title score: lower case words, no punctuation."""
    return " ".join(_TOKEN.findall(title.lower()))


# Words that say which body, series or framework a title belongs to rather than what it is about.
# ITU-T and ISO/IEC publish one text under titles that differ in these only: "Transport service
# definition for Open Systems Interconnection for CCITT applications" (X.214) is "Information
# processing systems - Open Systems Interconnection - Transport service definition" (ISO 8072).
_TITLE_FRAME = re.compile(
    r"\b(?:information technology|information processing systems?|data processing"
    r"|telecommunications and information exchange between systems|open systems interconnection|osi"
    r"|for (?:ccitt|itu-t) applications|recommendations?|international standards?|itu-[tr]|ccitt|iso|iec)\b",
    re.IGNORECASE,
)
_TITLE_PART = re.compile(r"\bpart\s*(\d+(?:-\d+)*)\s*:?", re.IGNORECASE)
# Where a title's segments meet: "Series - Part 3: Subject", "Series -- Subject", "Series: Subject".
_TITLE_SEGMENT = re.compile(r"\s+[-\u2013\u2014]+\s+|\s*--\s*|:(?:\s+|$)")


@dataclass(frozen=True)
class TitleCore:
    """What a title says once its framing is set aside: its subject words, the words of its last
    segment (a part's own title, as "Versatile video coding" in "Coded representation of immersive
    media - Part 3: Versatile video coding"), the part number it states, if any, and its head: the
    subject words of each segment before a preposition that attaches another subject ("Security
    Mechanism Agreement" in "Security Mechanism Agreement for the Session Initiation Protocol")."""

    words: frozenset[str] = frozenset()
    tail: frozenset[str] = frozenset()
    part: str = ""
    head: frozenset[str] = frozenset()


# Function words only: English stop-word lists hold words that name a subject in a title ("system",
# "interface"), and "Systems" against "Video" is what tells parts 1 and 2 of MPEG-2 apart.
_TITLE_STOPS = frozenset(["a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "its", "of", "on", "or",
                          "over", "the", "their", "to", "under", "using", "via", "with"])


@lru_cache(maxsize=1)
def _title_stops() -> frozenset[str]:
    return _TITLE_STOPS | stop_words_of_documents()


# Where a title's head ends: the subject after one of these is another one that the head is for,
# in or over ("of" is not one: "Coding of audio-visual objects" is one subject).
_HEAD_ENDS = frozenset(["for", "in", "over", "with", "using", "via", "on", "by", "from", "into", "under", "to"])


def _subject_words(tokens: list[str]) -> frozenset[str]:
    stops = _title_stops()
    # A token of word characters that is not all digits (after its hyphens) has a letter in it.
    return frozenset(w for w in map(fold, tokens)
                     if len(w) > 1 and w not in stops and not w.replace("-", "").replace("'", "").isdigit())


def _head(tokens: list[str]) -> list[str]:
    end = next((i for i, t in enumerate(tokens) if i and t in _HEAD_ENDS), len(tokens))
    return tokens[:end]


def title_core(title: str) -> TitleCore:
    """The :class:`TitleCore` of a title."""
    parts = _TITLE_PART.findall(title)
    # Framing phrases never straddle a segment boundary, so the title's words are its segments'.
    segments = [_TOKEN.findall(_TITLE_FRAME.sub(" ", segment).lower())
                for segment in _TITLE_SEGMENT.split(_TITLE_PART.sub(" : ", title))]
    words = [_subject_words(tokens) for tokens in segments]
    tail = next((w for w in reversed(words) if w), frozenset())
    head = frozenset().union(*(_subject_words(_head(tokens)) for tokens in segments))
    return TitleCore(frozenset().union(*words), tail, parts[-1] if parts else "", head)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def title_match(a: TitleCore, b: TitleCore) -> float:
    """How far two titles say the same once framing is set aside, in [0, 1].

    The Jaccard overlap of their subject words, or of one title's subject words with the other's
    last segment when that says more (a part's own title against a title without parts); 0 when
    both state a part number and the numbers differ (part 2 of a series is not part 1). A segment
    of one word is not compared alone: "Systems" or "Security" names no subject by itself.
    """
    if a.part and b.part and a.part != b.part:
        return 0.0
    best = _jaccard(a.words, b.words)
    if len(b.tail) > 1:
        best = max(best, _jaccard(a.words, b.tail))
    if len(a.tail) > 1:
        best = max(best, _jaccard(a.tail, b.words))
    return best


def _within(subject: frozenset[str], own: TitleCore, other: TitleCore) -> float:
    """The share of ``subject`` (words of ``own``) found in another title: its head words in the
    other's head, the words it attaches with "for", "in"... anywhere in the other; 0 for a subject
    of one word or one larger than the other title's (the shorter title is the one that lies within).
    Two titles of one shape ("PICS proforma for the Directory System Protocol" and its twin's
    "... -- Part 2") keep what each is for on the same side, where the head alone scored them 7/8.
    A head of one word names no subject ("Moving ... to Historic"): then every word must be in the
    other's head."""
    if not 1 < len(subject) <= len(other.words):
        return 0.0
    head = subject & own.head
    if len(head) < 2:
        head = subject
    return (len(head & other.head) + len((subject - head) & other.words)) / len(subject)


def title_within(a: TitleCore, b: TitleCore) -> float:
    """How far one title's whole subject is the head of the other's, in [0, 1].

    One body often names a subject in fewer words than the other: "Transport protocol ..." (X.224)
    is "Connection oriented transport protocol ..." (ISO 8073), and "Advanced video coding for
    generic audiovisual services" (H.264) is headed by all of "Part 10: Advanced Video Coding" (ISO/IEC
    14496-10). The Jaccard overlap of :func:`title_match` counts the added words against the pair
    (0.5), nearly as much as the one word a series sibling changes ("Presentation protocol ...": 0.33).
    Only the other's head counts for the shorter title's head: "Session Initiation Protocol" lies
    within "Security Mechanism Agreement for the Session Initiation Protocol", but as what that is
    for, not as what it is (an extension of a protocol is not the protocol); what the shorter title
    is for may lie anywhere in the other. Subjects of one word are not compared (a word names
    no subject alone), nor last segments of two ("General requirements": a heading, not a subject);
    differing part numbers rule a match out, as in :func:`title_match`.
    """
    if a.part and b.part and a.part != b.part:
        return 0.0
    best = max(_within(a.words, a, b), _within(b.words, b, a))
    if len(b.tail) > 2:
        best = max(best, _within(b.tail, b, a))
    if len(a.tail) > 2:
        best = max(best, _within(a.tail, a, b))
    return best
