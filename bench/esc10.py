"""ESC-10 five-fold cross-validation, and Speech Commands on a speaker-disjoint split: AudioSet-pretrained
`mn04_as` fine-tuned against resnet18 trained from scratch with the command line's recipe.

ESC-10 (../shared/data/esc10): 400 five-second clips in 10 classes, five predefined folds; train on four, test on the
fifth, the mean of the five. Speech Commands (../shared/data/speech_commands): 4,075 one-second keywords in 12 classes
from 199 speakers; 20% of the speakers (seeded) are held out, with every clip they recorded.
Usage: python bench/esc10.py [--runs mn04_as,scratch,speech_commands] [--folds 1,2,3,4,5] [--epochs 5] [--seed 0]
Prints one JSON object.
"""
import argparse, json, os, re, sys, time, warnings
from pathlib import Path
import numpy as np, pandas as pd, torch
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, data_arg, check_dir, sc_speaker as speaker, sc_split as speech_commands_split
from fastai_audio.all import *
from fastai_audio.recipes import recipe_batch_tfms, recipe_lr
from fastai_audio.test_utils import seed_hub_cache

def esc10_df(path):
    return pd.read_csv(path/'meta'/'esc10.csv')

def finetune(dls, arch, epochs, lr, seed):
    "Accuracy of `arch` fine-tuned on `dls` (one frozen epoch, then `epochs - 1` unfrozen), and the training seconds"
    set_seed(seed)
    learn = audio_learner(dls, arch, metrics=accuracy)
    t, c = time.time(), time.process_time()
    with learn.no_bar(), learn.no_logging(): learn.fine_tune(epochs - 1, lr, freeze_epochs=1)
    secs, cpu = time.time() - t, time.process_time() - c
    with learn.no_bar(): acc = float(learn.validate()[1])   # no progress bar on stdout, which holds the JSON
    return round(acc, 4), round(secs, 1), round(cpu, 1)

def pretrained_tfms(arch):
    "The recipe's batch transforms for fine-tuning `arch`: its front end (with its filterbank jitter), gain, shift, SpecAugment"
    return recipe_batch_tfms(arch=arch)

def run_pretrained_esc10(path, folds, arch, epochs, lr, bs, seed):
    a, df, res = get_arch(arch), esc10_df(path), {}
    for k in folds:
        dls = AudioDataLoaders.from_df(df, path, fn_col='filename', label_col='category', fold_col='fold', valid_fold=k,
                                       sr=a.sr, duration=5., batch_tfms=pretrained_tfms(arch), bs=bs, num_workers=0)
        acc, secs, cpu = finetune(dls, arch, epochs, lr, seed)
        res[str(k)] = {'accuracy': acc, 'train_seconds': secs, 'train_cpu_seconds': cpu, 'loadavg_after': os.getloadavg()[0]}
        print(f'{arch} fold {k}: {acc:.4f} in {secs:.0f} s ({cpu:.0f} s of CPU)', file=sys.stderr)
    return res

def run_scratch_esc10(path, folds, epochs, lr, bs, seed):
    "resnet18 from scratch with `fastai_audio train`'s defaults: the data's rate (44.1 kHz), 5-s clips, the recipe"
    df, res = esc10_df(path), {}
    for k in folds:
        dls = AudioDataLoaders.from_df(df, path, fn_col='filename', label_col='category', fold_col='fold', valid_fold=k,
                                       sr=44100, duration=5., batch_tfms=recipe_batch_tfms(44100), bs=bs, num_workers=0)
        set_seed(seed)
        learn = audio_learner(dls, resnet18, pretrained=False, metrics=accuracy)
        t, c = time.time(), time.process_time()
        with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(epochs, lr)
        secs, cpu = time.time() - t, time.process_time() - c
        with learn.no_bar(): acc = float(learn.validate()[1])
        res[str(k)] = {'accuracy': round(acc, 4), 'train_seconds': round(secs, 1),
                       'train_cpu_seconds': round(cpu, 1), 'loadavg_after': os.getloadavg()[0]}
        print(f'resnet18 scratch fold {k}: {res[str(k)]}', file=sys.stderr)
    return res

