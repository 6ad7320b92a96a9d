"""Domain errors. The CLI prints each as one line and exits with its ``exit_code``."""

from __future__ import annotations


class VoiceprepError(Exception):
    """Base class of every error voiceprep reports to the user."""

    exit_code = 1


class UsageError(VoiceprepError):
    """The command line asks for something that cannot be done as asked."""

    exit_code = 2


class PackError(VoiceprepError):
    """A question pack is missing, unreadable or invalid."""


class UnknownQuestionError(VoiceprepError):
    """No question has the requested id."""


class UnknownSessionError(VoiceprepError):
    """No saved session matches the requested name."""


class AudioFileError(VoiceprepError):
    """An audio file is missing, empty or cannot be decoded."""


class NoSpeechError(VoiceprepError):
    """The audio holds no speech; the recording and its (empty) report are kept."""

    exit_code = 3


class DeviceError(VoiceprepError):
    """An audio device is missing or failed."""

    exit_code = 4


class StorageError(VoiceprepError):
    """The data folder cannot be created or written."""

    exit_code = 5


class ModelError(VoiceprepError):
    """The speech model cannot be found or loaded."""

    exit_code = 6


class SpeechError(VoiceprepError):
    """Text to speech is unavailable; practice goes on with the question printed."""


class Interrupted(VoiceprepError):
    """Ctrl-C stopped the work; what was recorded is kept and the message says where."""

    exit_code = 130
