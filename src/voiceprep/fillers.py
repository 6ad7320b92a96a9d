"""Filler words, decided by context: "I like it" is not a filler, "it was, like, slow" is.

Precision comes first: a coach that invents fillers loses the user's trust faster than one
that misses a few, so every discourse filler needs positive evidence from its context.
"""

from __future__ import annotations

from .schema import Filler
from .tokens import FILLED_PAUSE, Token

# um, uh, er, erm, ah, hm, hmm. Not "mm" or "mhm": a back-channel "yes", or how Whisper
# writes a word cut off after its first sound ("m- Montreal").

# Words after which "like" is a verb, a preposition or a comparison, never a filler.
_LIKE_BEFORE = {
    "i",
    "you",
    "we",
    "they",
    "he",
    "she",
    "it",
    "who",
    "would",
    "i'd",
    "we'd",
    "you'd",
    "they'd",
    "do",
    "does",
    "did",
    "don't",
    "didn't",
    "doesn't",
    "to",
    "really",
    "look",
    "looks",
    "looked",
    "looking",
    "seem",
    "seems",
    "seemed",
    "feel",
    "feels",
    "felt",
    "sound",
    "sounds",
    "sounded",
    "something",
    "anything",
    "nothing",
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "just",
    "more",
    "less",
    "much",
    "exactly",
    "things",
    "stuff",
    "not",
    "people",
    "also",
    "might",
    "will",
    "can",
    "could",
    "should",
    "may",
    "always",
    "never",
    "still",
    "very",
    "lot",
    "most",
}
_DETERMINERS = {
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "what",
    "which",
    "some",
    "any",
    "every",
    "each",
    "one",
    "same",
    "different",
    "other",
    "another",
    "all",
    "no",
    "our",
    "my",
    "your",
    "their",
    "its",
    "his",
    "her",
    "first",
    "new",
    "right",
    "wrong",
}
_KNOW_OBJECT = {
    "what",
    "how",
    "that",
    "the",
    "a",
    "an",
    "where",
    "when",
    "why",
    "who",
    "whether",
    "if",
    "about",
    "him",
    "her",
    "them",
    "it",
    "this",
    "those",
    "these",
    "your",
    "my",
}
_KNOW_SUBJECT_BEFORE = {"do", "did", "if", "don't", "didn't", "would", "as", "could", "you'd", "to", "let"}
_SO_NOT_FILLER_NEXT = {"that", "far", "much", "many", "long", "few", "little"}
_ALWAYS = {"basically", "literally"}


def _filler(tokens: list[Token], i: int, j: int, kind: str) -> Filler:
    text = " ".join(t.norm for t in tokens[i:j])
    return Filler(text=text, start=tokens[i].start, end=tokens[j - 1].end, kind=kind)  # type: ignore[arg-type]


def _is_number_like(token: Token) -> bool:
    from .numbers import starts_number

    return starts_number(token.norm)


_COPULAS = {"is", "was", "are", "were", "be", "been", "it's", "that's", "he's", "she's", "'s"}
# After "like", words that show it is a filler rather than a comparison ("like putty").
_FILLER_NEXT = {
    "really",
    "very",
    "so",
    "super",
    "totally",
    "just",
    "literally",
    "basically",
    "actually",
    "um",
    "uh",
    "you",
    "i",
    "we",
    "they",
    "he",
    "she",
    "it",
    "there",
    "maybe",
    "about",
}


def _like(tokens: list[Token], i: int) -> bool:
    """'like' as a filler, decided by the words around it, not by Whisper's commas."""
    prev = tokens[i - 1] if i > 0 else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    nxt_is_number = nxt is not None and _is_number_like(nxt)
    nxt_signals = nxt is not None and (nxt.norm in _FILLER_NEXT or FILLED_PAUSE.match(nxt.norm) is not None)
    if prev is not None and prev.norm in _COPULAS:
        # "MFA is like putty" compares; "it was like really slow" hesitates
        return nxt_signals or nxt_is_number
    if prev is not None and prev.norm in _LIKE_BEFORE:
        # "I like", "would like", "looks like" - unless a past-tense verb follows, which
        # the verb "like" cannot take: "we like shipped it"
        return nxt is not None and len(nxt.norm) > 4 and nxt.norm.endswith("ed")
    if nxt_is_number:
        # "we saved like forty percent": an approximation the speaker should state plainly
        return prev is None or prev.norm not in _DETERMINERS
    if prev is None or tokens[i].sentence_start:
        return nxt_signals or tokens[i].clause_end  # "Like, we..." opening a sentence
    if nxt_signals:
        return True
    # Mid-clause, set off on both sides: "we, like, shipped it".
    return tokens[i].clause_start and tokens[i].clause_end


