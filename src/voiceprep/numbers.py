"""Numbers as a speaker says them, and whether they quantify an outcome.

Handles digits as Whisper writes them ("480ms", "$0.18", "40%", "1,000", "p99") and
numbers in words ("four hundred and eighty", "three point five", "half a million",
"a dozen"), with units, money, percentiles and ranges or changes ("from 480 to 95
milliseconds"). Each mention gets a ``kind``, a ``value`` and whether it is a quantified
outcome (a percentage, a cost, a latency, a before-and-after) or an incidental number
("two teams", "Llama 3").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .schema import NumberMention
from .tokens import Token, without_filled_pauses

UNITS_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS_WORDS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
SUFFIX_SCALES = {"k": 1_000, "m": 1_000_000, "mm": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000}

_DIGITS = re.compile(
    r"^(?P<cur>[$£€])?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)"
    r"(?P<suf>%|x|k|m|mm|bn|b|ms|s|sec|secs|gb|mb|tb|kb|p|h|hrs|rps|qps)?$",
    re.IGNORECASE,
)
_PERCENTILE = re.compile(r"^p(?P<num>\d{1,2}(?:\.\d+)?)$", re.IGNORECASE)
_ORDINAL_DIGITS = re.compile(r"^\d+(st|nd|rd|th)$", re.IGNORECASE)
_DECADE = re.compile(r"^(?P<num>1[89]\d0|20\d0)'?s$", re.IGNORECASE)
_DIGIT_RANGE = re.compile(r"^(?P<a>\d+(?:\.\d+)?)[-–](?P<b>\d+(?:\.\d+)?)$")
# "the mid-90s", "low 20s", "high-80s": a range around a round number (not a decade: see _DECADE)
_ROUGH_RANGE = re.compile(r"^(?P<where>low|mid|high)[- ]?(?P<num>[1-9]0)'?s$", re.IGNORECASE)
ROUGH_PART = {"low": (0, 3), "mid": (4, 6), "high": (7, 9)}

# unit word -> (kind, canonical unit, multiplier into that unit)
UNIT_WORDS: dict[str, tuple[str, str, float]] = {
    "percent": ("percent", "%", 1),
    "per-cent": ("percent", "%", 1),
    "%": ("percent", "%", 1),
    "ms": ("duration", "ms", 1),
    "millisecond": ("duration", "ms", 1),
    "milliseconds": ("duration", "ms", 1),
    "microseconds": ("duration", "ms", 0.001),
    "s": ("duration", "s", 1),
    "sec": ("duration", "s", 1),
    "secs": ("duration", "s", 1),
    "second": ("duration", "s", 1),
    "seconds": ("duration", "s", 1),
    "minute": ("duration", "min", 1),
    "minutes": ("duration", "min", 1),
    "mins": ("duration", "min", 1),
    "h": ("duration", "h", 1),
    "hrs": ("duration", "h", 1),
    "hour": ("duration", "h", 1),
    "hours": ("duration", "h", 1),
    "day": ("duration", "days", 1),
    "days": ("duration", "days", 1),
    "week": ("duration", "weeks", 1),
    "weeks": ("duration", "weeks", 1),
    "month": ("duration", "months", 1),
    "months": ("duration", "months", 1),
    "year": ("duration", "years", 1),
    "years": ("duration", "years", 1),
    "sprint": ("duration", "sprints", 1),
    "sprints": ("duration", "sprints", 1),
    "x": ("multiplier", "x", 1),
    "times": ("multiplier", "x", 1),
    "fold": ("multiplier", "x", 1),
    "kb": ("size", "KB", 1),
    "mb": ("size", "MB", 1),
    "gb": ("size", "GB", 1),
    "tb": ("size", "TB", 1),
    "kilobytes": ("size", "KB", 1),
    "megabytes": ("size", "MB", 1),
    "gigabytes": ("size", "GB", 1),
    "terabytes": ("size", "TB", 1),
    "gigs": ("size", "GB", 1),
    "tokens": ("size", "tokens", 1),
    "parameters": ("size", "parameters", 1),
    "params": ("size", "parameters", 1),
    "dollars": ("money", "USD", 1),
    "dollar": ("money", "USD", 1),
    "bucks": ("money", "USD", 1),
    "cents": ("money", "USD", 0.01),
    "cent": ("money", "USD", 0.01),
    "pounds": ("money", "GBP", 1),
    "pound": ("money", "GBP", 1),
    "quid": ("money", "GBP", 1),
    "grand": ("money", "GBP", 1000),
    "pence": ("money", "GBP", 0.01),
    "p": ("money", "GBP", 0.01),
    "pee": ("money", "GBP", 0.01),
    "euros": ("money", "EUR", 1),
    "euro": ("money", "EUR", 1),
    "qps": ("rate", "per second", 1),
    "rps": ("rate", "per second", 1),
    "basis": ("percent", "%", 0.01),
}
# Nouns that make a count a measured quantity rather than an incidental one.
METRIC_NOUNS = {
    "users",
    "customers",
    "requests",
    "queries",
    "examples",
    "samples",
    "rows",
    "records",
    "inferences",
    "predictions",
    "conversations",
    "calls",
    "tickets",
    "transactions",
    "documents",
    "labels",
    "images",
    "events",
    "sessions",
    "incidents",
    "errors",
    "messages",
    "orders",
    "applications",
    "points",
    "clicks",
    "visits",
    "downloads",
    "subscribers",
    "accounts",
    "members",
    "patients",
    "merchants",
    "products",
    "items",
    "pages",
    "jobs",
    "experiments",
    "deployments",
    "alerts",
    "claims",
    "payments",
    "loans",
    "devices",
    "vehicles",
    "files",
}
# What a decimal measures when it is said bare: "0.82 AUC", "0.91 F1".
SCORE_NAMES = {"auc", "auroc", "f1", "accuracy", "precision", "recall", "ndcg", "mrr", "bleu", "rouge", "perplexity"}
# Whisper writes a decimal's last "two" as a word: "point eight two AUC" as "0.8 to AUC".
TWO_HEARD_AS = {"to", "too", "two"}
INCIDENTAL_NOUNS = {"teams", "people", "engineers", "models", "features", "things", "steps", "ways", "levers", "layers"}
# Verbs that say by how much something changed.
CHANGE_MULTIPLIERS = {"doubled": 2.0, "tripled": 3.0, "quadrupled": 4.0, "tenfold": 10.0, "halved": 0.5}
# "a day", "an hour": the periods a rate is given per without "per"
RATE_PERIODS = {"second", "minute", "hour", "day", "week", "month", "quarter", "year"}
# Words that hedge a figure without changing it: "from about 480 to under 95 milliseconds".
APPROXIMATELY = {
    "about", "around", "roughly", "approximately", "nearly", "almost", "under", "below", "over", "above",
    "just", "only", "barely", "well", "less", "more", "fewer", "than", "a", "little", "bit",
}  # fmt: skip
# Words between the two sides of a change: "from nine hours all the way down to two".
DIRECTION = {"down", "up", "all", "the", "way", "right", "back"}
QUANTIFIED_KINDS = {"percent", "money", "duration", "size", "multiplier", "rate", "change", "range"}
CHANGE_VERBS = {
    "reduced",
    "reduce",
    "cut",
    "increased",
    "increase",
    "improved",
    "improve",
    "dropped",
    "lowered",
    "raised",
    "grew",
    "saved",
    "boosted",
    "decreased",
    "shrank",
    "went",
}


def starts_number(word: str) -> bool:
    """Whether a normalised word can open a number (used by the filler rules)."""
    head = word.split("-")[0]
    return bool(
        (head in UNITS_WORDS and head != "one") or head in TENS_WORDS or _DIGITS.match(word) or _PERCENTILE.match(word)
    )


@dataclass
class _Parsed:
    value: float
    end: int  # index after the last token used
    kind: str = "plain"
    unit: str | None = None
    digits: bool = False
    from_value: float | None = None
    joinable: bool = True  # can open a range or change ("3x to 5x"); "doubled" cannot


class _Norms:
    """The tokens' normalised words, read where they are.

    A number is parsed at every token; copying every word for each parse made a long answer
    quadratic (the earnings-call transcripts joined, 31,607 words, took 65 s; now 0.2 s).
    """

    def __init__(self, tokens: list[Token]) -> None:
        self._tokens = tokens

    def __len__(self) -> int:
        return len(self._tokens)

    def __getitem__(self, i: int) -> str:
        return self._tokens[i].norm


def _word_number(tokens: list[Token], i: int) -> _Parsed | None:
    """A number in words starting at tokens[i]: 'four hundred and eighty', 'half a million'."""
    n = len(tokens)
    words = _Norms(tokens)
    # "a dozen", "a hundred", "a thousand", "half a million"
    if words[i] in {"a", "an"} and i + 1 < n and (words[i + 1] in SCALES or words[i + 1] == "dozen"):
        if words[i + 1] == "dozen":
            return _Parsed(value=12, end=i + 2)
        return _extend_scale(tokens, i + 2, float(SCALES[words[i + 1]]))
    if words[i] == "half" and i + 2 < n and words[i + 1] in {"a", "an"} and words[i + 2] in SCALES:
        return _Parsed(value=SCALES[words[i + 2]] / 2, end=i + 3)

    total = 0
    current = 0
    last: str | None = None  # what the previous word was: unit, teen, tens, year, scale, and
    j = i
    while j < n:
        parts = words[j].split("-")
        ok = True
        for part in parts:
            if part in UNITS_WORDS and UNITS_WORDS[part] < 10:
                ok = last in {None, "tens", "year", "scale", "and"}
                if ok:
                    current += UNITS_WORDS[part]
                    last = "unit"
            elif part in UNITS_WORDS or part in TENS_WORDS:
                value = UNITS_WORDS.get(part, TENS_WORDS.get(part, 0))
                kind = "teen" if part in UNITS_WORDS else "tens"
                if last in {None, "scale", "and"}:
                    current += value
                    last = kind
                elif last in {"teen", "tens"} and total == 0 and 10 <= current < 100:
                    # "nineteen ninety", "twenty twenty five": a year said in pairs
                    current = current * 100 + value
                    last = "year"
                else:
                    ok = False
            elif part in SCALES and last in {"unit", "teen", "tens", "scale"} and last is not None:
                scale = SCALES[part]
                if scale == 100:
                    ok = current < 100 and last != "scale"
                    current *= 100
                else:
                    total += current * scale
                    current = 0
                last = "scale"
            elif part == "dozen" and last in {"unit", "teen", "tens"}:
                current *= 12
                last = "scale"
            else:
                ok = False
            if not ok:
                break
        if not ok:
            break
        j += 1
        if tokens[j - 1].clause_end:
            break
        if (
            j + 1 < n
            and words[j] == "and"
            and last == "scale"
            and (words[j + 1].split("-")[0] in UNITS_WORDS or words[j + 1].split("-")[0] in TENS_WORDS)
        ):
            last = "and"
            j += 1
        elif j + 1 < n and words[j] == "point" and last in {"unit", "teen", "tens"} and words[j + 1] in UNITS_WORDS:
            # "three point five": decimal digits follow one by one
            k = j + 1
            digits = ""
            while k < n and words[k] in UNITS_WORDS and UNITS_WORDS[words[k]] < 10:
                digits += str(UNITS_WORDS[words[k]])
                k += 1
                if tokens[k - 1].clause_end:
                    break
            return _Parsed(value=total + current + float("0." + digits), end=k)
    if j == i:
        return None
    if j == i + 1 and words[i] == "one":
        # "one" alone is usually a pronoun ("the one that", "one of them"): the caller
        # keeps it only when a unit follows.
        return _Parsed(value=1, end=j, kind="weak")
    return _Parsed(value=float(total + current), end=j)


def _rate_tail(tokens: list[Token], k: int) -> str | None:
    """What a rate is per, when tokens[k:k+2] say it: "per request", "a day", "an hour"."""
    if k + 1 >= len(tokens) or tokens[k - 1].clause_end:
        return None
    word, what = tokens[k].norm, tokens[k + 1].norm
    if word == "per" and what.isalpha() and what not in UNITS_WORDS and what not in TENS_WORDS:
        return what
    if word in {"a", "an"} and what in RATE_PERIODS:
        return what
    return None


def _extend_scale(tokens: list[Token], j: int, value: float) -> _Parsed:
    words = _Norms(tokens)
    while j < len(words) and words[j] in SCALES and SCALES[words[j]] > value:
        value *= SCALES[words[j]]
        j += 1
    return _Parsed(value=value, end=j)


def _digit_number(tokens: list[Token], i: int) -> _Parsed | None:
    raw = tokens[i].raw.strip("\"'()[]").rstrip(".,;:!?-")
    m = _PERCENTILE.match(raw)
    if m:
        return _Parsed(value=float(m["num"]), end=i + 1, kind="percentile", unit="p", digits=True)
    m = _ORDINAL_DIGITS.match(raw)
    if m:
        return _Parsed(value=float(raw[: -len(m[1])]), end=i + 1, kind="ordinal", digits=True)
    m = _DECADE.match(raw)
    if m:
        return _Parsed(value=float(m["num"]), end=i + 1, kind="year", digits=True)
    m = _ROUGH_RANGE.match(raw)
    if m:
        low, high = ROUGH_PART[m["where"].lower()]
        base = float(m["num"])
        return _Parsed(value=base + high, end=i + 1, kind="range", digits=True, from_value=base + low)
    m = _DIGIT_RANGE.match(raw)
    if m:
        # "10-15": a range written in one word
        return _Parsed(value=float(m["b"]), end=i + 1, kind="range", digits=True, from_value=float(m["a"]))
    m = _DIGITS.match(raw)
    if not m:
        return None
    value = float(m["num"].replace(",", ""))
    parsed = _Parsed(value=value, end=i + 1, digits=True)
    cur = m["cur"]
    suf = (m["suf"] or "").lower()
    if (
        re.fullmatch(r"\d+\.\d", m["num"])  # "point eight", and "two" to come
        and not cur
        and not suf
        and i + 2 < len(tokens)
        and tokens[i + 1].norm in TWO_HEARD_AS
        and not tokens[i].clause_end
        and not tokens[i + 1].clause_end
        and (tokens[i + 2].norm in SCORE_NAMES or tokens[i + 2].norm in UNIT_WORDS)
    ):
        # "0.8 to AUC": no range runs from a figure to a name, so the "to" was the last digit
        parsed.value, parsed.end = float(m["num"] + "2"), i + 2
        return parsed
    if cur:
        parsed.kind = "money"
        parsed.unit = {"$": "USD", "£": "GBP", "€": "EUR"}[cur]
        if suf in SUFFIX_SCALES:
            parsed.value *= SUFFIX_SCALES[suf]
    elif suf in SUFFIX_SCALES:
        # "10k" requests, "8B" parameters, "3M" users: a scale, not a unit
        parsed.value *= SUFFIX_SCALES[suf]
    elif suf:
        kind, unit, mult = UNIT_WORDS[suf]
        parsed.kind, parsed.unit = kind, unit
        parsed.value *= mult
    # "2 million", "1.5 thousand"
    j = i + 1
    while j < len(tokens) and tokens[j].norm in SCALES and not tokens[j - 1].sentence_end:
        parsed.value *= SCALES[tokens[j].norm]
        j += 1
    parsed.end = j
    # Whisper writes "four hundred and eighty" as "400 and 80", sometimes "400, and 80"; the
    # comma is allowed only where the second part carries a unit ("80 milliseconds").
    if (
        parsed.kind == "plain"
        and parsed.value >= 100
        and parsed.value % 100 == 0
        and j + 1 < len(tokens)
        and tokens[j].norm == "and"
    ):
        nxt = _DIGITS.match(tokens[j + 1].raw.rstrip(".,;:!?"))
        unit_follows = bool(nxt and nxt["suf"]) or (
            j + 2 < len(tokens) and not tokens[j + 1].clause_end and tokens[j + 2].norm in UNIT_WORDS
        )
        if tokens[j - 1].clause_end and not unit_follows:
            nxt = None
        if nxt and not nxt["cur"] and 0 < float(nxt["num"].replace(",", "")) < 100 and "." not in nxt["num"]:
            parsed.value += float(nxt["num"])
            parsed.end = j + 2
            suf2 = (nxt["suf"] or "").lower()
            if suf2 and suf2 in UNIT_WORDS:
                kind, unit, mult = UNIT_WORDS[suf2]
                parsed.kind, parsed.unit = kind, unit
    return parsed


# A share said as a fraction: "cut it by a third", "two thirds of the tickets". ("Half" is left
# out: "half the time", "half of the team" are manners of speaking more often than figures.)
FRACTIONS = {"third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}


def _fraction(tokens: list[Token], i: int) -> _Parsed | None:
    """ "by a third", "two thirds of", "a quarter of": a share, as a percentage; "in a quarter" is a time."""
    n = len(tokens)
    # the tokens' own words, not a list of every word: this is asked at every word of an answer
    if i + 1 >= n or tokens[i + 1].norm not in FRACTIONS or tokens[i].clause_end:
        return None
    count = 1 if tokens[i].norm in {"a", "one"} else UNITS_WORDS.get(tokens[i].norm, 0)
    whole = FRACTIONS[tokens[i + 1].norm]
    said_as_share = (i > 0 and tokens[i - 1].norm == "by") or (i + 2 < n and tokens[i + 2].norm == "of")
    if not (said_as_share and 0 < count < whole):
        return None
    return _Parsed(value=float(f"{100 * count / whole:.4g}"), end=i + 2, kind="percent", unit="%")


def _compound(tokens: list[Token], i: int) -> _Parsed | None:
    """A figure and its unit written as one word: "a 3-month project", "a 10-fold cut", "a 5-point
    lift", "a two-week sprint", "sub-100 milliseconds"."""
    from dataclasses import replace

    token = tokens[i]
    head, _, tail = token.norm.rpartition("-")
    raw_head, _, raw_tail = token.raw.strip(",;:!?.\"'()").rpartition("-")
    if head == "sub" and tail:  # a bound: "sub-100 milliseconds" is under 100 ms
        return _parse([*tokens[:i], replace(token, raw=raw_tail, norm=tail), *tokens[i + 1 :]], i)
    unit = tail if tail in UNIT_WORDS else tail + "s" if tail + "s" in METRIC_NOUNS else None
    if not head or unit is None:
        return None
    figure = replace(token, raw=raw_head, norm=head, clause_end=False, sentence_end=False)
    named = replace(token, raw=unit, norm=unit, sentence_start=False, clause_start=False)
    parsed = _parse([*tokens[:i], figure, named], i)
    if parsed is None or parsed.end != i + 2 or parsed.kind in {"plain", "year"}:
        return None
    parsed.end = i + 1
    return parsed


