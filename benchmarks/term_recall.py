"""Technical terms heard: tiny.en on eSpeak NG sentences full of ML vocabulary, with and without hotwords.

Ten sentences of our own, each with one or two terms (RAG, pgvector, p99, LoRA, Kubernetes,
XGBoost, A/B test, SHAP, cache, batch), spoken by eSpeak NG as `voiceprep practice` speaks and
transcribed as `voiceprep analyze` transcribes. Prints the share of terms written recognisably,
plainly and with the terms given to the plain pass as faster-whisper ``hotwords``, and each miss.
Content WER on real speech with the same hotwords: ``voiceprep eval MANIFEST --hotwords TERMS``.

    python benchmarks/term_recall.py
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from voiceprep.audio import load_audio
from voiceprep.speech import Speaker
from voiceprep.transcribe import Settings, Transcriber

SENTENCES = [
    ("We built RAG over our support tickets with pgvector in Postgres.", ["rag", "pgvector"]),
    ("The p99 latency was too high, so we added a cache in front of the model.", ["p99", "cache"]),
    ("I fine-tuned the model with LoRA on a single GPU.", ["lora"]),
    ("We serve it on Kubernetes and run batch inference every night.", ["kubernetes", "batch"]),
    ("The baseline was XGBoost, and SHAP values explained each prediction.", ["xgboost", "shap"]),
    ("We ran an A/B test for two weeks before the full rollout.", ["a/b"]),
    ("The cache hit rate rose, and batch jobs finished within an hour.", ["cache", "batch"]),
    ("Our RAG pipeline retrieves five chunks and the p99 stays under a second.", ["rag", "p99"]),
    ("We compared LoRA with full fine-tuning, then shipped it on Kubernetes.", ["lora", "kubernetes"]),
    ("XGBoost with SHAP was easier to explain than the neural network.", ["xgboost", "shap"]),
]
# how a term may be written and still count as heard
FORMS = {"a/b": r"\ba/?b\b|\ba b\b", "p99": r"\bp ?99\b|\bp-99\b", "pgvector": r"\bpg ?vector\b"}
HOTWORDS = "RAG pgvector p99 LoRA Kubernetes XGBoost A/B test SHAP cache batch inference"


def recall(transcriber: Transcriber, clips: list[Path]) -> tuple[int, int, list[str]]:
    found = total = 0
    missed = []
    for path, (_, terms) in zip(clips, SENTENCES, strict=True):
        heard = transcriber.transcribe(load_audio(path)).text.lower()
        for term in terms:
            total += 1
            if re.search(FORMS.get(term, rf"\b{re.escape(term)}\b"), heard):
                found += 1
            else:
                missed.append(f"{term}: {heard}")
    return found, total, missed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clips = []
        for k, (text, _) in enumerate(SENTENCES):
            clips.append(Path(tmp) / f"{k}.wav")
            Speaker().render(text, clips[-1])
        for name, settings in (("plain", Settings()), (f"hotwords {HOTWORDS!r}", Settings(hotwords=HOTWORDS))):
            found, total, missed = recall(Transcriber(settings=settings), clips)
            print(f"{name}: term recall {found}/{total} = {found / total:.2f}")
            for line in missed:
                print(f"  missed {line}")


if __name__ == "__main__":
    main()
