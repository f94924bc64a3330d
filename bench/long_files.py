"""Time and memory of one hour of audio through `mn04_as`: a classifier's `predict` and a sound event detector's `detect`.

Two files of one hour are written to a temporary folder:
- `silence_8ch_48k.flac`: eight channels of 48-kHz digital silence (about 1.4 MiB: FLAC stores silence in almost nothing,
  so the file is small and its decoded audio is 1.3 GiB of float32);
- `scene_1ch_32k.wav`: one channel at 32 kHz, faint noise with a one-second tone burst every ten seconds (230 MiB).

Learners are built on a few generated clips and are not trained: time and memory do not depend on the weights. The
classifier is `audio_learner(dls, 'mn04_as')` on 5-s clips (`AudioLearner.predict`: windows of the training length
read span by span, probabilities averaged); the detector is `sed_learner(dls, 'mn04_as')` on 10-s scenes
(`SEDLearner.detect`: the same windows, frame scores placed at their times and post-processed). `detect` here is what
`fastai_audio detect MODEL FILE` runs after `load_learner`.

Each run is a process of its own (a freed heap is not given back to the system, so a second run in one process would
be measured against the first one's peak): seconds, real-time factor (seconds of audio per second of compute), and the
largest resident memory above the memory held just before the call (the loaded learner), sampled every 20 ms.
Usage: python bench/long_files.py [--hours 1] [--skip-flac]. Prints one JSON object.
"""
import argparse, json, subprocess, sys, tempfile, threading, time, warnings
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, rss_mib
import numpy as np, pandas as pd, soundfile as sf
from fastai_audio.data import AudioDataLoaders
from fastai_audio.datasets import synth_audio_dataset
from fastai_audio.learner import audio_learner
from fastai_audio.sed import events_dataloaders
from fastai_audio.detect import sed_learner
from fastai_audio.test_utils import seed_hub_cache

def measured(fn, seconds_of_audio):
    "Run `fn()`; its seconds, real-time factor and peak resident memory above the memory before it (MiB)"
    base, peak, done = rss_mib(), [0.], threading.Event()
    def sample():
        while not done.is_set(): peak[0] = max(peak[0], rss_mib()); time.sleep(.02)
    t = threading.Thread(target=sample, daemon=True); t.start()
    t0 = time.time()
    out = fn()
    secs = time.time() - t0
    done.set(); t.join()
    peak[0] = max(peak[0], rss_mib())
    return out, {'seconds': round(secs, 1), 'real_time_factor': round(seconds_of_audio / secs, 1),
                 'peak_mib_above_learner': round(peak[0] - base, 1)}

def write_blocks(fn, seconds, sr, channels, block, subtype):
    "Write `seconds` of audio to `fn` one minute at a time, each minute made by `block(minute_index, n_samples)`"
    with sf.SoundFile(fn, 'w', sr, channels, subtype=subtype) as f:
        for m in range(int(np.ceil(seconds / 60))):
            f.write(block(m, int(min(60, seconds - 60 * m) * sr)))

def scene_minute(m, n, sr=32000):
    "A minute of faint noise with a one-second 1-kHz burst every ten seconds"
    rng = np.random.default_rng(m)
    x = .003 * rng.standard_normal(n)
    t = np.arange(n) / sr
    x += np.where((t % 10) < 1, .3 * np.sin(2 * np.pi * 1000 * t), 0)
    return x.astype('float32')

def learners(tmp):
    "An untrained mn04_as classifier (5-s clips) and an untrained mn04_as sound event detector (10-s scenes)"
    clips = synth_audio_dataset(tmp/'clips', n_per_class=4, sr=32000, duration=5., classes=['bell', 'chirp'])
    clf = audio_learner(AudioDataLoaders.from_folder(clips, arch='mn04_as', duration=5., bs=4, num_workers=0, seed=0), 'mn04_as')
    (tmp/'scenes').mkdir()
    for k in range(4): sf.write(tmp/'scenes'/f's{k}.wav', scene_minute(k, 10 * 32000)[:10 * 32000], 32000)
    ev = pd.DataFrame([(f's{k}.wav', 0., 1., 'tone') for k in range(4)], columns=['filename', 'onset', 'offset', 'event_label'])
    sed = sed_learner(events_dataloaders(tmp/'scenes', ev, arch='mn04_as', duration=10., valid_pct=.5, seed=0, bs=2, num_workers=0), 'mn04_as')
    return clf, sed

def measure(task, fn, seconds, tmp):
    "One run, in this process: `task` ('predict' or 'detect') on the file `fn`"
    clf, sed = learners(tmp)
    if task == 'predict': _, res = measured(lambda: clf.predict(fn), seconds)
    else:
        found, res = measured(lambda: sed.detect(fn), seconds)
        res['events'] = int(found.onset.notna().sum())
    return {**res, 'rss_after_mib': round(rss_mib())}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--hours', type=float, default=1.)
    p.add_argument('--skip-flac', action='store_true', help='leave out the 8-channel 48-kHz FLAC')
    p.add_argument('--measure', nargs=2, metavar=('TASK', 'FILE'), help=argparse.SUPPRESS)   # one run, in a process of its own
    a = p.parse_args()
    warnings.filterwarnings('ignore', category=UserWarning)
    if seed_hub_cache() is None: sys.exit('the shared EfficientAT weights were not found (../shared/weights/efficientat)')
    secs = a.hours * 3600
    if a.measure:
        with tempfile.TemporaryDirectory() as d: print(json.dumps(measure(a.measure[0], Path(a.measure[1]), secs, Path(d))))
        return
    res = {'machine': machine(), 'hours': a.hours}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        t0 = time.time()
        files = {'scene_1ch_32k.wav': (32000, 1, scene_minute, 'PCM_16')}
        if not a.skip_flac: files['silence_8ch_48k.flac'] = (48000, 8, lambda m, n: np.zeros((n, 8), 'float32'), 'PCM_16')
        for name, (sr, ch, block, subtype) in files.items(): write_blocks(tmp/name, secs, sr, ch, block, subtype)
        res['files'] = {name: {'mib': round((tmp/name).stat().st_size / 2**20, 1), 'sr': sr, 'channels': ch}
                        for name, (sr, ch, _, _) in files.items()}
        res['write_seconds'] = round(time.time() - t0, 1)
        for name in files:
            for task in ('predict', 'detect'):
                out = subprocess.run([sys.executable, __file__, '--hours', str(a.hours), '--measure', task, str(tmp/name)],
                                     capture_output=True, text=True)
                if out.returncode: sys.exit(f'{task} {name} failed: {out.stderr.strip().splitlines()[-1]}')
                res[f'{task} {name}'] = json.loads(out.stdout.strip().splitlines()[-1])
                print(json.dumps(res), file=sys.stderr)
    print(json.dumps(res))

if __name__ == '__main__': main()