def _merged_token(a: Token, b: Token) -> Token:
    return Token(
        f"{a.raw}-{b.raw}",
        f"{a.norm}-{b.norm}",
        a.start,
        b.end,
        a.sentence_start,
        a.clause_start,
        b.clause_end,
        b.sentence_end,
    )


def _parse(tokens: list[Token], i: int) -> _Parsed | None:
    """A number with its unit starting at tokens[i], or None."""
    words = _Norms(tokens)
    n = len(tokens)
    # "p ninety five", "p 99"
    if words[i] == "p" and i + 1 < n and not tokens[i].clause_end:
        inner = _digit_number(tokens, i + 1) or _word_number(tokens, i + 1)
        if inner is not None and inner.kind == "plain" and 1 <= inner.value < 100:
            return _Parsed(value=inner.value, end=inner.end, kind="percentile", unit="p", digits=inner.digits)
        return None
    # "we doubled throughput", "it cut costs in half": a change said as a verb
    if words[i] in CHANGE_MULTIPLIERS:
        return _Parsed(value=CHANGE_MULTIPLIERS[words[i]], end=i + 1, kind="multiplier", unit="x", joinable=False)
    if words[i] == "half" and i > 0 and words[i - 1] in {"in", "by"} and not tokens[i - 1].clause_end:
        return _Parsed(value=0.5, end=i + 1, kind="multiplier", unit="x", joinable=False)
    if words[i] in ROUGH_PART and i + 1 < n and not tokens[i].clause_end:
        # "the mid 90s" said as two words: one range
        rough = _ROUGH_RANGE.match(f"{words[i]}-{words[i + 1]}")
        if rough:
            parsed = _digit_number([_merged_token(tokens[i], tokens[i + 1])], 0)
            if parsed is not None:
                parsed.end = i + 2
                return parsed
    share = _fraction(tokens, i)
    if share is not None:
        return share
    if "-" in words[i] and not _DIGIT_RANGE.match(words[i]) and not _ROUGH_RANGE.match(words[i]):
        compound = _compound(tokens, i)
        if compound is not None:
            return compound
    parsed = _digit_number(tokens, i) or _word_number(tokens, i)
    if parsed is None:
        return None
    if parsed.kind == "percentile":
        return parsed
    j = parsed.end
    last = tokens[j - 1]
    if parsed.kind in {"plain", "weak", "range"} and j < n and not last.clause_end:
        w = words[j]
        if w == "per" and j + 1 < n and words[j + 1] == "cent":
            parsed.kind, parsed.unit, parsed.end = "percent", "%", j + 2
        elif w == "percentage" and j + 1 < n and words[j + 1] in {"point", "points"}:
            parsed.kind, parsed.unit, parsed.end = "percent", "pp", j + 2  # a difference of percentages
        elif w == "basis" and j + 1 < n and words[j + 1] == "points":
            parsed.kind, parsed.unit, parsed.end = "percent", "%", j + 2
            parsed.value *= 0.01
        elif w in UNIT_WORDS and not (w == "p" and j + 1 < n and starts_number(words[j + 1])):
            kind, unit, mult = UNIT_WORDS[w]
            if w in {"x", "times"} and parsed.digits is False and parsed.value == 1:
                return None
            parsed.kind = "range" if parsed.kind == "range" else kind
            parsed.unit, parsed.end = unit, j + 1
            parsed.value *= mult
            if parsed.from_value is not None:
                parsed.from_value *= mult
        elif w in METRIC_NOUNS or w in INCIDENTAL_NOUNS:
            parsed.kind = "range" if parsed.kind == "range" else "count"
            parsed.unit, parsed.end = w, j + 1
    # rates: "2,000 requests per second", "50,000 times a day", "200 a day"
    per = _rate_tail(tokens, parsed.end)
    if per is not None:
        # the unit stays ("£4 per day", "2,000 requests per second"), but "times a day" is a frequency
        head = f"{parsed.unit} " if parsed.unit and parsed.unit != "x" else ""
        parsed.kind, parsed.unit, parsed.end = "rate", f"{head}per {per}", parsed.end + 2
    if parsed.kind == "weak":
        return None
    if (
        parsed.kind == "plain"
        and parsed.unit is None
        and 1900 <= parsed.value <= 2100
        and parsed.value == int(parsed.value)
    ):
        raw = tokens[i].raw
        if "," not in raw:
            parsed.kind = "year"
    return parsed


