"""Accuracy on real recordings: the Free Spoken Digit Dataset, official split (file index 0-4 is the test set).

Usage: python bench/fsdd.py [PATH] [--epochs N]   (PATH defaults to ../shared/data/fsdd/recordings)
Prints one JSON object: accuracy, epochs, wall time of training, and the machine.
"""
import argparse, json, os, platform, time
from pathlib import Path
import torch
from fastai_audio.all import *

def fsdd_dls(path, bs=64, seed=0):
    "Log-mel DataLoaders over FSDD at 8 kHz, labels from the file name, official split"
    return DataBlock(blocks=(AudioBlock(sr=8000, duration=1.), CategoryBlock),
                     get_items=get_audio_files, get_y=using_attr(RegexLabeller(r'^(\d+)_'), 'name'),
                     splitter=FuncSplitter(lambda f: int(f.stem.split('_')[-1]) < 5),
                     batch_tfms=[MelSpectrogram(n_fft=512, hop_length=128, n_mels=64), SpecNormalize()]
                     ).dataloaders(path, bs=bs, num_workers=0)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('path', nargs='?', default=Path(__file__).parent.parent.parent/'shared/data/fsdd/recordings', type=Path)
    p.add_argument('--epochs', type=int, default=5)
    p.add_argument('--lr', type=float, default=1e-2)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    set_seed(a.seed)
    dls = fsdd_dls(a.path, seed=a.seed)
    learn = audio_learner(dls, resnet18, pretrained=False, metrics=accuracy)
    t0 = time.time()
    with learn.no_bar():
        learn.fit_one_cycle(a.epochs, a.lr)
        train_s = time.time() - t0
        acc = float(learn.validate()[1])
    print(json.dumps({'dataset': 'fsdd', 'split': 'official (index 0-4 test)', 'n_train': len(dls.train_ds),
                      'n_test': len(dls.valid_ds), 'arch': 'resnet18', 'pretrained': False, 'epochs': a.epochs,
                      'accuracy': round(acc, 4), 'train_seconds': round(train_s, 1),
                      'machine': {'cpus': os.cpu_count(), 'torch_threads': torch.get_num_threads(),
                                  'gpu': torch.cuda.get_device_name() if torch.cuda.is_available() else None,
                                  'python': platform.python_version(), 'torch': torch.__version__}}))

if __name__ == '__main__': main()
