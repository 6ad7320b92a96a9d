from helpers import toks
from voiceprep.questions import Question
from voiceprep.rubric import coverage, find_cue

QUESTION = Question.model_validate(
    {
        "id": "demo",
        "kind": "technical",
        "text": "How would you debug a model?",
        "target_seconds": [60, 120],
        "wants_numbers": True,
        "strong_answer": "Inputs, labels, then serving.",
        "points": [
            {"point": "Data drift", "cues": ["data drift", "distribution shift"]},
            {"point": "Roll back", "cues": ["roll back", "rollback", "revert"]},
            {"point": "UI changes", "cues": ["ui"]},
        ],
        "mistakes": ["Retraining first."],
    }
)


def test_cues_match_phrases_and_inflections() -> None:
    words = [t.norm for t in toks("We checked for data drifting, then rolled back.")]
    assert find_cue("data drift", words) == 3
    assert find_cue("roll back", words) == 6  # "rolled back"
    assert find_cue("revert", words) is None


def test_short_cues_match_whole_words_only() -> None:
    assert find_cue("ui", ["a", "uint", "field"]) is None
    assert find_cue("ui", ["the", "ui", "changed"]) == 1
    assert find_cue("a/b", ["an", "a/b", "test"]) == 1
    assert find_cue("a/b", ["an", "a", "b", "test"]) == 1


def test_coverage_reports_evidence() -> None:
    results = coverage(QUESTION, toks("There was a distribution shift, so we did a rollback."))
    assert [r.covered for r in results] == [True, True, False]
    assert results[0].evidence == ["distribution shift"]
    assert results[1].evidence == ["rollback"]
    assert results[2].evidence == []
