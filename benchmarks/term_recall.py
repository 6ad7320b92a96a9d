"""Technical terms heard: tiny.en on eSpeak NG sentences full of ML vocabulary, with and without hotwords.

Ten sentences of our own, each with one or two terms (RAG, pgvector, p99, LoRA, Kubernetes,
XGBoost, A/B test, SHAP, cache, batch), spoken by eSpeak NG as `voiceprep practice` speaks and
transcribed as `voiceprep analyze` transcribes an answer to the question named beside each.
Prints the share of terms written recognisably: plainly, with the question's vocabulary (as
practice and analyze transcribe), and with a fixed list given to the plain pass as faster-whisper
``hotwords``; terms the question's vocabulary lacks are counted apart; each miss is listed.
Content WER on real speech with the same hotwords: ``voiceprep eval MANIFEST --hotwords TERMS``.

    python benchmarks/term_recall.py
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from voiceprep.audio import load_audio
from voiceprep.questions import Library
from voiceprep.speech import Speaker
from voiceprep.transcribe import Settings, Transcriber

# Each sentence with the question it might answer (whose vocabulary the transcription is told)
# and the terms it says.
SENTENCES = [
    ("We built RAG over our support tickets with pgvector in Postgres.", "rag-at-scale", ["RAG", "pgvector"]),
    (
        "The p99 latency was too high, so we added a cache in front of the model.",
        "reduce-inference-cost",
        ["p99", "cache"],
    ),
    ("I fine-tuned the model with LoRA on a single GPU.", "fine-tune-or-prompt", ["LoRA", "GPU"]),
    (
        "We serve it on Kubernetes and run batch inference every night.",
        "reduce-inference-cost",
        ["Kubernetes", "batch inference"],
    ),
    ("The baseline was XGBoost, and SHAP values explained each prediction.", "fairness-in-hiring", ["XGBoost", "SHAP"]),
    ("We ran an A/B test for two weeks before the full rollout.", "explain-to-executive", ["A/B test"]),
    ("The cache hit rate rose, and batch jobs finished within an hour.", "reduce-inference-cost", ["cache", "batch"]),
    ("Our RAG pipeline retrieves five chunks and the p99 stays under a second.", "rag-at-scale", ["RAG", "p99"]),
    (
        "We compared LoRA with full fine-tuning, then shipped it on Kubernetes.",
        "fine-tune-or-prompt",
        ["LoRA", "Kubernetes"],
    ),
    (
        "XGBoost with SHAP was easier to explain than the neural network.",
        "prototype-to-production",
        ["XGBoost", "SHAP"],
    ),
]
# how a term may be written and still count as heard
FORMS = {
    "a/b test": r"\ba/?b[ -]?test",
    "p99": r"\bp ?99\b|\bp-99\b",
    "pgvector": r"\bpg ?vector\b",
    "gpu": r"\bgpus?\b",
    "rag": r"\br-?a-?g\b",
}
# eSpeak NG reads the slash aloud ("a slash b test"); a candidate says "A-B test".
SAID_AS = {"A/B test": "A-B test"}
HOTWORDS = "RAG pgvector p99 LoRA Kubernetes XGBoost A/B test SHAP cache batch inference"


def heard(term: str, text: str) -> bool:
    return re.search(FORMS.get(term.lower(), rf"\b{re.escape(term.lower())}\b"), text.lower()) is not None


def main() -> None:
    library = Library.load(None)
    rows: dict[str, list[int]] = {}  # name -> [in vocabulary heard, in vocabulary, outside heard, outside]
    with tempfile.TemporaryDirectory() as tmp:
        clips = []
        for k, (text, _, _) in enumerate(SENTENCES):
            clips.append(Path(tmp) / f"{k}.wav")
            for written, said in SAID_AS.items():
                text = text.replace(written, said)
            Speaker().render(text, clips[-1])
        for name, settings in (
            ("plain", Settings()),
            ("question vocabulary to the prompted pass (in use)", Settings()),
            (f"hotwords {HOTWORDS!r} to the plain pass", Settings(hotwords=HOTWORDS)),
        ):
            transcriber = Transcriber(settings=settings)
            counts = rows[name] = [0, 0, 0, 0]
            for path, (_, question_id, terms) in zip(clips, SENTENCES, strict=True):
                pack, question = library.find(question_id)
                vocabulary = pack.vocabulary(question)
                text = (
                    transcriber.use_terms(vocabulary if "vocabulary" in name else ()).transcribe(load_audio(path)).text
                )
                known = {t.lower() for t in vocabulary}
                for term in terms:
                    inside = 0 if term.lower() in known else 2
                    counts[inside + 1] += 1
                    if heard(term, text):
                        counts[inside] += 1
                    else:
                        print(f"  {name}: missed {term!r} in {text!r}")
    for name, (hit, total, out_hit, out_total) in rows.items():
        print(
            f"{name}: terms in the question's vocabulary {hit}/{total} = {hit / total:.2f}; "
            f"outside it {out_hit}/{out_total}"
        )


if __name__ == "__main__":
    main()