def run_pretrained_sc(path, arch, epochs, lr, bs, seed):
    a = get_arch(arch)
    files = get_audio_files(path)
    df = pd.DataFrame({'file': [str(f.relative_to(path)) for f in files], 'label': [f.parent.name for f in files],
                       'is_valid': speech_commands_split(files, seed=seed)})
    dls = AudioDataLoaders.from_df(df, path, fn_col='file', label_col='label', valid_col='is_valid', sr=a.sr, duration=1.,
                                   batch_tfms=pretrained_tfms(arch), bs=bs, num_workers=0)
    acc, secs, cpu = finetune(dls, arch, epochs, lr, seed)
    n_spk = len({speaker(f) for f in files if speaker(f)})
    return {'accuracy': acc, 'train_seconds': secs, 'train_cpu_seconds': cpu, 'train_clips': int((~df.is_valid).sum()), 'valid_clips': int(df.is_valid.sum()),
            'speakers': n_spk, 'speakers_overlap': len({speaker(f) for f, v in zip(files, df.is_valid) if v and speaker(f)}
                                                      & {speaker(f) for f, v in zip(files, df.is_valid) if not v and speaker(f)})}

def summary(per_fold):
    accs = [v['accuracy'] for v in per_fold.values()]
    return {'folds': per_fold, 'mean_accuracy': round(float(np.mean(accs)), 4),
            'max_train_seconds': max(v['train_seconds'] for v in per_fold.values()),
            'max_train_cpu_seconds': max(v['train_cpu_seconds'] for v in per_fold.values())}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arg(p, 'esc10', 'data/esc10', 'the ESC-10 folder')
    data_arg(p, 'speech-commands', 'data/speech_commands', 'the Speech Commands folder')
    p.add_argument('--runs', default='mn04_as,scratch,speech_commands')
    p.add_argument('--arch', default='mn04_as', help='the pretrained audio model to fine-tune')
    p.add_argument('--folds', default='1,2,3,4,5')
    p.add_argument('--epochs', type=int, default=5, help='fine-tuning epochs, the first with the body frozen')
    p.add_argument('--lr', type=float, default=None, help="fine-tuning learning rate (fastai fine_tune's base_lr; default: the recipe's)")
    p.add_argument('--bs', type=int, default=32)
    p.add_argument('--scratch-epochs', type=int, default=10, help="epochs of the from-scratch run (fastai_audio train's default)")
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    runs, folds = a.runs.split(','), [int(k) for k in a.folds.split(',')]
    a.lr = a.lr or recipe_lr(a.arch, pretrained=True)
    seed_hub_cache()   # the shared copy of the mn04_as checkpoint, where there is one: no download
    res = {'machine': machine(), 'seed': a.seed, 'folds': folds}
    t0 = time.time()
    warnings.filterwarnings('ignore', category=UserWarning)
    if a.arch in runs or 'mn04_as' in runs:
        esc = check_dir(a.esc10, 'ESC-10')
        res[f'esc10_{a.arch}_finetuned'] = {'epochs': a.epochs, 'lr': a.lr, 'bs': a.bs, 'sr': get_arch(a.arch).sr,
                                            **summary(run_pretrained_esc10(esc, folds, a.arch, a.epochs, a.lr, a.bs, a.seed))}
    print(json.dumps(res), file=sys.stderr)
    if 'speech_commands' in runs:
        sc = check_dir(a.speech_commands, 'Speech Commands')
        res[f'speech_commands_{a.arch}_finetuned_speaker_disjoint'] = {'epochs': a.epochs, 'lr': a.lr, 'bs': a.bs,
                                                                        **run_pretrained_sc(sc, a.arch, a.epochs, a.lr, a.bs, a.seed)}
        print(json.dumps(res), file=sys.stderr)
    if 'scratch' in runs:
        esc = check_dir(a.esc10, 'ESC-10')
        res['esc10_resnet18_scratch_cli_recipe'] = {'epochs': a.scratch_epochs, 'lr': 1e-2, 'bs': 32, 'sr': 44100,
                                                    **summary(run_scratch_esc10(esc, folds, a.scratch_epochs, 1e-2, 32, a.seed))}
    res['wall_seconds'] = round(time.time() - t0, 1)
    print(json.dumps(res))

if __name__ == '__main__': main()
