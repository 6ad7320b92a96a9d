import pytest

from helpers import toks
from voiceprep.numbers import describe, find_numbers
from voiceprep.tokens import from_words
from voiceprep.transcribe import join_pieces


def one(text: str):
    found = find_numbers(toks(text))
    assert len(found) == 1, [(n.text, n.kind) for n in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit"),
    [
        ("It took 480ms.", "duration", 480, "ms"),
        ("It took 480 ms.", "duration", 480, "ms"),
        ("a 40% cut", "percent", 40, "%"),
        ("a 40 % cut", "percent", 40, "%"),
        ("forty percent", "percent", 40, "%"),
        ("forty per cent", "percent", 40, "%"),
        ("it cost $0.18", "money", 0.18, "USD"),
        ("eighteen cents", "money", 0.18, "USD"),
        ("four pounds", "money", 4, "GBP"),
        ("£4", "money", 4, "GBP"),
        ("three point five x faster", "multiplier", 3.5, "x"),
        ("3.5x faster", "multiplier", 3.5, "x"),
        ("about 2,000 requests per second", "rate", 2000, "requests per second"),
        ("50,000 times a day", "rate", 50000, "per day"),
        ("10k users", "count", 10000, "users"),
        ("a dozen", "plain", 12, None),
        ("half a million", "plain", 500000, None),
        ("two thousand and nineteen", "year", 2019, None),
        ("in 2019", "year", 2019, None),
        ("twenty twenty five", "year", 2025, None),
        ("four hundred and eighty", "plain", 480, None),
        ("400 and 80 milliseconds", "duration", 480, "ms"),
        ("p ninety five", "percentile", 95, "p"),
        ("our p99", "percentile", 99, "p"),
        ("8B parameters", "size", 8e9, "parameters"),
        ("two gigabytes", "size", 2, "GB"),
        ("three weeks", "duration", 3, "weeks"),
        ("fifty basis points", "percent", 0.5, "%"),
        ("up twelve percentage points", "percent", 12, "pp"),
        ("a 3-month project", "duration", 3, "months"),
        ("a two-week sprint", "duration", 2, "weeks"),
        ("a 10-fold cut", "multiplier", 10, "x"),
        ("a 5-point lift", "count", 5, "points"),
        ("sub-100 milliseconds", "duration", 100, "ms"),
        ("we doubled throughput", "multiplier", 2, "x"),
        ("we halved the latency", "multiplier", 0.5, "x"),
        ("it cut costs in half", "multiplier", 0.5, "x"),
        ("£30k a year", "rate", 30000, "GBP per year"),
        ("twenty pence per request", "rate", 0.2, "GBP per request"),
    ],
)
def test_number_forms(text: str, kind: str, value: float, unit: str | None) -> None:
    n = one(text)
    assert n.kind == kind
    assert n.value == pytest.approx(value)
    assert n.unit == unit


def test_from_to_is_one_change_with_the_shared_unit() -> None:
    n = one("we cut it from 480 to 95 milliseconds")
    assert (n.kind, n.value, n.unit, n.quantified) == ("change", 95, "ms", True)
    assert n.text == "from 480 to 95 milliseconds"


def test_whisper_split_hundreds_rejoin_only_with_a_unit() -> None:
    n = one("we cut it from 400, and 80 milliseconds to 95 milliseconds")
    assert (n.kind, n.value, n.unit) == ("change", 95, "ms")
    assert n.text == "from 400 and 80 milliseconds to 95 milliseconds"
    found = find_numbers(toks("we had 400, and 80 of them failed"))
    assert [n.value for n in found] == [400, 80]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("from 480ms to 95ms", "480 ms → 95 ms"),
        ("from $0.18 to $0.04", "$0.18 → $0.04"),
        ("between 1,000 and 10,000 examples", "1,000 examples to 10,000 examples"),
        ("forty percent", "40%"),
        ("three point five x", "3.5x"),
        ("p ninety five", "p95"),
        ("two million transactions", "2,000,000 transactions"),
        ("four pounds", "£4"),
        ("four pounds a day", "£4 per day"),
        ("2k requests per second", "2,000 requests per second"),
        ("50,000 times a day", "50,000 per day"),
        ("£30k a year", "£30,000 per year"),
        ("twenty pence per request", "£0.20 per request"),
        ("five per cent", "5%"),
        ("from 11.5 pence to 4.2 pence", "£0.115 → £0.042"),
        ("$0.0018 per token", "$0.0018 per token"),
        ("£2.5 million", "£2,500,000"),
        ("a p-value of 0.001", "0.001"),
        ("3.25x faster", "3.25x"),
        ("two thousand and nineteen", "2019"),
    ],
)
def test_describe(text: str, shown: str) -> None:
    assert describe(one(text)) == shown


