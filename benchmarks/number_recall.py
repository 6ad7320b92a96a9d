"""Spoken numbers found: eSpeak NG sentences full of figures, transcribed as `voiceprep analyze` does.

Thirty sentences of our own, of the kinds a candidate says in an ML interview: decimals,
thousands, percentages, money in dollars, pounds and pence, multipliers, ranges and changes,
percentiles, sizes and durations. Each is spoken by eSpeak NG, transcribed (told the
vocabulary of ``--question``, as practice is; ``--voice piper``: Piper's "joe" instead) and read
by the number finder; what it finds is
compared, value by value, with what the same finder reads in the sentence as written. Prints
recall and precision over all values and each sentence that lost or gained one:

    python benchmarks/number_recall.py [--model tiny.en] [--question reduce-inference-cost]
        [--voice espeak|piper] [--accent VOICE]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
from pathlib import Path

from voiceprep.audio import load_audio
from voiceprep.evaluate import _matched, _number_values
from voiceprep.numbers import find_numbers
from voiceprep.questions import Library
from voiceprep.speech import VOICES, voice
from voiceprep.tokens import from_text, from_words
from voiceprep.transcribe import Transcriber

SENTENCES = [
    "We cut the p95 latency from 480 milliseconds to 95 milliseconds.",
    "Churn went from 15.1 percent to 12.4 percent in one quarter.",
    "The model scored 0.82 AUC against 0.74 for the rules.",
    "We had about 627,000 subscribers and 43,000 of them churned.",
    "Each call cost $0.18, so we were paying £4,000 a month.",
    "Throughput improved 3.5 times after we added batching.",
    "The service handles 40,000 requests a second at peak.",
    "Training took 6 hours on 8 GPUs.",
    "We labelled 200,000 tickets and kept 5,000 aside for testing.",
    "Precision was 92 percent and recall was 78 percent.",
    "Retrieval recall at ten rose from 61 percent to 84 percent.",
    "We saved roughly 1.2 million pounds a year.",
    "The index holds 3 million chunks of 512 tokens each.",
    "Response time dropped from 1.2 seconds to 300 milliseconds.",
    "About 70 percent of questions went to the small model.",
    "Cost per conversation went from 11 pence to 4 pence.",
    "The false positive rate fell by half, to 2.5 percent.",
    "We ran the A-B test for 14 days on 10 percent of traffic.",
    "The old checks flagged 50 percent of the fraud.",
    "It took us 3 weeks to build and 2 months to roll out.",
    "Our error budget was 99.9 percent availability.",
    "We fine-tuned a 7 billion parameter model on 20,000 examples.",
    "The p99 stayed under 250 milliseconds.",
    "Memory use went from 16 gigabytes to 4 gigabytes.",
    "Between 200 and 300 users asked for it every week.",
    "Revenue grew by 8 percent, about $2.4 million.",
    "We were paying 1,500 dollars a day for inference.",
    "The drift alert fired at a PSI of 0.25.",
    "We reduced the model from 400 megabytes to 90 megabytes.",
    "Annotators agreed on 87 percent of the 1,200 examples.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument(
        "--question", default="reduce-inference-cost", help="whose vocabulary the transcription is told"
    )
    parser.add_argument("--voice", choices=VOICES, default="espeak")
    parser.add_argument(
        "--accent", help="another of eSpeak NG's English voices: en-us, en-gb-scotland... (espeak-ng --voices=en)"
    )
    args = parser.parse_args()
    pack, question = Library.load(None).find(args.question)
    transcriber = Transcriber(args.model).use_terms(pack.vocabulary(question))
    speaker = voice(args.voice, seed=0, accent=args.accent)  # Piper's seeded
    expected_total = found_total = matched_total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for k, text in enumerate(SENTENCES):
            wav = speaker.render(text, Path(tmp) / f"{k}.wav")
            heard = transcriber.transcribe(load_audio(wav))
            expected = _number_values(find_numbers(from_text(text)))
            found = _number_values(find_numbers(from_words(heard.words)))
            matched = _matched(expected, found)
            expected_total += len(expected)
            found_total += len(found)
            matched_total += matched
            if matched < len(expected) or matched < len(found):
                print(f"  {text!r}: expected {expected}, heard {heard.text!r}: {found}")
    recall = matched_total / max(1, expected_total)
    precision = matched_total / max(1, found_total)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, model {args.model}, voice {speaker.key}")
    print(
        f"sentences={len(SENTENCES)} values={expected_total} found={found_total} matched={matched_total} "
        f"recall={recall:.2f} precision={precision:.2f}"
    )


if __name__ == "__main__":
    main()