def _one_in(tokens: list[Token], first: _Parsed) -> _Parsed | None:
    """ "one in eight (tickets)", "2 in 3 users": a share, as a percentage of the whole."""
    n, end = len(tokens), first.end
    if not (first.kind == "plain" and first.unit is None and first.value == int(first.value) and first.value >= 1):
        return None
    if end + 1 >= n or tokens[end].norm != "in" or tokens[end - 1].clause_end or tokens[end].clause_end:
        return None
    whole = _parse(tokens, end + 1)
    if whole is None or whole.kind not in {"plain", "count"} or whole.value <= first.value:
        return None
    share = float(f"{100 * first.value / whole.value:.4g}")  # 12.5%, 33.33%, 0.0001%: not every decimal of a third
    return _Parsed(value=share, end=whole.end, kind="percent", unit="%")


def _mention(tokens: list[Token], i: int, j: int, p: _Parsed, kind: str | None = None) -> NumberMention:
    kind = kind or p.kind
    text = " ".join(t.raw.strip(",;:!?\"'") for t in tokens[i:j]).rstrip(".")
    quantified = kind in QUANTIFIED_KINDS or (kind == "count" and p.unit in METRIC_NOUNS)
    return NumberMention(
        text=text,
        start=tokens[i].start,
        end=tokens[j - 1].end,
        kind=kind,  # type: ignore[arg-type]
        value=round(p.value, 6),
        from_value=None if p.from_value is None else round(p.from_value, 6),
        unit=p.unit,
        quantified=quantified,
    )


