from pathlib import Path

import pytest

from voiceprep.errors import PackError, UnknownQuestionError
from voiceprep.questions import Library, builtin_packs_dir, load_pack

GOOD = """
pack: demo
title: Demo
questions:
  - id: q-one
    kind: technical
    text: How would you debug a model in production?
    target_seconds: [60, 120]
    wants_numbers: true
    strong_answer: Inputs, labels, serving, product.
    points:
      - {point: Inputs, cues: [drift]}
      - {point: Labels, cues: [labels]}
      - {point: Serving, cues: [serving]}
    mistakes: [Retraining first.]
"""


def write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_builtin_pack_has_the_twelve_questions() -> None:
    pack = load_pack(builtin_packs_dir() / "ml-engineer.yaml")
    assert len(pack.questions) == 12
    assert len({q.id for q in pack.questions}) == 12
    kinds = {q.kind for q in pack.questions}
    assert kinds == {"technical", "behavioural", "closing"}
    for q in pack.questions:
        assert 3 <= len(q.points) <= 6
        assert q.mistakes and q.strong_answer


def test_good_pack_loads(tmp_path: Path) -> None:
    pack = load_pack(write(tmp_path, GOOD))
    assert pack.pack == "demo" and pack.questions[0].target_seconds == (60, 120)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("wants_numbers: true", "wants_numbers: true\n    colour: blue"), "question 1 ('q-one'), field colour"),
        (("kind: technical", "kind: musing"), "field kind"),
        (("target_seconds: [60, 120]", "target_seconds: [120, 60]"), "field target_seconds"),
        (("      - {point: Serving, cues: [serving]}\n", ""), "field points"),
        (("cues: [labels]", "cues: []"), "field points.1.cues"),
        (("id: q-one", "id: Q One"), "field id"),
        (("{point: Labels, cues: [labels]}", "{point: Labels, cues: [labels], examples: [ok]}"), "points.1.examples"),
        (("{point: Labels, cues: [labels]}", "{point: Labels, cues: [labels], probes: ['']}"), "points.1.probes"),
        (("{point: Labels, cues: [labels]}", "{id: Bad Id, point: Labels, cues: [labels]}"), "points.1.id"),
        (("{point: Labels, cues: [labels]}", "{point: Labels, cues: [labels], tone: warm}"), "points.1.tone"),
        (
            ("{point: Serving, cues: [serving]}", "{id: labels, point: Serving, cues: [serving]}"),
            "'labels' is used twice",
        ),
    ],
)
def test_bad_pack_names_file_question_and_field(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(PackError) as err:
        load_pack(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("title: Demo", "title: [Demo"))
    with pytest.raises(PackError, match=r"not valid YAML at line \d+"):
        load_pack(path)


def test_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="expected a mapping"):
        load_pack(write(tmp_path, "- just\n- a list\n"))


def test_duplicate_ids(tmp_path: Path) -> None:
    doubled = GOOD + GOOD[GOOD.index("  - id: q-one") :]
    with pytest.raises(PackError, match="used twice"):
        load_pack(write(tmp_path, doubled))


def test_user_packs_folder_and_lookup(tmp_path: Path) -> None:
    (tmp_path / "packs").mkdir()
    write(tmp_path / "packs", GOOD)
    library = Library.load(tmp_path)
    assert {p.pack for p in library.packs} == {"ml-engineer", "demo"}
    pack, q = library.find("q-one")
    assert pack.pack == "demo" and q.id == "q-one"
    assert library.find("demo/q-one")[1].id == "q-one"
    assert library.find("2", "ml-engineer")[1].id == "debug-degraded-model"
    with pytest.raises(UnknownQuestionError, match="Did you mean: q-one"):
        library.find("one")
    with pytest.raises(UnknownQuestionError, match="unknown question id"):
        library.find("nothing-like-it")


def test_a_broken_pack_in_the_packs_folder_is_skipped_and_named(tmp_path: Path) -> None:
    (tmp_path / "packs").mkdir()
    write(tmp_path / "packs", GOOD)
    broken = tmp_path / "packs" / "broken.yaml"
    broken.write_text("pack: broken\ntitle: [oops\n")
    library = Library.load(tmp_path)
    assert {p.pack for p in library.packs} == {"ml-engineer", "demo"}
    [reason] = library.skipped
    assert str(broken) in reason and "not valid YAML" in reason
    # named on the command line, the same file is an error: the user asked for it
    with pytest.raises(PackError, match=r"broken\.yaml"):
        Library.load(tmp_path, [broken])


def test_cli_warns_once_and_goes_on(tmp_path: Path) -> None:
    from helpers import run_cli

    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "broken.yaml").write_text("questions: 3\n")
    result = run_cli("--home", str(tmp_path), "questions")
    assert result.returncode == 0, result.stderr
    assert "prototype-to-production" in result.stdout
    assert result.stderr.count("skipped a broken pack") == 1 and "broken.yaml" in result.stderr


def test_an_absurdly_large_pack_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    import time

    path = tmp_path / "huge.yaml"
    path.write_text(GOOD + "# " + "x" * 2_000_000 + "\n")
    started = time.perf_counter()
    with pytest.raises(PackError, match=r"2\.0 MB is too large for a question pack"):
        load_pack(path)
    assert time.perf_counter() - started < 1.0


def test_every_builtin_point_can_be_judged_and_probed() -> None:
    """Each rubric point of the built-in pack has an id, a description, examples; each probe-able one a probe."""
    pack = load_pack(builtin_packs_dir() / "ml-engineer.yaml")
    for q in pack.questions:
        assert len({p.key for p in q.points}) == len(q.points)
        for p in q.points:
            assert p.id and p.description and len(p.examples) >= 2, (q.id, p.point)
            assert p.probes or q.kind == "closing", (q.id, p.point)


def test_a_questions_vocabulary_is_its_own_terms_then_the_packs_without_repeats() -> None:
    from voiceprep.questions import Library

    pack, question = Library.load(None).find("rag-at-scale")
    vocabulary = pack.vocabulary(question)
    assert vocabulary[: len(question.terms)] == tuple(question.terms)
    assert set(pack.terms) <= set(vocabulary)
    assert len({t.lower() for t in vocabulary}) == len(vocabulary)
    assert "pgvector" in vocabulary and "Kubernetes" in vocabulary
