"""Accuracy on real recordings: the Free Spoken Digit Dataset (five speakers, 2,500 clips at 8 kHz).

Splits: `official` (file index 0-4 is the test set) and `speaker` (train on four speakers, test on the fifth,
for each held-out speaker given by --speakers). Each is trained with and without the augmentation recipe when
--augment both (the default). resnet18 from scratch; nothing downloads.
Usage: python bench/fsdd.py [PATH] [--split official|speaker|all] [--augment yes|no|both] [--epochs N] [--speakers a,b]
Prints one JSON object.
"""
import argparse, json, sys, time
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, data_pos, check_dir
from fastai_audio.all import *

SPEAKERS = ['george', 'jackson', 'lucas', 'nicolas', 'theo']

def fsdd_dls(path, is_valid, augment, bs=64):
    "DataLoaders over FSDD at 8 kHz, label = the digit in the file name, validation where `is_valid(file)`"
    return DataBlock(blocks=(AudioBlock(sr=8000, duration=1.), CategoryBlock), get_items=get_audio_files,
                     get_y=using_attr(RegexLabeller(r'^(\d+)_'), 'name'), splitter=FuncSplitter(is_valid),
                     batch_tfms=recipe_batch_tfms(8000, augment=augment)).dataloaders(path, bs=bs, num_workers=0)

def train(dls, epochs, lr, seed, mixup=0.):
    "Accuracy of a resnet18 from scratch trained on `dls`, and the seconds training took"
    set_seed(seed)
    learn = audio_learner(dls, resnet18, pretrained=False, metrics=accuracy, cbs=MixUp(mixup) if mixup else None)
    t = time.time()
    with learn.no_bar(), learn.no_logging():
        learn.fit_one_cycle(epochs, lr)
        acc = float(learn.validate()[1])
    return round(acc, 4), round(time.time() - t, 1)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_pos(p, 'path', 'data/fsdd/recordings', 'the FSDD recordings folder')
    p.add_argument('--split', default='official', choices=['official', 'speaker', 'all'])
    p.add_argument('--augment', default='both', choices=['yes', 'no', 'both'])
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--lr', type=float, default=1e-2)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--speakers', default=','.join(SPEAKERS), help='held-out speakers for the speaker split')
    p.add_argument('--mixup', type=float, default=0., help='MixUp alpha of the augmented runs (0: none)')
    a = p.parse_args()
    path = check_dir(a.path, 'FSDD recordings')
    start = time.time()
    augments = {'yes': [True], 'no': [False], 'both': [False, True]}[a.augment]
    res = {'dataset': 'fsdd', 'arch': 'resnet18', 'pretrained': False, 'epochs': a.epochs, 'lr': a.lr, 'mixup': a.mixup,
           'machine': machine()}
    for aug in augments:
        key = 'augmented' if aug else 'plain'
        if a.split in ('official', 'all'):
            acc, secs = train(fsdd_dls(path, lambda f: int(f.stem.split('_')[-1]) < 5, aug), a.epochs, a.lr, a.seed, a.mixup * aug)
            res.setdefault('official', {})[key] = {'accuracy': acc, 'train_seconds': secs}
        if a.split in ('speaker', 'all'):
            per = {}
            for spk in a.speakers.split(','):
                acc, secs = train(fsdd_dls(path, lambda f, s=spk: f.stem.split('_')[1] == s, aug), a.epochs, a.lr, a.seed, a.mixup * aug)
                per[spk] = {'accuracy': acc, 'train_seconds': secs}
            res.setdefault('speaker_independent', {})[key] = {'held_out': per,
                'mean_accuracy': round(float(np.mean([v['accuracy'] for v in per.values()])), 4)}
    res['wall_seconds'] = round(time.time() - start, 1)
    print(json.dumps(res))

if __name__ == '__main__': main()