def find_numbers(tokens: list[Token]) -> list[NumberMention]:
    """Every number in the token stream, ranges and changes merged into one mention.

    Filled pauses are passed over: "from 480, um, milliseconds" is one number.
    """
    tokens = without_filled_pauses(tokens)
    out: list[NumberMention] = []
    words = _Norms(tokens)
    n = len(tokens)
    i = 0
    while i < n:
        parsed = _parse(tokens, i)
        # "one" alone is mostly a pronoun, but not in "one in eight"
        opening = parsed or (_Parsed(value=1.0, end=i + 1) if words[i] == "one" else None)
        ratio = _one_in(tokens, opening) if opening is not None else None
        if ratio is not None:
            out.append(_mention(tokens, i, ratio.end, ratio))
            i = ratio.end
            continue
        if parsed is None:
            i += 1
            continue
        start = i
        end = parsed.end
        # "from A to B", "A to B", "between A and B", and said loosely: "from about 480 down to under 95"
        before = start
        while (
            before > 0
            and start - before < 2
            and words[before - 1] in APPROXIMATELY
            and not tokens[before - 1].clause_end
        ):
            before -= 1
        opener = words[before - 1] if before > 0 else ""
        at = end
        while opener == "from" and at < n and at - end < 4 and words[at] in DIRECTION and not tokens[at - 1].clause_end:
            at += 1
        # what was measured, named after the first figure: "from 60% accuracy to 85%", "from 0.7 AUC to 0.82"
        named = at
        while opener == "from" and named < n and named - at < 2 and words[named] not in {"to", "and"}:
            if tokens[named].clause_end or tokens[named - 1].clause_end or _parse(tokens, named) is not None:
                break
            named += 1
        side: _Parsed | None = None  # the far side, where it was read already to see past the metric
        if named > at and named < n and words[named] == "to" and not tokens[named - 1].clause_end:
            side = _parse(tokens, named + 1)
            if side is not None and side.unit in (parsed.unit, None) and "year" not in (side.kind, parsed.kind):
                at = named
            else:
                side = None
        joiner = words[at] if at < n and not tokens[at - 1].sentence_end else ""
        if joiner in {"to", "and"} and at + 1 < n and parsed.joinable:
            second = side if side is not None else _parse(tokens, at + 1)
            after = at + 1
            while second is None and after < n and after - at <= 3 and words[after] in APPROXIMATELY:
                after += 1
                second = _parse(tokens, after) if after < n else None
            if second is not None and (joiner == "to" or opener == "between") and _comparable(parsed.unit, second.unit):
                start = before
                unit = second.unit or parsed.unit
                kind_b = second.kind if second.kind not in {"plain", "year"} else parsed.kind
                is_change = opener == "from" or (start > 1 and words[start - 2] in CHANGE_VERBS)
                s = start - 1 if opener in {"from", "between"} else start
                # each side in its own unit: "from 1.5 seconds to 200 milliseconds" is 1,500 ms → 200 ms
                first = convert(parsed.value, parsed.unit, unit) if parsed.unit else parsed.value
                merged = _Parsed(value=second.value, end=second.end, kind=kind_b, unit=unit)
                m = _mention(tokens, s, second.end, merged, "change" if is_change else "range")
                m = m.model_copy(update={"unit": unit, "from_value": round(first, 6)})
                out.append(m)
                i = second.end
                continue
        out.append(_mention(tokens, start, end, parsed))
        i = end
    return out


