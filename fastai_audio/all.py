"`from fastai_audio.all import *`: everything of `fastai.vision.all` that a user needs, plus the audio library"
from fastai.vision.all import *
from .core import *
from .dsp import *
from .spectrogram import *
from .augment import *
from .data import *
from .models import *
from .recipes import *
from .learner import *
from .metrics import *
from .interpret import *
from .windows import *
from .inference import *
from .export import *
from .audioset import *
from .datasets import *
from .distributed import *
