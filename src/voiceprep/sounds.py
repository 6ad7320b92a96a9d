"""Words of the trade heard by their sound: a question's terms where Whisper wrote words that sound like them.

tiny.en writes what it knows: "cash" for "cache", "Cuban Eats" for "Kubernetes", "hold out" for
"holdout", "match inference" for "batch inference". Told the question's vocabulary, the prompted
pass brings some terms back (``transcribe.take_terms``); the rest are still written as other words
that sound the same. Here each stretch of one to a few words is compared with each term by its
phonemes (eSpeak NG's, the voice library voiceprep already needs), and where they are near enough
the term is written in those words' time.

How near is near enough is set by the length of the term, not measured on any clip: a short word
differs from another by one sound ("draft" and "drift", "shop" and "SHAP"), so a term of up to five
phonemes must sound exactly alike; a longer one may differ by half a step for each three phonemes
beyond the third (a vowel, or a voiced sound for its voiceless twin, is half a step; any other
sound one step). A number is the candidate's figure, not a term to correct: a stretch holding
digits is rewritten only as a term with the same digits ("B95" as "p95", never as "p99"). A word
that sounds exactly like a one-word term is left as it is: it is a word too ("cash"), and the
prompted pass, told the term, already chose between the two with the sentence around it.

Measured by ``benchmarks/term_recall.py`` (terms heard in spoken sentences) and
``benchmarks/terms_by_sound.py`` (how often the rule would rewrite words that were said).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import threading
from collections import Counter
from collections.abc import Callable, Sequence

from .schema import Word
from .tokens import FILLED_PAUSE, normalise

Phonemes = tuple[str, ...]
Phonemizer = Callable[[Sequence[str]], "list[Phonemes] | None"]

# eSpeak NG's English vowels (its ASCII names) start with one of these; "0" is the vowel of "lot".
_VOWEL_START = set("aeiouAEIOUV@03")
# a voiced sound and its voiceless twin: a slip between them costs half a step
_TWINS = {frozenset(p) for p in (("p", "b"), ("t", "d"), ("k", "g"), ("f", "v"), ("T", "D"), ("s", "z"), ("S", "Z"))}
_TWINS.add(frozenset(("tS", "dZ")))
# stress and length marks, and eSpeak's variant markers ("a#", "@2", "I2")
_MARKS = re.compile(r"[',%=#2]")
MAX_EXTRA_WORDS = 2  # a term of n words may have been written as up to n + 2 words
_VOICE = "en-us"  # Whisper writes American spelling; so does this voice's reading of it


def espeak_phonemes(texts: Sequence[str]) -> list[Phonemes] | None:
    """Each text's phonemes, from one ``espeak-ng`` process; None where eSpeak NG is not installed.

    Texts are read one a line, so each is one clause: a text must not hold a full stop.
    eSpeak NG runs in a process of its own because its library keeps state (the voice chosen,
    its noise source) that the interviewer's eSpeak voice in this process would share.
    """
    if not texts:
        return []
    binary = shutil.which("espeak-ng")
    if binary is None:
        return None
    try:
        result = subprocess.run(
            [binary, "-q", "-x", "--sep= ", "-v", _VOICE],
            input="\n".join(texts) + "\n",
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    if len(lines) != len(texts):
        return None  # a text that gave no line, or two: no way to tell which is which
    return [_parse(line) for line in lines]


def _parse(line: str) -> Phonemes:
    """Phonemes of one line of ``espeak-ng -x --sep=' '``, marks taken off, word breaks ignored."""
    out = []
    for piece in line.split():
        piece = _MARKS.sub("", piece)
        if piece and not piece.startswith("_"):
            out.append(piece)
    return tuple(out)


def _is_vowel(phoneme: str) -> bool:
    return phoneme[0] in _VOWEL_START


def _substitution(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if _is_vowel(a) and _is_vowel(b):
        return 0.5
    return 0.5 if frozenset((a, b)) in _TWINS else 1.0


def _indel(p: str) -> float:
    return 0.5 if _is_vowel(p) else 1.0


def distance(a: Phonemes, b: Phonemes, limit: float = float("inf")) -> float:
    """Edit distance between two phoneme strings, a vowel or a voicing slip counting half.

    Once every way through is further than ``limit``, the search stops and says so (``inf``).
    """
    previous = [0.0]
    for p in b:
        previous.append(previous[-1] + _indel(p))
    for x in a:
        current = [previous[0] + _indel(x)]
        for j, y in enumerate(b, start=1):
            current.append(
                min(previous[j] + _indel(x), current[j - 1] + _indel(y), previous[j - 1] + _substitution(x, y))
            )
        if min(current) > limit:
            return float("inf")
        previous = current
    return previous[-1]


def allowed(length: int) -> float:
    """How far a stretch may sound from a term of ``length`` phonemes: none up to five, then half a
    step for each three phonemes beyond the third."""
    if length <= 5:
        return 0.0
    return 0.5 * ((length - 3) // 3)


def spoken_form(term: str) -> str:
    """A term as it is said, for eSpeak NG to read: "A/B test" -> "A B test", "LLM-as-judge" -> "LLM as judge"."""
    return re.sub(r"[/\-_.]+", " ", term).strip()


def _key(text: str) -> str:
    """What a word or term is, whatever its punctuation, case or joins: "Hold-out," -> "holdout"."""
    return re.sub(r"[^a-z0-9@]", "", text.lower())


class Sounds:
    """Phonemes of the words and terms met so far, read once each.

    eSpeak NG takes about 0.4 ms a word (0.15 s for the 240 words of a 3-minute answer), so
    streaming reads each chunk's words while the candidate is still speaking (``learn``) and the
    end of the answer finds them known.
    """

    def __init__(self, phonemize: Phonemizer = espeak_phonemes):
        self._phonemize = phonemize
        self._known: dict[str, Phonemes] = {}
        self._lock = threading.Lock()

    def of(self, texts: Sequence[str]) -> dict[str, Phonemes] | None:
        """The phonemes of each text, read now where not known yet; None where they cannot be read."""
        with self._lock:
            new = [t for t in dict.fromkeys(texts) if t not in self._known]
        if new:
            read = self._phonemize(new)
            if read is None:
                return None
            with self._lock:
                self._known.update(zip(new, read, strict=True))
        with self._lock:
            return {t: self._known[t] for t in texts}

    def learn(self, words: Sequence[Word]) -> None:
        """Read the phonemes of these words now, before they are needed."""
        self.of([k for k in (_key(w.text) for w in words) if k])


SOUNDS = Sounds()


def terms_by_sound(
    words: list[Word], terms: Sequence[str], sounds: Sounds = SOUNDS
) -> tuple[list[Word], list[tuple[str, str, float]]]:
    """``words`` with each stretch that sounds like one of ``terms`` written as the term, in its time.

    Returns the words and what was rewritten: (what Whisper wrote, the term, when). Filled
    pauses stay where they are and are passed over; a word that already is one of the terms is
    left as it is, and digits are never changed. Where eSpeak NG is not there, nothing changes.
    """
    wanted = [t for t in dict.fromkeys(t.strip() for t in terms) if _key(t)]
    plain = [k for k, w in enumerate(words) if not FILLED_PAUSE.match(normalise(w.text))]
    texts = [_key(words[k].text) for k in plain]
    if not wanted or not plain:
        return words, []
    known = sounds.of([spoken_form(t) for t in wanted] + [t for t in texts if t])
    if known is None:
        return words, []
    keys = {_key(t) for t in wanted}
    n = len(plain)
    ends = [_sentence_ends(words[k]) for k in plain]
    numbers = [digits_in(t) for t in texts]
    # a stretch to hear runs over words with sounds that are not terms already, inside one sentence
    sounds_of = [known[t] if t and t not in keys else None for t in texts]
    skeletons = [Counter(p for p in sound if not _is_vowel(p)) if sound else Counter() for sound in sounds_of]
    lengths = [len(sound) if sound else 0 for sound in sounds_of]

    candidates: list[tuple[float, int, int, int, str]] = []  # (distance, -length, first, last + 1, term)
    for term in wanted:
        pieces = [_key(p) for p in term.split()]
        most = len(spoken_form(term).split()) + MAX_EXTRA_WORDS
        # where the term is written already, and where it is written in pieces ("hold out", "Pine cone")
        written = {k + len(pieces) - 1 for k in range(n - len(pieces) + 1) if texts[k : k + len(pieces)] == pieces}
        whole = "".join(pieces)
        for first in range(n):
            spelled = texts[first]
            if not spelled or not whole.startswith(spelled):
                continue
            for last in range(first + 1, min(n, first + most)):
                if ends[last - 1] or last in written:
                    break
                spelled += texts[last]
                if spelled == whole:
                    candidates.append((0.0, first - last, first, last + 1, term))
                    break
                if len(spelled) > len(whole):
                    break
        sound = known[spoken_form(term)]
        if len(sound) < 3:
            continue  # too short to tell from a word by its sound
        limit = allowed(len(sound))
        shortest, longest = len(sound) - 2 * limit, len(sound) + 2 * limit  # a phoneme more or less: half a step
        skeleton = Counter(p for p in sound if not _is_vowel(p))
        digits = digits_in(term)
        for first in range(n):
            if sounds_of[first] is None:
                continue
            size = 0
            consonants: Counter[str] = Counter()
            for last in range(first, min(n, first + most)):
                if sounds_of[last] is None or (last > first and ends[last - 1]) or last in written:
                    break  # nothing to hear, a term already, or the next sentence
                size += lengths[last]
                consonants.update(skeletons[last])
                if size > longest:
                    break
                # a number is the candidate's figure: "B95" may be "p95", never "p99"
                if size < shortest or "".join(numbers[first : last + 1]) != digits:
                    continue
                # each step mends at most two consonants the two differ by, for at least half a step
                if 0.25 * sum(abs(skeleton[c] - consonants[c]) for c in skeleton.keys() | consonants.keys()) > limit:
                    continue
                joined = tuple(p for k in range(first, last + 1) for p in sounds_of[k] or ())
                if last == first and len(pieces) == 1 and joined == sound:
                    # one word for one, sounding the same: a homophone ("cash", "lime"), another word
                    # that was said; the prompted pass, told the term, chose between them with the sentence
                    continue
                d = distance(sound, joined, limit)
                if d <= limit:
                    candidates.append((d, first - last, first, last + 1, term))
    taken = [False] * len(plain)
    swaps: dict[int, tuple[int, str]] = {}
    for _, _, first, end, term in sorted(candidates):
        if any(taken[first:end]):
            continue
        taken[first:end] = [True] * (end - first)
        swaps[first] = (end, term)
    if not swaps:
        return words, []
    out = [w for w in words if FILLED_PAUSE.match(normalise(w.text))]
    rewritten: list[tuple[str, str, float]] = []
    k = 0
    while k < len(plain):
        if k not in swaps:
            out.append(words[plain[k]])
            k += 1
            continue
        end, term = swaps[k]
        replaced = [words[plain[j]] for j in range(k, end)]
        rewritten.append((" ".join(w.text for w in replaced), term, replaced[0].start))
        out += _written_as(term, replaced, opens=k == 0 or _sentence_ends(words[plain[k - 1]]))
        k = end
    return sorted(out, key=lambda w: (w.start, w.end)), rewritten


def digits_in(text: str) -> str:
    """The digits of ``text``, in order: "B95," -> "95"."""
    return "".join(c for c in text if c.isdigit())


def _sentence_ends(word: Word) -> bool:
    return word.text.rstrip().endswith((".", "?", "!"))


def _written_as(term: str, replaced: list[Word], opens: bool) -> list[Word]:
    """The term's words spread over the time of the words they replace, with their punctuation;
    ``opens``: they open a sentence, so a term in lower case takes a capital there."""
    parts = term.split()
    first, last = replaced[0], replaced[-1]
    if opens and first.text[:1].isupper() and parts[0][:1].islower():
        parts[0] = parts[0][:1].upper() + parts[0][1:]
    trailing = re.search(r"[.,;:!?…]+$", last.text)
    if trailing:
        parts[-1] += trailing.group(0)
    step = (last.end - first.start) / len(parts)
    probability = min(w.probability for w in replaced)
    return [
        Word(
            text=part,
            start=round(first.start + k * step, 3),
            end=round(first.start + (k + 1) * step, 3),
            probability=probability,
        )
        for k, part in enumerate(parts)
    ]


@functools.lru_cache(maxsize=1)
def available() -> bool:
    """Whether eSpeak NG's command is there to read phonemes with."""
    return shutil.which("espeak-ng") is not None