# How many of the smallest unit of each family one unit holds, for converting between them.
UNIT_SCALE: dict[str, tuple[str, float]] = {
    "ms": ("time", 1),
    "s": ("time", 1_000),
    "min": ("time", 60_000),
    "h": ("time", 3_600_000),
    "days": ("time", 86_400_000),
    "weeks": ("time", 7 * 86_400_000),
    "KB": ("bytes", 1),
    "MB": ("bytes", 1_000),
    "GB": ("bytes", 1_000_000),
    "TB": ("bytes", 1_000_000_000),
    "USD": ("USD", 1),
    "GBP": ("GBP", 1),
    "EUR": ("EUR", 1),
}


def _comparable(a: str | None, b: str | None) -> bool:
    """Whether two figures can be the two sides of one change or range: "by 50%, to 40 ms" are not,
    "from 2 seconds to 300 milliseconds" and "from £4,000 to £1,000 a month" are."""
    if a is None or b is None:
        return True
    a, b = a.partition(" per ")[0], b.partition(" per ")[0]
    if a == b or not a or not b:
        return True
    if a in UNIT_SCALE and b in UNIT_SCALE:
        return UNIT_SCALE[a][0] == UNIT_SCALE[b][0]
    # a unit of measure (ms, GB, £, %, x) pairs only with its own kind; two counted things pair as said
    return not (a in UNIT_SCALE or b in UNIT_SCALE or a in {"%", "x", "p", "pp"} or b in {"%", "x", "p", "pp"})