def test_spelled_change() -> None:
    n = one("from four hundred and eighty milliseconds to ninety five milliseconds")
    assert (n.kind, n.value, n.unit) == ("change", 95, "ms")


def test_a_change_said_as_a_verb_does_not_open_a_range() -> None:
    found = find_numbers(toks("we cut it by half, to 40 ms, and half of the team moved"))
    assert [(n.kind, n.value, n.unit) for n in found] == [("multiplier", 0.5, "x"), ("duration", 40, "ms")]
    assert find_numbers(toks("a half marathon and a double espresso")) == []


def test_money_change() -> None:
    n = one("from $0.18 to $0.04 per conversation")
    assert (n.kind, n.value, n.from_value, n.unit) == ("change", 0.04, 0.18, "USD per conversation")
    assert describe(n) == "$0.18 → $0.04 per conversation"


@pytest.mark.parametrize(
    ("text", "start", "end", "unit"),
    [
        ("response time went from nine hours to under two, and she was happy", 9, 2, "h"),
        ("latency went from 480 ms to about 95", 480, 95, "ms"),
        ("it went from about 480 milliseconds all the way down to 95", 480, 95, "ms"),
        ("from 2 seconds down to 300 milliseconds", 2000, 300, "ms"),
        ("the error rate fell from 12% to below 3%", 12, 3, "%"),
        ("we went from £4,000 to a little under £1,000 a month", 4000, 1000, "GBP per month"),
        ("from 5 to a hundred", 5, 100, None),
        ("we went from 60% accuracy to 85%", 60, 85, "%"),
        ("it went from 0.7 AUC to 0.82 AUC", 0.7, 0.82, None),
    ],
)
def test_a_change_said_loosely_is_still_one_change(text: str, start: float, end: float, unit: str | None) -> None:
    n = one(text)
    assert (n.kind, n.from_value, n.value, n.unit) == ("change", start, end, unit)


@pytest.mark.parametrize(
    ("text", "share", "shown"),
    [
        ("the model got one in eight tickets wrong", 12.5, "12.5%"),
        ("about two in three users came back", 66.67, "66.67%"),
        ("one in a million requests failed", 0.0001, "0.0001%"),
    ],
)
def test_one_in_n_is_a_share(text: str, share: float, shown: str) -> None:
    n = one(text)
    assert (n.kind, n.value, n.quantified) == ("percent", share, True)
    assert describe(n) == shown


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("it cut the cost by a third", 33.33),
        ("about two thirds of the tickets", 66.67),
        ("a quarter of the traffic went to the small model", 25),
    ],
)
def test_a_fraction_said_as_a_share(text: str, share: float) -> None:
    n = one(text)
    assert (n.kind, n.value, n.unit) == ("percent", share, "%")


@pytest.mark.parametrize("text", ["we shipped it in a quarter", "the third quarter of the year", "our third model"])
def test_a_fraction_word_that_is_no_share(text: str) -> None:
    assert all(n.kind != "percent" for n in find_numbers(toks(text)))


def test_figures_of_different_kinds_are_never_one_range() -> None:
    for text in ("we cut it by 50%, to 40 ms", "we cut latency by two thirds, to 40 ms"):
        found = find_numbers(toks(text))
        assert [(n.kind, n.unit) for n in found] == [("percent", "%"), ("duration", "ms")], text


def test_a_figure_in_another_clause_does_not_end_a_change() -> None:
    found = find_numbers(toks("we went from 60% accuracy, to 85% after the rewrite"))
    assert [n.kind for n in found] == ["percent", "percent"]
    assert [n.kind for n in find_numbers(toks("from 2019 onwards to 2021"))] == ["year", "year"]
    assert [n.kind for n in find_numbers(toks("from 2019 data to 5 models"))] == ["year", "count"]


@pytest.mark.parametrize("text", ["we have one in production", "we hired one in 2019", "it was one in a row"])
def test_one_in_something_else_is_no_share(text: str) -> None:
    assert all(n.kind != "percent" for n in find_numbers(toks(text)))


def test_between_is_a_range() -> None:
    n = one("between 1,000 and 10,000 examples")
    assert (n.kind, n.value, n.unit) == ("range", 10000, "examples")


