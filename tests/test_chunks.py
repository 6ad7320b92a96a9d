"""The pure parts of chunked transcription: where to cut, what was left unheard, how passes merge."""

import itertools

from voiceprep.schema import Word
from voiceprep.transcribe import (
    chunk_spans,
    gap_places,
    merge_filled_pauses,
    sure_of,
    unheard_speech,
    unheard_stretches,
)

SR = 16000


def s(seconds: float) -> int:
    return int(seconds * SR)


def test_short_audio_is_one_chunk() -> None:
    assert chunk_spans([(s(1), s(5))], s(20)) == [(0, s(20))]
    assert chunk_spans([], 0) == []


def test_long_audio_is_cut_in_pauses_and_chunks_do_not_overlap() -> None:
    spans = [(s(k * 6), s(k * 6 + 5)) for k in range(10)]  # 5 s of speech every 6 s, 60 s in all
    chunks = chunk_spans(spans, s(60), max_chunk_s=25)
    assert len(chunks) >= 3
    assert all(e - b <= s(25) for b, e in chunks)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(chunks))
    # every stretch of speech lies whole inside one chunk
    for b, e in spans:
        assert any(cb <= b and e <= ce for cb, ce in chunks)


def test_speech_longer_than_a_chunk_is_still_covered() -> None:
    chunks = chunk_spans([(0, s(60))], s(60), max_chunk_s=25)
    assert chunks[0][0] == 0 and chunks[-1][1] == s(60)
    assert all(e - b <= s(25) for b, e in chunks)


def word(text: str, start: float, end: float) -> Word:
    return Word(text=text, start=start, end=end)


def test_unheard_stretches_find_skipped_speech_inside_a_chunk() -> None:
    spans = [(s(0), s(10))]
    words = [word("a", 0.0, 0.5), word("b", 0.6, 1.0), word("c", 8.0, 8.5)]
    assert unheard_stretches(spans, words, 0, s(10)) == [(s(1.3), s(7.7)), (s(8.8), s(10))]
    assert unheard_speech(spans, s(5), s(20)) == s(5)
    # a gap shorter than a second is a pause, not skipped speech
    close = [word("a", 0.0, 4.5), word("b", 5.2, 9.9)]
    assert unheard_stretches(spans, close, 0, s(10)) == []


def test_merge_takes_words_from_the_plain_pass_and_pauses_from_the_prompted_one() -> None:
    plain = [word("Montreal", 0.0, 0.6), word("uh", 0.7, 0.9), word("forced", 1.5, 2.0)]
    prompted = [word("Montreal,", 0.0, 0.6), word("um,", 0.7, 1.0), word("uh,", 1.0, 1.4), word("forced", 1.5, 2.0)]
    merged = merge_filled_pauses(plain, prompted)
    assert [w.text for w in merged] == ["Montreal", "um,", "uh,", "forced"]


def test_a_filled_pause_is_placed_by_the_words_around_it_not_by_its_time() -> None:
    # Whisper timed the "Um" said after "a year." at 29.0 s, inside "480 milliseconds".
    plain = [
        word("from", 28.5, 28.8),
        word("480", 28.8, 29.4),
        word("milliseconds", 29.4, 30.2),
        word("a", 36.6, 36.8),
        word("year.", 36.8, 37.2),
        word("We", 37.9, 38.1),
    ]
    prompted = [
        word("from", 28.5, 28.8),
        word("480", 28.8, 29.0),
        word("milliseconds", 29.2, 30.2),
        word("a", 36.6, 36.8),
        word("year.", 36.8, 37.0),
        word("Um,", 29.0, 29.3),
        word("we", 37.9, 38.1),
    ]
    merged = merge_filled_pauses(plain, prompted)
    assert [w.text for w in merged] == ["from", "480", "milliseconds", "a", "year.", "Um,", "We"]
    um = merged[5]
    assert 37.2 <= um.start <= um.end <= 37.9


def test_a_filled_pause_never_lands_inside_a_plain_word() -> None:
    plain = [word("we", 0.0, 0.3), word("shipped", 0.3, 1.2), word("it", 1.3, 1.5)]
    # no neighbour to align by: its own time picks the gap, and it is moved out of the word
    merged = merge_filled_pauses(plain, [word("uh", 0.5, 0.9)])
    for filler in (w for w in merged if w.text == "uh"):
        for w in plain:
            assert filler.end <= w.start or filler.start >= w.end
    assert [w.text for w in merged] in (["we", "shipped", "uh", "it"], ["we", "uh", "shipped", "it"])


def test_a_hesitation_inside_a_number_does_not_split_it() -> None:
    from voiceprep.analysis import analyze_text

    found = analyze_text("we cut it from 480, um, milliseconds to 95 milliseconds", None, "typed").numbers
    assert [(n.kind, n.from_value, n.value) for n in found] == [("change", 480, 95)]


def test_a_term_only_the_prompted_pass_heard_replaces_the_plain_words_in_its_place() -> None:
    from helpers import words_from
    from voiceprep.transcribe import take_terms

    plain = words_from("we added a cash in front of the model")
    prompted = words_from("um we added a cache in front of the model")
    out = take_terms(plain, prompted, ("cache", "p99"))
    assert [w.text for w in out] == ["we", "added", "a", "cache", "in", "front", "of", "the", "model"]
    cash = next(w for w in plain if w.text == "cash")
    cache = next(w for w in out if w.text == "cache")
    assert (cache.start, cache.end) == (cash.start, cash.end)  # in the plain word's time
    # a word that is not a term is the plain pass's to decide
    assert take_terms(plain, words_from("we added a catch in front of the model"), ("cache",)) == plain
    # and without a vocabulary nothing changes
    assert take_terms(plain, prompted, ()) == plain


