import pytest

from helpers import toks
from voiceprep.numbers import describe, find_numbers


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


def test_between_is_a_range() -> None:
    n = one("between 1,000 and 10,000 examples")
    assert (n.kind, n.value, n.unit) == ("range", 10000, "examples")


@pytest.mark.parametrize(
    "text",
    ["I like the one that worked.", "One of the models.", "No numbers here at all.", "a model", "the second time"],
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