@pytest.mark.parametrize(
    "text",
    [
        "I like the one that worked.",
        "One of the models.",
        "No numbers here at all.",
        "a model",
        "the second time",
        "a one-off job",
        "a state-of-the-art model",
    ],
)
def test_no_number(text: str) -> None:
    assert find_numbers(toks(text)) == []


@pytest.mark.parametrize("text", ["two teams", "Llama 3", "a dozen", "in 2019", "our p99"])
def test_incidental_numbers_are_not_quantified(text: str) -> None:
    assert not one(text).quantified


@pytest.mark.parametrize("text", ["40%", "$0.18", "480ms", "3x", "10k users", "three weeks"])
def test_outcomes_are_quantified(text: str) -> None:
    assert one(text).quantified


def test_several_numbers_in_order_with_offsets() -> None:
    text = "We moved 70% of traffic, saved $4,000 a month, and two teams helped."
    found = find_numbers(toks(text))
    assert [n.kind for n in found] == ["percent", "rate", "count"]
    assert text[int(found[0].start) : int(found[0].end)] == "70%"
    assert found[1].value == 4000 and found[1].unit == "USD per month"
    assert describe(found[1]) == "$4,000 per month"


def test_comma_separates_numbers() -> None:
    found = find_numbers(toks("two, three, four"))
    assert [n.value for n in found] == [2, 3, 4]


# Word pieces exactly as faster-whisper gave them for an eSpeak NG answer: a piece with no
# leading space continues the word before it.
PIECES = [
    (" from", 0.74, 1.22),
    (" 15", 1.22, 1.54),
    (".1", 1.54, 2.12),
    ("%", 2.12, 2.5),
    (" to", 2.5, 2.68),
    (" 12", 2.68, 3.02),
    (".4%,", 3.02, 4.3),
    (" we", 4.3, 4.54),
    (" reached", 4.54, 4.98),
    (" 627", 4.98, 6.14),
    (",000", 6.14, 7.0),
    (" subscribers", 7.0, 7.52),
    (" and", 7.52, 8.04),
    (" improved", 8.04, 8.4),
    (" 3", 8.4, 8.78),
    (".5", 8.78, 9.38),
    (" times", 9.38, 9.82),
    (" from", 9.82, 10.34),
    (" 1", 10.34, 10.54),
    (".2", 10.54, 11.06),
    (" seconds", 11.06, 11.52),
    (" to", 11.52, 11.96),
    (" 300", 11.96, 12.28),
    (" milliseconds", 12.28, 12.86),
    (" during", 12.86, 13.56),
    (" COVID", 13.56, 13.92),
    ("-19,", 13.92, 14.58),
    (" serving", 14.68, 15.0),
    (" 40", 15.0, 15.52),
    (",000", 15.52, 15.94),
    (" requests", 15.94, 16.34),
    (" a", 16.34, 16.64),
    (" second.", 16.64, 16.96),
    (" It", 17.42, 17.52),
    (" cost", 17.52, 17.76),
    (" $0", 17.76, 18.16),
    (".18", 18.16, 19.0),
    (" per", 19.0, 19.3),
    (" call", 19.3, 19.6),
    (" and", 19.6, 20.0),
    (" £4", 20.0, 20.48),
    (",000", 20.48, 20.82),
    (" a", 20.82, 20.96),
    (" month.", 20.96, 21.36),
    (" We", 21.64, 21.78),
    (" used", 21.78, 22.04),
    (" Llama", 22.04, 22.22),
    (" 3", 22.22, 22.54),
    (".1,", 22.54, 23.24),
    (" p95", 23.6, 23.84),
    (" in", 24.68, 24.96),
    (" the", 24.96, 25.16),
    (" mid", 25.16, 25.34),
    ("-90s.", 25.34, 25.7),
]


def test_word_pieces_join_into_whole_words_with_their_times() -> None:
    words = join_pieces([(text, start, end, 0.9) for text, start, end in PIECES])
    texts = [w.text for w in words]
    for whole in (
        "15.1%",
        "12.4%,",
        "627,000",
        "3.5",
        "1.2",
        "COVID-19,",
        "40,000",
        "$0.18",
        "£4,000",
        "3.1,",
        "mid-90s.",
    ):
        assert whole in texts
    assert not any(t[0] in ".,-%" for t in texts), texts
    fifteen = words[texts.index("15.1%")]
    assert (fifteen.start, fifteen.end) == (1.22, 2.5)
    assert " ".join(texts).startswith("from 15.1% to 12.4%, we reached 627,000 subscribers")