def test_the_prompted_pass_brings_its_terms_and_its_filled_pauses_to_the_plain_words() -> None:
    from helpers import words_from
    from voiceprep.transcribe import with_prompted

    plain = words_from("we added a cash in front of the model")
    prompted = words_from("um we added a cache in front of the model")
    out = with_prompted(plain, prompted, ("cache",))
    assert [w.text for w in out] == ["um", "we", "added", "a", "cache", "in", "front", "of", "the", "model"]
    assert [w.text for w in with_prompted(plain, prompted, ())][:5] == ["um", "we", "added", "a", "cash"]


def test_a_term_of_several_words_may_replace_a_different_number_of_words() -> None:
    from helpers import words_from
    from voiceprep.transcribe import take_terms

    plain = words_from("we run back in for every night")
    prompted = words_from("we run batch inference every night")
    out = take_terms(plain, prompted, ("batch inference",))
    assert " ".join(w.text for w in out) == "we run batch inference every night"
    assert all(a.end <= b.start for a, b in itertools.pairwise(out))
    # half of a term is not the term
    assert take_terms(plain, words_from("we run batch in for every night"), ("batch inference",)) == plain
    # a whole other sentence is not a slip to settle
    long_plain = words_from("one two three four five six")
    assert take_terms(long_plain, words_from("cache seven eight nine ten eleven"), ("cache",)) == long_plain


def test_a_figure_the_plain_pass_wrote_is_never_lost_to_a_term() -> None:
    from helpers import words_from
    from voiceprep.transcribe import take_terms

    # eSpeak NG's "Training took 6 hours on 8 GPUs": the prompted pass heard "a GPU", the plain "8 feet per use"
    plain = words_from("training took six hours on 8 feet per use")
    out = take_terms(plain, words_from("training took six hours on a GPU"), ("GPU",))
    assert " ".join(w.text for w in out) == "training took six hours on 8 GPU"
    eight = next(w for w in plain if w.text == "8")
    assert next(w for w in out if w.text == "8") == eight  # in its own time
    assert next(w for w in out if w.text == "GPU").start == plain[6].start  # in the time of "feet per use"
    # at the end of the place too
    plain = words_from("we hit the cash 40 times")
    out = take_terms(plain, words_from("we hit the cache for times"), ("cache",))
    assert " ".join(w.text for w in out) == "we hit the cache 40 times"
    # a figure inside the place that the prompted words there do not hold: the plain words stay
    plain = words_from("we cut the cash 40 fold later")
    assert take_terms(plain, words_from("we cut the cache fourfold later"), ("cache",)) == plain
    # other digits there (eSpeak NG's West Midlands voice: "B-19s" and "p99"): the prompted pass, told the term, decides
    out = take_terms(words_from("the B-19s stayed low"), words_from("the p99 stayed low"), ("p99",))
    assert " ".join(w.text for w in out) == "the p99 stayed low"
    # the same digits: the term is taken as before
    out = take_terms(words_from("the B 95 latency was high"), words_from("the p95 latency was high"), ("p95",))
    assert " ".join(w.text for w in out) == "the p95 latency was high"


def test_filled_pauses_of_the_plain_pass_stay_when_a_term_is_taken() -> None:
    from helpers import words_from
    from voiceprep.transcribe import take_terms

    plain = words_from("um we added a cash")
    out = take_terms(plain, words_from("we added a cache"), ("cache",))
    assert [w.text for w in out] == ["um", "we", "added", "a", "cache"]


def test_a_decoding_is_sure_of_its_words_when_their_mean_probability_reaches_the_threshold() -> None:
    words = [
        Word(text="We", start=0.0, end=0.2, probability=0.9),
        Word(text="um,", start=0.2, end=0.5, probability=0.01),  # a filled pause does not count
        Word(text="shipped", start=0.5, end=0.9, probability=0.8),
    ]
    assert sure_of(words, 0.85)
    assert not sure_of(words, 0.86)
    assert sure_of(words, 0.0)
    assert not sure_of([], 0.0)  # no words: nothing to be sure of
    assert not sure_of(words[1:2], 0.0)  # only a hesitation


def test_a_filled_pause_could_hide_in_any_gap_of_a_fifth_of_a_second_not_beside_one_already_found() -> None:
    words = [
        Word(text="So", start=0.5, end=0.7),  # 0.5 s after the window's start: a place
        Word(text="we", start=0.8, end=0.9),  # 0.1 s: too short for an "um"
        Word(text="shipped", start=1.4, end=1.8),  # 0.5 s: a place
        Word(text="um,", start=2.3, end=2.6),  # a filled pause written already
        Word(text="the", start=3.2, end=3.3),  # beside it: not searched again
        Word(text="model.", start=3.5, end=3.9),  # exactly 0.2 s: a place
    ]
    assert gap_places(words, 0.0) == [(0, 0.0, 0.5), (2, 0.9, 1.4), (5, 3.3, 3.5)]
    assert gap_places(words, 0.4) == [(2, 0.9, 1.4), (5, 3.3, 3.5)]  # the window starts just before "So"
    assert gap_places([], 0.0) == []
