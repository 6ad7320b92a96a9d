"""voiceprep: a voice mock-interview coach that runs entirely on your own computer.

The pipeline, one module per stage: ``questions`` and ``rubric`` (what is asked and what a
strong answer covers), ``speech`` (the question spoken), ``audio`` (devices and files),
``transcribe`` (faster-whisper), ``analysis`` with ``fillers`` and ``numbers`` (pure
functions of the transcript), ``report`` (rendering), ``store`` (sessions) and ``cli``.
"""

import threading

__version__ = "0.1.0"

# The model libraries (faster-whisper, tokenizers, onnxruntime, Piper, SwiftF0) load on several
# threads at once: the model while the question is spoken, the sentence model and the voice's
# pitch while the answer is. Two threads importing tokenizers at the same time have failed with
# "cannot import name 'BertWordPieceTokenizer' from partially initialized module", so they are
# imported one thread at a time.
IMPORTING = threading.RLock()