def convert(value: float, unit: str | None, into: str | None) -> float:
    """``value`` in ``unit`` expressed in ``into``; unchanged when the two do not convert."""
    if unit == into or unit not in UNIT_SCALE or into not in UNIT_SCALE:
        return value
    (family, scale), (family_into, scale_into) = UNIT_SCALE[unit], UNIT_SCALE[into]
    return value * scale / scale_into if family == family_into else value


def _amount(value: float, unit: str | None) -> str:
    # every decimal that was said (values are kept to six places): "11.5 pence" is £0.115, not
    # £0.12, and "a p-value of 0.001" is not 0
    number = f"{value:,.6f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if unit in {"USD", "GBP", "EUR"}:
        symbol = {"USD": "$", "GBP": "£", "EUR": "€"}[unit]
        cents = number.partition(".")[2]
        return f"{symbol}{number}{'0' if len(cents) == 1 else ''}"
    if unit == "%":
        return f"{number}%"
    if unit == "x":
        return f"{number}x"
    if unit == "p":
        return f"p{number}"
    return f"{number} {unit}" if unit else number


def describe(mention: NumberMention) -> str:
    """A number as a reader wants it: '480 ms → 95 ms', '30%', '$0.04', '2,000,000 transactions'."""
    if mention.value is None:
        return mention.text
    if mention.kind == "year":
        return str(int(mention.value))
    # a rate's unit is "GBP per day": the amounts in their own unit, then what they are per
    unit, _, per = (mention.unit or "").partition(" per ")
    shown = _amount(mention.value, unit or None)
    if mention.from_value is not None:
        arrow = "→" if mention.kind == "change" else "to"
        shown = f"{_amount(mention.from_value, unit or None)} {arrow} {shown}"
    return f"{shown} per {per}" if per else shown
