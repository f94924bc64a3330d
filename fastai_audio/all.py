"`from fastai_audio.all import *`: everything of `fastai.vision.all` that a user needs, plus the audio library"
from fastai.vision.all import *
from .core import *
from .dsp import *
from .spectrogram import *
from .augment import *
from .data import *
from .labels import *
from .models import *
from .recipes import *
from .sed import *
from .learner import *
from .metrics import *
from .events import *
from .interpret import *
from .windows import *
from .inference import *
from .export import *
from .detect import *
from .predict import *
from .audioset import *
from . import datasets   # its generated stand-ins (`datasets.synth_audio_dataset`, `datasets.esc50_standin`, ...) are reached through it
from .datasets import (
    FSDD_SPEAKERS, NSYNTH_FAMILY, NSYNTH_SOURCE, ESC_NAME, ESC10_BACKGROUNDS, SOURCE_PATTERNS,
    AudioURLs, speech_commands_speaker, speech_commands_table, speaker_split, fsdd_table, nsynth_table,
    esc_table, folder_table, active_span, sounding_parts, mix_clips, make_soundscapes,
    esc10_mixtures, esc10_soundscapes, source_of, group_split)
from .train import *
from .distributed import *