def _you_know(tokens: list[Token], i: int) -> bool:
    you, know = tokens[i], tokens[i + 1]
    prev = tokens[i - 1] if i > 0 else None
    nxt = tokens[i + 2] if i + 2 < len(tokens) else None
    if prev is not None and not you.clause_start and prev.norm in _KNOW_SUBJECT_BEFORE:
        return False
    if know.clause_end:
        return not know.sentence_end or you.clause_start  # "..., you know," or "You know."
    if you.clause_start and nxt is not None and nxt.norm not in _KNOW_OBJECT:
        return True
    return False


def _i_mean(tokens: list[Token], i: int) -> bool:
    i_tok, mean = tokens[i], tokens[i + 1]
    prev = tokens[i - 1] if i > 0 else None
    if prev is not None and not i_tok.clause_start and prev.norm in {"what", "do", "did", "if", "as", "that"}:
        return False
    return mean.clause_end and not mean.sentence_end


def _sort_of(tokens: list[Token], i: int) -> bool:
    prev = tokens[i - 1] if i > 0 else None
    nxt = tokens[i + 2] if i + 2 < len(tokens) else None
    if prev is not None and prev.norm in _DETERMINERS:
        return False  # "the kind of model", "what sort of data"
    if nxt is not None and nxt.norm in {"thing", "things"}:
        return False
    if tokens[i].clause_start and prev is not None and nxt is None:
        return False
    return True


def _so(tokens: list[Token], i: int) -> bool:
    """'So' as a filler: opening the answer (after a hesitation too), or set off by commas mid-sentence.

    A sentence that starts "So, I rolled back" uses it as a link to what came before, and
    counting that would flag fluent speech. After a hesitation mid-answer, "so I rolled
    back" still means "therefore": the hesitation is the filler, not the "so".
    """
    tok = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is None or not tok.clause_start or nxt.norm in _SO_NOT_FILLER_NEXT:
        return False
    if i == 0 or (i == 1 and FILLED_PAUSE.match(tokens[0].norm)):
        return True  # "So, ..." or "Um, so ..." opening the answer
    return tok.clause_end and not tok.sentence_start


def _clause_initial_adverb(tokens: list[Token], i: int) -> bool:
    """'Well, ...', 'Actually, ...': opening a clause and set off from it, not closing a sentence."""
    tok = tokens[i]
    return tok.clause_start and tok.clause_end and not tok.sentence_end


def find_fillers(tokens: list[Token]) -> list[Filler]:
    """Every filler in the token stream, in order."""
    out: list[Filler] = []
    i = 0
    n = len(tokens)
    while i < n:
        word = tokens[i].norm
        nxt = tokens[i + 1].norm if i + 1 < n else ""
        if FILLED_PAUSE.match(word):
            out.append(_filler(tokens, i, i + 1, "filled_pause"))
        elif word == "you" and nxt == "know" and _you_know(tokens, i):
            out.append(_filler(tokens, i, i + 2, "discourse"))
            i += 2
            continue
        elif word == "i" and nxt == "mean" and _i_mean(tokens, i):
            out.append(_filler(tokens, i, i + 2, "discourse"))
            i += 2
            continue
        elif word in {"sort", "kind"} and nxt == "of" and _sort_of(tokens, i):
            out.append(_filler(tokens, i, i + 2, "discourse"))
            i += 2
            continue
        elif word == "like" and _like(tokens, i):
            out.append(_filler(tokens, i, i + 1, "discourse"))
        elif word in _ALWAYS:
            out.append(_filler(tokens, i, i + 1, "discourse"))
        elif word in {"actually", "honestly", "well"} and _clause_initial_adverb(tokens, i):
            out.append(_filler(tokens, i, i + 1, "discourse"))
        elif word == "so" and _so(tokens, i):
            out.append(_filler(tokens, i, i + 1, "discourse"))
        i += 1
    return out
