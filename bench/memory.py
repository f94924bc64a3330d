"""Resident memory while building DataLoaders over 20,000 short generated clips and iterating epochs over them.

The clips (0.25 s at 8 kHz, `synth_audio_dataset`) go through `AudioDataLoaders.from_folder` with `cache=` a temporary
folder, an `AudioCache`: the first time a clip is loaded it is decoded and written to its own `.fac` entry file (a
header, then the float32 samples); later epochs read the entry back, one open and one read per clip. The cache keeps
nothing in the process between items, so resident memory should not grow from one epoch to the next.
Usage: python bench/memory.py [--n_files N] [--epochs N]. Prints one JSON object: the resident set size (MiB) at the
start, after building the DataLoaders and after each epoch, the seconds of each stage, and the cache's number of
entries and size on disk.
"""
import argparse, json, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, rss_mib
from fastai_audio.all import *
from fastai_audio.datasets import synth_audio_dataset

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n_files', type=int, default=20000)
    p.add_argument('--epochs', type=int, default=3)
    a = p.parse_args()
    res = {'machine': machine(), 'rss_mib': {'start': round(rss_mib())}}
    with tempfile.TemporaryDirectory() as d:
        t = time.time()
        data = synth_audio_dataset(Path(d)/'synth', n_per_class=a.n_files // 8, sr=8000, duration=.25, seed=0)
        res['n_files'], res['generate_s'] = len(get_audio_files(data)), round(time.time() - t, 1)
        t = time.time()
        dls = AudioDataLoaders.from_folder(data, duration=.25, bs=64, seed=0, num_workers=0, cache=Path(d)/'cache',
                                           batch_tfms=[MelSpectrogram(n_fft=256, hop_length=64, n_mels=32), SpecNormalize()])
        res['build_dls_s'] = round(time.time() - t, 1)
        res['rss_mib']['after_dataloaders'] = round(rss_mib())
        epochs = []
        for e in range(a.epochs):
            t, n = time.time(), 0
            for xb, yb in dls.train: n += len(yb)
            epochs.append({'items': n, 'seconds': round(time.time() - t, 1), 'rss_mib': round(rss_mib())})
        res['epochs'] = epochs
        res['cache_entries'] = len(AudioCache(Path(d)/'cache'))
        res['cache_mib_on_disk'] = round(sum(f.stat().st_size for f in (Path(d)/'cache').iterdir()) / 2**20, 1)
    print(json.dumps(res))

if __name__ == '__main__': main()
