"""Technical terms heard: tiny.en on spoken sentences full of ML vocabulary, with and without hotwords.

The dev set: ten sentences of our own, each with one or two terms (RAG, pgvector, p99, LoRA,
Kubernetes, XGBoost, A/B test, SHAP, cache, batch). The held-out set (``--set held-out``):
fourteen more with 38 terms of the pack's vocabularies, written before the terms-by-sound step
existed and never used to choose anything in it, and six sentences that say no term of the
vocabulary they are told but words that sound near some ("cash", "draft", "Laura", "shop").
Each is spoken by eSpeak NG (``--voice piper``: Piper's "joe", a voice nothing here was tried
on) and transcribed as `voiceprep analyze` transcribes an answer to the question named beside it.
Prints the share of terms written recognisably: plainly, with the question's vocabulary given to
the prompted pass only, with the vocabulary as practice and analyze use it (the prompted pass and
the terms heard by their sound), and with a fixed list given to the plain pass as faster-whisper
``hotwords``; terms the question's vocabulary lacks are counted apart; each miss is listed, and
so is every rewrite by sound of words that were not a term said there, and every term of the vocabulary
written in a sentence that does not say it, whichever step wrote it.
Content WER on real speech with the same hotwords: ``voiceprep eval MANIFEST --hotwords TERMS``.

    python benchmarks/term_recall.py [--set dev|held-out] [--voice espeak|piper] [--accent VOICE]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from voiceprep.audio import load_audio
from voiceprep.questions import Library
from voiceprep.speech import VOICES, PiperSpeaker, Speaker, voice
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
HELD_OUT = [
    (
        "We moved the model from LightGBM to XGBoost and kept a holdout month for the comparison.",
        "prototype-to-production",
        ["LightGBM", "XGBoost", "holdout"],
    ),
    (
        "Drift in the PSI score told us to retrain, and Arize raised the alert.",
        "debug-degraded-model",
        ["drift", "PSI", "retrain", "Arize"],
    ),
    (
        "We check every LLM release against a golden set and use LLM-as-judge for the rest.",
        "llm-eval-set",
        ["LLM", "golden set", "LLM-as-judge"],
    ),
    (
        "Few-shot prompts were enough, so we never needed LoRA or another GPU.",
        "fine-tune-or-prompt",
        ["few-shot", "LoRA", "GPU"],
    ),
    (
        "Quantisation and distillation cut the p99 by half, and vLLM did the batching.",
        "reduce-inference-cost",
        ["quantisation", "distillation", "p99", "vLLM", "batching"],
    ),
    ("We exported the model to ONNX and put a cache in front of it.", "reduce-inference-cost", ["ONNX", "cache"]),
    (
        "Fairlearn showed the demographic parity gap, and GDPR shaped what we could store.",
        "fairness-in-hiring",
        ["Fairlearn", "demographic parity", "GDPR"],
    ),
    (
        "MLflow tracked every run, and the feature store replaced three notebook scripts.",
        "ml-technical-debt",
        ["MLflow", "feature store", "notebook"],
    ),
    (
        "Retrieval used BM25 and a reranker over chunks stored in Qdrant.",
        "rag-at-scale",
        ["BM25", "reranker", "Qdrant"],
    ),
    ("We moved from Pinecone to pgvector and the costs fell.", "rag-at-scale", ["Pinecone", "pgvector"]),
    (
        "Red-teaming found a jailbreak, so we added guardrails before launch.",
        "emergent-behaviour",
        ["red-teaming", "jailbreak", "guardrails"],
    ),
    (
        "The churn model's precision mattered more to the board than its ROI slide.",
        "explain-to-executive",
        ["churn", "precision", "ROI"],
    ),
    (
        "We ran Kubernetes jobs for batch inference and watched the p95 latency.",
        "prototype-to-production",
        ["Kubernetes", "batch inference", "p95"],
    ),
    ("SHAP and LIME gave the same top three factors for each customer.", "explain-to-executive", ["SHAP", "LIME"]),
]
# sentences that say no term of the vocabulary they are told, with words that sound near some
NEGATIVES = [
    ("We paid the supplier in cash and the draft was ready by Monday.", "reduce-inference-cost"),
    ("I keep a shop of small tools and set a lower bound on the price.", "explain-to-executive"),
    ("Laura led the review, and the evil twin of that bug came back later.", "fine-tune-or-prompt"),
    ("The pipes were rusty, so the plumber turned the water off at the main.", "ml-technical-debt"),
    ("My manager wanted a written plan, a budget and a launch date by Friday.", "questions-for-us"),
    ("Our drafts went through three rounds of review before the board saw them.", "debug-degraded-model"),
]

# eSpeak NG reads the slash aloud ("a slash b test"); a candidate says "A-B test".
SAID_AS = {"A/B test": "A-B test"}
HOTWORDS = "RAG pgvector p99 LoRA Kubernetes XGBoost A/B test SHAP cache batch inference"


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower()).replace("isation", "ization")


def heard(term: str, text: str) -> bool:
    """Whether ``term`` is written recognisably in ``text``: whatever its case, hyphens, spaces or
    stops ("re-ranker", "pine cone", "R-A-G", "A-B test"), in British or American spelling
    ("quantization"), or as a plural ("GPUs")."""
    words = [_key(w) for w in text.split()]
    wanted = _key(term)
    for first in range(len(words)):
        joined = ""
        for word in words[first : first + 6]:
            joined += word
            if joined in (wanted, wanted + "s"):
                return True
            if len(joined) >= len(wanted) + 1:
                break
    return False


def sentences_of(name: str) -> list[tuple[str, str, list[str]]]:
    """The sentences of a set ("dev" or "held-out"), each with its question and the terms it says."""
    return SENTENCES if name == "dev" else HELD_OUT + [(text, q, []) for text, q in NEGATIVES]


def speak(sentences: list[tuple[str, str, list[str]]], speaker: Speaker | PiperSpeaker, folder: Path) -> list[Path]:
    """Each sentence spoken into ``folder``, all of them before any is transcribed: eSpeak NG's
    speech of a line varies a little with what it spoke before in the same process."""
    clips = []
    for k, (text, _, _) in enumerate(sentences):
        clips.append(folder / f"{k}.wav")
        for written, said in SAID_AS.items():
            text = text.replace(written, said)
        speaker.render(text, clips[-1])
    return clips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("dev", "held-out"), default="dev")
    parser.add_argument("--voice", choices=VOICES, default="espeak")
    parser.add_argument(
        "--accent", help="another of eSpeak NG's English voices: en-us, en-gb-scotland... (espeak-ng --voices=en)"
    )
    args = parser.parse_args()
    sentences = sentences_of(args.set)
    library = Library.load(None)
    # name -> [in vocabulary heard, in vocabulary, outside heard, outside, rewrites, terms written not said]
    rows: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        speaker = voice(args.voice, seed=0, accent=args.accent)  # Piper's seeded
        clips = speak(sentences, speaker, Path(tmp))
        for name, settings in (
            ("plain", Settings()),
            ("question vocabulary to the prompted pass only", Settings(terms_by_sound=False)),
            ("question vocabulary, prompted pass and terms by sound (in use)", Settings()),
            (f"hotwords {HOTWORDS!r} to the plain pass", Settings(hotwords=HOTWORDS, terms_by_sound=False)),
        ):
            transcriber = Transcriber(settings=settings)
            counts = rows[name] = [0, 0, 0, 0, 0, 0]
            for path, (said_text, question_id, terms) in zip(clips, sentences, strict=True):
                pack, question = library.find(question_id)
                vocabulary = pack.vocabulary(question)
                transcript = transcriber.use_terms(vocabulary if "vocabulary" in name else ()).transcribe(
                    load_audio(path)
                )
                text = transcript.text
                known = {t.lower() for t in vocabulary}
                for term in terms:
                    inside = 0 if term.lower() in known else 2
                    counts[inside + 1] += 1
                    if heard(term, text):
                        counts[inside] += 1
                    else:
                        print(f"  {name}: missed {term!r} in {text!r}")
                said = {t.lower() for t in terms}
                for rewrite in transcript.terms_by_sound:
                    if rewrite.term.lower() not in said:
                        counts[4] += 1
                        print(f"  {name}: wrote {rewrite.term!r} for {rewrite.written!r}, not said: {text!r}")
                # whichever step wrote it: the prompted pass, told the vocabulary, writes terms too
                said_keys = [_key(w) for w in said_text.split()]
                for term in vocabulary:
                    # said in another form counts as said ("fine-tuned" for "fine-tune")
                    if (
                        heard(term, text)
                        and not any(k.startswith(_key(term)) for k in said_keys)
                        and not heard(term, said_text)
                    ):
                        counts[5] += 1
                        print(f"  {name}: {term!r} written, not said, in {text!r}")
    print(f"set: {args.set}, {len(sentences)} sentences; voice: {speaker.key if args.accent else args.voice}")
    for name, (hit, total, out_hit, out_total, wrong, unsaid) in rows.items():
        print(
            f"{name}: terms in the question's vocabulary {hit}/{total} = {hit / total:.2f}; "
            f"outside it {out_hit}/{out_total}; rewritten by sound where not said: {wrong}; "
            f"terms of the vocabulary written where not said: {unsaid}"
        )


if __name__ == "__main__":
    main()
