"""Terms heard by their sound: the distance between phoneme strings, the rewriting rules, and eSpeak NG itself."""

from collections.abc import Sequence

import pytest

from helpers import words_from
from voiceprep.sounds import Sounds, allowed, distance, espeak_phonemes, terms_by_sound


def text_of(words) -> str:
    return " ".join(w.text for w in words)


def test_a_vowel_or_a_voicing_slip_costs_half_a_step_any_other_sound_one() -> None:
    assert distance(("k", "a", "S"), ("k", "a", "S")) == 0
    assert distance(("d", "r", "I", "f", "t"), ("d", "r", "aa", "f", "t")) == 0.5  # drift, draft
    assert distance(("p", "i:"), ("b", "i:")) == 0.5
    assert distance(("b", "a", "tS"), ("m", "a", "tS")) == 1.0  # batch, match
    assert distance(("k", "a", "S"), ("k", "a", "S", "t")) == 1.0  # a consonant more
    assert distance(("k", "a", "S"), ("k", "a", "S", "@")) == 0.5  # a vowel more
    assert distance((), ("a", "b")) == 1.5


def test_short_terms_must_sound_exactly_alike_longer_ones_may_slip_a_little() -> None:
    assert [allowed(n) for n in (3, 5, 6, 8, 9, 11, 12)] == [0, 0, 0.5, 0.5, 1.0, 1.0, 1.5]


def fake(sounds: dict[str, str]):
    """A phonemizer from a table: each text's phonemes written with spaces between them."""

    def phonemize(texts: Sequence[str]):
        return [tuple(sounds[t.lower()].split()) for t in texts]

    return Sounds(phonemize)


SOUNDS = {
    "kubernetes": "k j u: b 3 n i: t s",
    "cuban": "k j u: b @ n",
    "eats": "i: t s",
    "cache": "k a S",
    "cash": "k a S",
    "we": "w i:",
    "run": "r V n",
    "it": "I t",
    "on": "0 n",
    "um": "V m",
    "drift": "d r I f t",
    "draft": "d r aa f t",
    "p95": "p i: n aI n t i f aI v",
    "p 95": "p i: n aI n t i f aI v",
    "b95": "b i: n aI n t i f aI v",
    "b99": "b i: n aI n t i n aI n",
    "hold": "h oU l d",
    "out": "aU t",
    "holdout": "h oU l d aU t",
    "the": "D @",
    "was": "w 0 z",
    "high": "h aI",
    "match": "m a tS",
    "inference": "I n f 3 r @ n s",
    "batch inference": "b a tS I n f 3 r @ n s",
    "batch": "b a tS",
    "a": "@",
    "feature store": "f i: tS 3 s t O@",
    "feature": "f i: tS 3",
    "store": "s t O@",
}


def test_words_that_sound_like_a_term_are_written_as_the_term_in_their_time() -> None:
    words = words_from("We run it on Cuban Eats.")
    out, rewritten = terms_by_sound(words, ["Kubernetes", "cache"], fake(SOUNDS))
    assert text_of(out) == "We run it on Kubernetes."  # the full stop stays
    assert rewritten == [("Cuban Eats.", "Kubernetes", words[4].start)]
    assert out[-1].start == words[4].start and out[-1].end == words[5].end
    # a sentence's first word keeps its capital
    out, _ = terms_by_sound(words_from("Match inference was high."), ["batch inference"], fake(SOUNDS))
    assert text_of(out) == "Batch inference was high."


def test_a_word_that_sounds_exactly_like_a_one_word_term_is_another_word_and_stays() -> None:
    """ "cash" for "cache": the prompted pass, told the term, chose with the sentence around it."""
    words = words_from("we run it on cash")
    assert terms_by_sound(words, ["cache"], fake(SOUNDS)) == (words, [])


def test_a_filled_pause_in_the_way_stays_where_it_was() -> None:
    words = words_from("on Cuban um Eats")
    out, _ = terms_by_sound(words, ["Kubernetes"], fake(SOUNDS))
    assert [w.text for w in out] == ["on", "Kubernetes", "um"] or [w.text for w in out] == ["on", "um", "Kubernetes"]
    assert any(w.text == "um" and w.start == words[2].start for w in out)