def test_joined_pieces_give_whole_numbers() -> None:
    words = join_pieces([(text, start, end, 0.9) for text, start, end in PIECES])
    found = {n.text: n for n in find_numbers(from_words(words))}
    assert (found["from 15.1% to 12.4%"].from_value, found["from 15.1% to 12.4%"].value) == (15.1, 12.4)
    assert found["627,000 subscribers"].value == 627_000 and found["627,000 subscribers"].quantified
    assert found["3.5 times"].value == 3.5 and found["3.5 times"].kind == "multiplier"
    change = found["from 1.2 seconds to 300 milliseconds"]
    assert (change.from_value, change.value, change.unit) == (1200, 300, "ms")
    assert found["40,000 requests a second"].value == 40_000
    assert found["$0.18 per call"].value == 0.18 and found["$0.18 per call"].unit == "USD per call"
    assert found["£4,000 a month"].value == 4000 and found["£4,000 a month"].unit == "GBP per month"
    llama = found["3.1"]
    assert llama.value == 3.1 and not llama.quantified  # a version, not an outcome
    assert (found["mid-90s"].kind, found["mid-90s"].from_value, found["mid-90s"].value) == ("range", 94, 96)
    assert not any(n.value in {0.1, 0.5, 0.2, 0.18, 19} and n.text.startswith(".") for n in found.values())
    assert "COVID-19" not in " ".join(found)  # a name, not a number


def test_a_leading_piece_without_a_space_starts_a_word() -> None:
    [word] = join_pieces([("-19", 0.0, 0.3, 0.5)])
    assert word.text == "-19"


@pytest.mark.parametrize(
    ("text", "shown", "from_value", "value", "unit"),
    [
        ("from 1.5 seconds to 200 milliseconds", "1,500 ms → 200 ms", 1500, 200, "ms"),
        ("from two minutes to 30 seconds", "120 s → 30 s", 120, 30, "s"),
        ("from 3 hours to 20 minutes", "180 min → 20 min", 180, 20, "min"),
        ("from 2 GB to 512 MB", "2,000 MB → 512 MB", 2000, 512, "MB"),
        ("from 200 milliseconds to 1.5 seconds", "0.2 s → 1.5 s", 0.2, 1.5, "s"),
        ("from 480 to 95 milliseconds", "480 ms → 95 ms", 480, 95, "ms"),
    ],
)
def test_a_change_converts_each_side_from_its_own_unit(
    text: str, shown: str, from_value: float, value: float, unit: str
) -> None:
    n = one(text)
    assert (n.kind, n.from_value, n.value, n.unit) == ("change", pytest.approx(from_value), value, unit)
    assert describe(n) == shown


@pytest.mark.parametrize(
    ("text", "low", "high"), [("in the mid-90s", 94, 96), ("the low 20s", 20, 23), ("the high-80s", 87, 89)]
)
def test_rough_ranges(text: str, low: float, high: float) -> None:
    n = one(text)
    assert (n.kind, n.from_value, n.value) == ("range", low, high)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        # tiny.en's reading of "point eight two AUC", heard so from four eSpeak NG voices
        ("The model scored 0.8 to AUC against the rules.", 0.82, None),
        ("It reached a 0.9 two F1 on the test set.", 0.92, None),
        ("It came down by 1.3 to seconds.", 1.32, "s"),
    ],
)
def test_a_decimals_last_two_written_as_a_word_is_read_back(text: str, value: float, unit: str | None) -> None:
    first = find_numbers(toks(text))[0]
    assert (first.value, first.unit) == (value, unit)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("It went from 0.8 to 0.9 AUC.", [0.9]),  # a change: a figure follows the "to"
        ("We needed an AUC of 0.8 to launch.", [0.8]),  # "to" before a verb
        ("Accuracy was 0.8, to AUC's credit.", [0.8]),  # a clause ends at the figure
        ("We moved from 2 to AUC as the metric.", [2.0]),  # a whole number has no last decimal
    ],
)
def test_a_to_after_a_decimal_stays_a_to_unless_a_score_or_unit_follows(text: str, values: list[float]) -> None:
    assert [n.value for n in find_numbers(toks(text))] == values


def test_a_decimal_with_two_places_takes_no_third_from_a_to() -> None:
    assert [n.value for n in find_numbers(toks("It scored 0.85 to AUC."))] == [0.85]
