"""Real recordings through `fastai_audio train` with its defaults: ESC-10 (five folds), Speech Commands (speakers
held out) and FSDD (official split, and each speaker held out).

Every run calls `train_on_folder`, the function behind `fastai_audio train DATA --labels csv:SPLIT.csv`, with nothing
but the data, a labels file carrying the split (`is_valid`), the seed and `--arch` (resnet18 from scratch by default;
`--arch mn04_as` fine-tunes the AudioSet model; `--arch mn04_as,resnet18` measures both in one run, side by side).
Sample rate, clip length, epochs, learning rate, augmentations and test-time augmentation are the command line's: each
entry gives `accuracy` (the last epoch's, one pass) and `tta_accuracy` (with the recipe's `tta` augmented passes, as the
command line reports it). ESC-10: train on four folds, test on the fifth. Speech Commands: 20% of the 199 speakers (seeded)
held out with every clip they recorded. FSDD: file index 0-4 is the official test set; `fsdd_speakers` holds out each
of the five speakers in turn.
Usage: python bench/real.py [--runs esc10,speech_commands,fsdd_official,fsdd_speakers] [--arch resnet18[,mn04_as]] [--seeds 0]
       [--folds 1,2,3,4,5] [--speakers george,jackson,...]
Prints one JSON object; the command line's reports go to stderr.
"""
import argparse, contextlib, itertools, json, sys, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, data_arg, check_dir
from fastai_audio.train import train_on_folder, folder_recipe, validation_accuracy
from fastai_audio.core import get_audio_files
from fastai_audio.datasets import speech_commands_table, speaker_split, esc_table, fsdd_table, FSDD_SPEAKERS
from fastai_audio.test_utils import seed_hub_cache

def train(data, df, arch, seed):
    "`fastai_audio train DATA --labels csv:<df> --arch ARCH --seed SEED`: its recipe, accuracy, training seconds, epochs, largest validation loss"
    recipe = folder_recipe(data, arch)   # what train will do, planned and printed first
    with tempfile.TemporaryDirectory() as tmp:
        df.to_csv(Path(tmp)/'labels.csv', index=False)
        with contextlib.redirect_stdout(sys.stderr):   # the command line's report
            print(recipe)
            learn, _ = train_on_folder(data, f'csv:{Path(tmp)/"labels.csv"}', seed=seed, out=Path(tmp)/'out', recipe=recipe)
        history = pd.read_csv(Path(tmp)/'out'/'history.csv')   # the epoch table it writes
    return {'sr': recipe.sr, 'duration': recipe.duration, 'lr': recipe.lr, 'accuracy': round(float(history.accuracy.iloc[-1]), 4),
            'tta': recipe.tta, 'tta_accuracy': round(validation_accuracy(learn, recipe.tta), 4),
            'train_seconds': round(float(history.seconds.sum()), 1), 'epochs': len(history),
            'max_valid_loss': round(float(history.valid_loss.max()), 3), 'train_clips': int((~df.is_valid).sum()),
            'valid_clips': int(df.is_valid.sum()), 'recipe': recipe.as_dict()}

def rel(files, data): return [Path(f).resolve().relative_to(Path(data).resolve()).as_posix() for f in files]

def esc10_runs(path, folds, arch, seed):
    table, res = esc_table(path), {}
    for k in folds:
        df = pd.DataFrame({'file': rel(table.file, path), 'label': table.label, 'is_valid': table.fold == k})
        res[str(k)] = train(path, df, arch, seed)
        print(f'esc10 fold {k}: {res[str(k)]}', file=sys.stderr)
    return res

def speech_commands_run(path, arch, seed):
    table = speech_commands_table(path)   # fname, label, speaker of each clip in the class folders
    df = pd.DataFrame({'file': table.fname, 'label': table.label, 'is_valid': speaker_split(table.speaker, seed=seed)})
    r = train(path, df, arch, seed)
    held, seen = set(table.speaker[df.is_valid].dropna()), set(table.speaker[~df.is_valid].dropna())
    return {**r, 'valid_speakers': len(held), 'speakers_in_both': len(held & seen)}

def fsdd_df(path, is_valid):
    "FSDD's clips at `path` labelled by digit (`fsdd_table`), `is_valid` a function of a table row"
    table = fsdd_table(get_audio_files(path))
    return pd.DataFrame({'file': rel(table.file, path), 'label': table.digit.astype(str), 'is_valid': table.apply(is_valid, axis=1)})

def mean_of(per, key='accuracy'): return round(float(np.mean([v[key] for v in per.values()])), 4)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arg(p, 'esc10', 'data/esc10', 'the ESC-10 folder')
    data_arg(p, 'speech-commands', 'data/speech_commands', 'the Speech Commands folder')
    data_arg(p, 'fsdd', 'data/fsdd/recordings', 'the FSDD recordings folder')
    p.add_argument('--runs', default='esc10,speech_commands,fsdd_official,fsdd_speakers')
    p.add_argument('--arch', default='resnet18', help="--arch of fastai_audio train (default: resnet18 from scratch; 'auto' is the command line's default); several, comma-separated, are measured one after the other")
    p.add_argument('--seeds', default='0')
    p.add_argument('--folds', default='1,2,3,4,5')
    p.add_argument('--speakers', default=','.join(FSDD_SPEAKERS))
    a = p.parse_args()
    warnings.filterwarnings('ignore', category=UserWarning)
    seed_hub_cache()   # the shared copy of the mn04_as checkpoint, where there is one: no download
    runs, seeds = a.runs.split(','), [int(s) for s in a.seeds.split(',')]
    res, t0 = {'machine': machine(), 'command': 'fastai_audio train DATA --labels csv:SPLIT.csv --arch ARCH --seed SEED', 'archs': {}}, time.time()
    for arch, seed in itertools.product(a.arch.split(','), seeds):
        r = res['archs'].setdefault(arch, {}).setdefault('seeds', {}).setdefault(str(seed), {})
        if 'esc10' in runs:
            per = esc10_runs(check_dir(a.esc10, 'ESC-10'), [int(k) for k in a.folds.split(',')], arch, seed)
            r['esc10'] = {'folds': per, 'mean_accuracy': mean_of(per), 'mean_tta_accuracy': mean_of(per, 'tta_accuracy'), 'max_train_seconds': max(v['train_seconds'] for v in per.values())}
        if 'speech_commands' in runs:
            r['speech_commands_speaker_disjoint'] = speech_commands_run(check_dir(a.speech_commands, 'Speech Commands'), arch, seed)
        fsdd = check_dir(a.fsdd, 'FSDD') if any(x.startswith('fsdd') for x in runs) else None
        if 'fsdd_official' in runs:
            r['fsdd_official'] = train(fsdd, fsdd_df(fsdd, lambda r: r['index'] < 5), arch, seed)
        if 'fsdd_speakers' in runs:
            per = {s: train(fsdd, fsdd_df(fsdd, lambda r, s=s: r.speaker == s), arch, seed) for s in a.speakers.split(',')}
            r['fsdd_leave_one_speaker_out'] = {'held_out': per, 'mean_accuracy': mean_of(per), 'mean_tta_accuracy': mean_of(per, 'tta_accuracy')}
        print(json.dumps(res), file=sys.stderr)
    res['wall_seconds'] = round(time.time() - t0, 1)
    print(json.dumps(res))

if __name__ == '__main__': main()
