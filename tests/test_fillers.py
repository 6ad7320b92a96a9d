import pytest

from helpers import toks, twords
from voiceprep.fillers import find_fillers


def texts(sentence: str) -> list[str]:
    return [f.text for f in find_fillers(toks(sentence))]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Um, we shipped it in March.", ["um"]),
        ("We, uh, shipped it. Er, then hmm, we rolled back.", ["uh", "er", "hmm"]),
        ("Mmm. Then, mm, we rolled back. Mm-hmm, yes.", ["mmm", "mm"]),  # a hum hesitates; "mm-hmm" agrees
        ("Umm I think uhh yes. Erm, no.", ["umm", "uhh", "erm"]),
        ("I like Python.", []),
        ("We would like to ship it.", []),
        ("It looks like drift.", []),
        ("MFA is like putty.", []),
        ("MFA is, like, putty.", []),  # Whisper's commas do not make it a filler
        ("It was like a nightmare.", []),
        ("It was like really slow.", ["like"]),
        ("We, like, shipped it.", ["like"]),
        ("Montreal forest liner. Okay.", []),
        ("I really don't know how people talk like this.", []),
        ("It was, like, really slow.", ["like"]),
        ("Like, we had no labels.", ["like"]),
        ("We saved like forty percent.", ["like"]),
        ("You know, the data was stale.", ["you know"]),
        ("The data was stale, you know, for months.", ["you know"]),
        ("Do you know what drift is?", []),
        ("You know the answer already.", []),
        ("I mean, it worked.", ["i mean"]),
        ("That is what I mean.", []),
        ("It was kind of slow and sort of flaky.", ["kind of", "sort of"]),
        ("What kind of model did you use?", []),
        ("Basically we cached it. It literally halved the bill.", ["basically", "literally"]),
        ("So we rolled back.", ["so"]),
        ("We saw drift. So, I rolled back.", []),
        ("We saw drift, uh, so I rolled back.", ["uh"]),  # "so" means "therefore" here
        ("We saw drift so I rolled back.", []),
        ("We saw drift, uh, so, I mean, we rolled back.", ["uh", "so", "i mean"]),
        ("Um, so I was working on fraud.", ["um", "so"]),
        ("It was slow, so we cached it.", []),
        ("The model was so much better.", []),
        ("Um, so, we cached it.", ["um", "so"]),
        ("Actually, the labels were wrong.", ["actually"]),
        ("The labels were actually wrong.", []),
        ("Mhm, yes.", []),
        ("I hardly know her.", []),
    ],
)
def test_fillers_by_context(sentence: str, expected: list[str]) -> None:
    assert texts(sentence) == expected


def test_filler_times_come_from_word_timings() -> None:
    tokens = twords("We uh shipped it you know, on time")
    found = find_fillers(tokens)
    assert [f.text for f in found] == ["uh", "you know"]
    assert found[0].start == pytest.approx(0.4) and found[0].end == pytest.approx(0.76)
    # a two-word filler spans from its first word's start to its second word's end
    assert found[1].start == pytest.approx(1.6) and found[1].end == pytest.approx(2.36)
    assert found[0].kind == "filled_pause" and found[1].kind == "discourse"


def test_text_offsets_locate_fillers() -> None:
    text = "Well, um, it worked."
    found = find_fillers(toks(text))
    um = next(f for f in found if f.text == "um")
    assert text[int(um.start) : int(um.end)] == "um,"