def test_a_word_one_sound_away_from_a_short_term_is_left_alone() -> None:
    words = words_from("the draft was high")
    assert terms_by_sound(words, ["drift"], fake(SOUNDS)) == (words, [])


def test_digits_are_never_changed_only_the_letters_around_them() -> None:
    out, _ = terms_by_sound(words_from("the B95 was high"), ["p95"], fake(SOUNDS))
    assert text_of(out) == "the p95 was high"
    words = words_from("the B99 was high")  # sounds close to p95, but 99 is not 95
    assert terms_by_sound(words, ["p95"], fake(SOUNDS)) == (words, [])


def test_a_term_written_in_pieces_is_joined_and_a_term_already_written_is_kept() -> None:
    out, _ = terms_by_sound(words_from("the hold out was high"), ["holdout"], fake(SOUNDS))
    assert text_of(out) == "the holdout was high"
    words = words_from("the cache was high")
    assert terms_by_sound(words, ["cache"], fake(SOUNDS)) == (words, [])
    words = words_from("the batch inference, was high")  # its comma too
    assert terms_by_sound(words, ["batch inference"], fake(SOUNDS)) == (words, [])
    words = words_from("we run a feature store.")  # nor is "a feature store" near enough to take
    assert terms_by_sound(words, ["feature store"], fake(SOUNDS)) == (words, [])


def test_no_stretch_runs_across_the_end_of_a_sentence() -> None:
    words = words_from("we run Cuban. Eats was high")
    assert terms_by_sound(words, ["Kubernetes"], fake(SOUNDS)) == (words, [])


def test_without_phonemes_or_a_vocabulary_nothing_changes() -> None:
    words = words_from("we run it on Cuban Eats")
    assert terms_by_sound(words, ["Kubernetes"], Sounds(lambda texts: None)) == (words, [])
    assert terms_by_sound(words, [], fake(SOUNDS)) == (words, [])


@pytest.mark.parametrize(
    ("said", "terms", "expected"),
    [
        ("We serve it on Cuban Eats every night.", ["Kubernetes"], "We serve it on Kubernetes every night."),
        ("We run match inference at night.", ["batch inference"], "We run batch inference at night."),
        ("We added a cash in front of it.", ["cache"], "We added a cash in front of it."),
        ("Fair learn showed the gap.", ["Fairlearn"], "Fairlearn showed the gap."),
        ("We watched the B95 latency.", ["p95"], "We watched the p95 latency."),
        # near, but a different word: a short term must sound exactly alike
        ("The draft was ready.", ["drift"], "The draft was ready."),
        ("I keep a shop of tools.", ["SHAP"], "I keep a shop of tools."),
        ("Laura led the review.", ["LoRA"], "Laura led the review."),
        ("The B99 latency was high.", ["p95"], "The B99 latency was high."),
    ],
)
def test_espeak_ng_tells_what_sounds_like_a_term(said: str, terms: list[str], expected: str) -> None:
    assert espeak_phonemes(["cache"]) is not None, "eSpeak NG's espeak-ng command is part of the setup"
    out, _ = terms_by_sound(words_from(said), terms)
    assert text_of(out) == expected


def test_the_transcriber_writes_its_vocabulary_by_sound_and_says_so() -> None:
    """The step as transcription runs it: on with a vocabulary, recorded in the model info; off by setting."""
    from voiceprep.transcribe import Settings, Transcriber

    words = words_from("we serve it on Cuban Eats every night")
    transcriber = Transcriber().use_terms(("Kubernetes", "cache"))
    assert transcriber.info.terms_by_sound is True
    out, heard = transcriber.heard_terms(words)
    assert text_of(out) == "we serve it on Kubernetes every night"
    assert [(h.written, h.term, h.start) for h in heard] == [("Cuban Eats", "Kubernetes", words[4].start)]
    # without a vocabulary, or with the step off, the words are Whisper's
    assert Transcriber().heard_terms(words) == (words, [])
    off = Transcriber(settings=Settings(terms_by_sound=False)).use_terms(("Kubernetes",))
    assert off.info.terms_by_sound is False and off.heard_terms(words) == (words, [])
