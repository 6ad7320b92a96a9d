"""voiceprep: a voice mock-interview coach that runs entirely on your own computer.

The pipeline, one module per stage: ``questions`` and ``rubric`` (what is asked and what a
strong answer covers), ``speech`` (the question spoken), ``audio`` (devices and files),
``transcribe`` (faster-whisper), ``analysis`` with ``fillers`` and ``numbers`` (pure
functions of the transcript), ``report`` (rendering), ``store`` (sessions) and ``cli``.
"""

__version__ = "0.1.0"
