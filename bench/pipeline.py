"""Items per second delivered by a training DataLoader (decoding, cropping, augmentation and log-mel included; no model).

fastai_audio (`AudioDataLoaders`, batch transforms) against a seed-style pipeline: a torch `Dataset` that decodes and
computes a log-mel per item in `__getitem__` (with torchaudio, and with librosa), same batch size and `num_workers`.
Three datasets: FSDD (1-s crops at 8 kHz; left out if its folder is missing), the synthetic set (1 s at 16 kHz) and a synthetic set with ESC-50's shape
(5 s at 44.1 kHz), the last also loaded at 16 kHz (resampled on load). Usage: python bench/pipeline.py [--fsdd PATH] [--num_workers N] [--epochs N]. Prints one JSON object.
"""
import argparse, json, sys, tempfile, time
from pathlib import Path
import numpy as np, torch
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, data_arg
from fastai_audio.all import *
from fastai_audio.datasets import synth_audio_dataset

def items_per_s(dl, epochs):
    "Items/s of each epoch of iterating `dl`"
    res = []
    for _ in range(epochs):
        t, n = time.perf_counter(), 0
        for b in dl: n += len(b[-1])
        res.append(n / (time.perf_counter() - t))
    return res

def ours(files, label_pat, sr, duration, epochs, num_workers, bs, cache=None):
    dls = AudioDataLoaders.from_re(files[0].parent, label_pat, files=files, sr=sr, duration=duration, bs=bs, num_workers=num_workers, seed=0, cache=cache,
                                   batch_tfms=[AddNoise(min_snr_db=10, max_snr_db=40), Gain(-6, 6), TimeShift(.1),
                                               MelSpectrogram(n_fft=1024, hop_length=256, n_mels=64),
                                               MaskFreq(max_width=8), MaskTime(max_width=10), SpecNormalize()])
    dls.valid.one_batch()   # first calls (filterbank, window, dispatch caches) outside the timing; the training files stay undecoded
    return items_per_s(dls.train, epochs)

class SeedStyle(torch.utils.data.Dataset):
    "The seeds' way: decode, crop/pad and compute a log-mel for one item in `__getitem__`"
    def __init__(self, files, labels, sr, duration, backend):
        self.files, self.labels, self.sr, self.n, self.backend = files, labels, sr, round(sr * duration), backend
        if backend == 'torchaudio':
            import torchaudio
            self.mel = torchaudio.transforms.MelSpectrogram(sr, n_fft=1024, hop_length=256, n_mels=64)
            self.db = torchaudio.transforms.AmplitudeToDB()
    def __len__(self): return len(self.files)
    def __getitem__(self, i):
        import librosa
        y, _ = librosa.load(self.files[i], sr=self.sr)
        y = np.pad(y, (0, max(0, self.n - len(y))))[:self.n]
        if self.backend == 'torchaudio': S = self.db(self.mel(torch.from_numpy(y)))
        else: S = torch.from_numpy(librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=self.sr, n_fft=1024, hop_length=256, n_mels=64)))
        return (S - S.mean()) / (S.std() + 1e-5), self.labels[i]

def seed_style(files, labels, sr, duration, epochs, num_workers, bs, backend):
    ds = SeedStyle(files, labels, sr, duration, backend)
    ds[0]   # first calls (imports, torchaudio's filterbank) outside the timing, as on our side
    dl = torch.utils.data.DataLoader(ds, batch_size=bs, shuffle=True, num_workers=num_workers, drop_last=True)
    return items_per_s(dl, epochs)

def bench(files, label_pat, sr, duration, a):
    import re
    names = [re.search(label_pat, f.name)[1] for f in files]
    vocab = sorted(set(names))
    labels = [vocab.index(n) for n in names]
    r = {'items': len(files), 'sr': sr, 'seconds': duration}
    r['fastai_audio'] = ours(files, label_pat, sr, duration, a.epochs, a.num_workers, a.bs)
    with tempfile.TemporaryDirectory() as d:
        r['fastai_audio_cached'] = ours(files, label_pat, sr, duration, a.epochs, a.num_workers, a.bs, cache=d)
    try: r['seed_torchaudio'] = seed_style(files, labels, sr, duration, a.epochs, a.num_workers, a.bs, 'torchaudio')
    except ImportError: r['seed_torchaudio'] = None
    r['seed_librosa'] = seed_style(files, labels, sr, duration, a.epochs, a.num_workers, a.bs, 'librosa')
    med = lambda v: float(np.median(v[1:] if len(v) > 1 else v))
    out = {k: [round(x) for x in v] if isinstance(v, list) else v for k, v in r.items()}
    m = out['median_items_per_s_after_first_epoch'] = {k: round(med(v)) for k, v in r.items() if isinstance(v, list)}
    # first epoch: both sides decode every file; later epochs: ours reads the cache, the seed decodes again
    out['first_epoch_speedup'] = {f'vs_{k}': round(r['fastai_audio'][0] / r[k][0], 2) for k in ('seed_torchaudio', 'seed_librosa') if r[k]}
    out['cached_epochs_speedup'] = {f'vs_{k}': round(m['fastai_audio_cached'] / m[k], 2) for k in ('seed_torchaudio', 'seed_librosa') if k in m}
    out['uncached_epochs_speedup'] = {f'vs_{k}': round(m['fastai_audio'] / m[k], 2) for k in ('seed_torchaudio', 'seed_librosa') if k in m}
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arg(p, 'fsdd', 'data/fsdd/recordings', 'the FSDD recordings folder, left out if missing')
    p.add_argument('--num_workers', type=int, default=0)
    p.add_argument('--epochs', type=int, default=4)
    p.add_argument('--bs', type=int, default=64)
    a = p.parse_args()
    res = {'machine': machine(),
           'num_workers': a.num_workers, 'bs': a.bs, 'epochs': a.epochs,
           'note': 'items/s per epoch of the training DataLoader; first epoch of *_cached builds the cache'}
    if a.fsdd.is_dir(): res['fsdd'] = bench(sorted(get_audio_files(a.fsdd)), r'^(\d+)_', 8000, 1., a)
    else: print(f'FSDD not found at {a.fsdd}: left out (pass --fsdd)', file=sys.stderr)
    # synthetic files are named <class>_<i>.wav; label them by class name
    synth = lambda d, **kw: sorted(get_audio_files(synth_audio_dataset(Path(d)/'synth', seed=0, **kw)))
    with tempfile.TemporaryDirectory() as d: res['synthetic'] = bench(synth(d, n_per_class=100), r'^([a-z_]+)_\d+', 16000, 1., a)
    # ESC-50's shape: 5-s clips at 44.1 kHz, where the per-item spectrogram of the seeds costs the most
    with tempfile.TemporaryDirectory() as d:
        files = synth(d, n_per_class=25, sr=44100, duration=5.)
        res['synthetic_5s_44k'] = bench(files, r'^([a-z_]+)_\d+', 44100, 5., a)
        # the same files loaded at 16 kHz: both sides resample every item, until ours reads its cache
        res['synthetic_5s_44k_loaded_at_16k'] = bench(files, r'^([a-z_]+)_\d+', 16000, 5., a)
    print(json.dumps(res))

if __name__ == '__main__': main()
