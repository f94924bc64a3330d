"""Every shared dataset through `fastai_audio train` with its defaults, fine-tuned (`--arch mn04_as`), from scratch
(`--arch resnet18`) and with no `--arch` at all (the recipe's own choice), beside AudioSet's own head with no training.

Splits, from the library's dataset tables:
- `esc10`: ESC-10's five official folds (`esc_table`), one held out at a time;
- `instruments`: the FSDKaggle2018 instruments, stratified 5-fold cross-validation, seed 0 (scikit-learn's
  `StratifiedKFold`), as its README asks;
- `speech_commands`: 20% of the speakers held out with every clip they recorded (`speaker_split`, seed 0);
- `fsdd`: FSDD's official split (take 0-4 of each digit and speaker is the test set; `fsdd_table`);
- `esc10_long`: short sounds in long clips, made from ESC-10 (`esc10_long`): each clip trimmed to where it sounds and
  placed at a random time in a clip of 1 to 25 s over quiet noise; ESC-10's folds, one held out at a time.

`linear_probe` (with `--probe`): a logistic regression on `mn04_as`'s clip embeddings, C chosen on the training clips
alone, as the measure of what the pretrained features hold before any fine-tuning.
`zero_shot`: AudioSet's head of `mn04_as`, restricted to the outputs whose names match the classes (`match_labels`),
on the same validation files, where every class of the dataset has such an output. Each training entry gives the
accuracy `train` reports (its validation clips, cropped as in training) and `file_accuracy`: the accuracy of its
`predictions.csv`, each whole file predicted window by window, as `fastai_audio predict` would.
Usage: python bench/domains.py [--runs esc10,instruments,speech_commands,fsdd,esc10_long] [--arch mn04_as,resnet18,auto] [--folds 1,2,3,4,5] [--seed 0] [--no-match-head] [--epochs N] [--duration S] [--probe]
Prints one JSON object; the command line's reports go to stderr.
"""
import argparse, contextlib, json, sys, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, data_arg, check_dir
from fastai_audio.train import train_on_folder, folder_recipe
from fastai_audio.datasets import esc_table, folder_table, speech_commands_table, speaker_split, fsdd_table
from fastai_audio.core import get_audio_files
from fastai_audio.models import match_labels
from fastai_audio.test_utils import seed_hub_cache
from fastai_audio.cli import _number   # the bounds `fastai_audio train --duration` takes

def train(data, df, arch, seed, match_head=True, epochs=None, duration=None):
    "`fastai_audio train DATA --labels csv:<df> [--arch ARCH] --seed SEED`: its recipe, accuracy, the whole-file accuracy of its predictions, seconds"
    t0 = time.time()
    recipe = folder_recipe(data, arch, epochs=epochs, duration=duration)   # what train will do ('auto': its choice too), planned and printed first
    with tempfile.TemporaryDirectory() as tmp:
        df[['file', 'label', 'is_valid']].to_csv(Path(tmp)/'labels.csv', index=False)
        with contextlib.redirect_stdout(sys.stderr):
            print(recipe)
            learn, _ = train_on_folder(data, f'csv:{Path(tmp)/"labels.csv"}', seed=seed, out=Path(tmp)/'out', match_head=match_head, recipe=recipe)
        seconds = time.time() - t0
        history = pd.read_csv(Path(tmp)/'out'/'history.csv')
        preds = pd.read_csv(Path(tmp)/'out'/'predictions.csv', dtype={'label': str, 'actual': str}, keep_default_na=False)   # digits and 'NA' stay strings, as in the labels
    file_acc = float((preds.label == preds.actual).mean())   # what train's whole-file line prints
    return {'arch': recipe.arch.name, 'pretrained': recipe.pretrained,
            'accuracy': round(float(history.accuracy.iloc[-1]), 4), 'file_accuracy': round(file_acc, 4), 'epochs': len(history),
            'head_matches': len(getattr(learn, 'head_matches', {}) or {}), 'seconds': round(seconds, 1),
            'train_clips': int((~df.is_valid).sum()), 'valid_clips': int(df.is_valid.sum()), 'recipe': recipe.as_dict()}

def zero_shot(data, df):
    "Accuracy of mn04_as's AudioSet head restricted to the outputs named like the classes, or None where a class has none"
    from fastai_audio.audioset import AudioTagger
    classes = sorted(df.label.unique())
    tagger = AudioTagger('mn04_as')
    rows = match_labels(classes, tagger.labels)
    if len(rows) < len(classes): return {'matched': len(rows), 'classes': len(classes), 'accuracy': None}
    valid = df[df.is_valid]
    cols = [rows[i] for i in range(len(classes))]
    pred = [classes[int(tagger.probs(Path(data)/f, reduce='mean')[cols].argmax())] for f in valid.file]
    return {'matched': len(rows), 'classes': len(classes), 'accuracy': round(float(np.mean(np.array(pred) == valid.label.values)), 4)}

def linear_probe(data, df, embeddings):
    "Accuracy of a logistic regression on mn04_as's clip embeddings (`AudioTagger.embed`, its windows averaged), its C chosen by 5-fold cross-validation on the training clips alone; `embeddings` caches them by file"
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from fastai_audio.audioset import AudioTagger
    todo = [f for f in df.file if f not in embeddings]
    if todo:
        tagger = AudioTagger('mn04_as')
        embeddings.update(zip(todo, tagger.embed([Path(data)/f for f in todo]).numpy()))
    X, y, valid = np.stack([embeddings[f] for f in df.file]), df.label.values, df.is_valid.values
    probe = make_pipeline(StandardScaler(), LogisticRegressionCV(Cs=[.01, .03, .1, .3, 1.], cv=5, max_iter=5000)).fit(X[~valid], y[~valid])
    return {'accuracy': round(float((probe.predict(X[valid]) == y[valid]).mean()), 4), 'C': float(probe[-1].C_[0])}

def esc10_long(esc10, dest, seed=0, sr=32000, seconds=(1., 25.), snr_db=(20., 40.)):
    "Write ESC-10 (at `esc10`, the folder with meta/esc10.csv) again in `dest` as short sounds in long clips: each clip trimmed to where it sounds (`active_span`) and placed at a random time in a clip of `seconds` (log-uniform, at least the sound's length) over white noise `snr_db` below it; the same names, folds and meta CSV"
    from fastai_audio.datasets import active_span, _load_mono, _write_clip
    meta, rng = pd.read_csv(Path(esc10)/'meta'/'esc10.csv'), np.random.default_rng(seed)
    for f in meta.filename:
        x = _load_mono(Path(esc10)/f, sr)
        s, e = (int(round(v * sr)) for v in active_span(x, sr))
        if e <= s: raise ValueError(f'{Path(esc10)/f}: silent, nothing to place')
        x, n = x[s:e], max(e - s, int(np.exp(rng.uniform(*np.log(seconds))) * sr))
        clip = rng.normal(0, np.sqrt(np.mean(x**2)) * 10**(-rng.uniform(*snr_db) / 20), n)
        at = rng.integers(0, n - len(x) + 1)
        clip[at:at + len(x)] += x
        fn = Path(dest)/Path(f).with_suffix('.wav')
        fn.parent.mkdir(parents=True, exist_ok=True)
        _write_clip(fn, clip / max(1., np.abs(clip).max() / .99), sr)   # scaled down only where the noise took it past full scale
    (Path(dest)/'meta').mkdir(exist_ok=True)
    meta.assign(filename=meta.filename.map(lambda f: Path(f).with_suffix('.wav').as_posix())).to_csv(Path(dest)/'meta'/'esc10.csv', index=False)
    return Path(dest)

def rel(files, data): return [Path(f).resolve().relative_to(Path(data).resolve()).as_posix() for f in files]

def splits(name, path, folds, seed):
    "(fold name, DataFrame of file (relative to `path`), label, is_valid) for each split of dataset `name`"
    if name in ('esc10', 'esc10_long'):   # esc10_long keeps ESC-10's names and folds
        t = esc_table(path)
        for k in folds: yield str(k), pd.DataFrame({'file': rel(t.file, path), 'label': t.label, 'is_valid': t.fold == k})
    elif name == 'instruments':
        from sklearn.model_selection import StratifiedKFold
        t = folder_table(path)
        for k, (_, va) in enumerate(StratifiedKFold(5, shuffle=True, random_state=seed).split(t.file, t.label), 1):
            if k in folds: yield str(k), pd.DataFrame({'file': rel(t.file, path), 'label': t.label, 'is_valid': np.isin(np.arange(len(t)), va)})
    elif name == 'speech_commands':
        t = speech_commands_table(path)
        yield 'speakers', pd.DataFrame({'file': t.fname, 'label': t.label, 'is_valid': speaker_split(t.speaker, seed=seed)})
    elif name == 'fsdd':
        t = fsdd_table(get_audio_files(path))
        yield 'official', pd.DataFrame({'file': rel(t.file, path), 'label': t.digit, 'is_valid': t['index'] < 5})

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arg(p, 'esc10', 'data/esc10', 'the ESC-10 folder')
    data_arg(p, 'instruments', 'data/fsdkaggle2018_instruments', 'the FSDKaggle2018 instruments folder')
    data_arg(p, 'speech-commands', 'data/speech_commands', 'the Speech Commands folder')
    data_arg(p, 'fsdd', 'data/fsdd/recordings', 'the FSDD recordings folder')
    p.add_argument('--runs', default='esc10,instruments,speech_commands,fsdd', help='datasets, comma-separated: esc10, instruments, speech_commands, fsdd, esc10_long (made from esc10)')
    p.add_argument('--arch', default='mn04_as,resnet18,auto', help="--arch values of fastai_audio train; 'auto' leaves it out; '' trains none")
    p.add_argument('--folds', default='1,2,3,4,5', help='the folds of esc10 and instruments to hold out')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--no-zero-shot', action='store_true')
    p.add_argument('--probe', action='store_true', help="also a linear probe: logistic regression on mn04_as's embeddings")
    p.add_argument('--epochs', type=int, default=None, help="fixed epochs instead of the recipe's rule (to measure another)")
    p.add_argument('--duration', type=_number(float, at_least=.01, at_most=600), default=None, help="seconds of the training crops instead of the recipe's (`recipe_duration`), to measure another")
    p.add_argument('--no-match-head', action='store_true', help='start new heads from random weights, not from the AudioSet outputs of classes named alike')
    a = p.parse_args()
    warnings.filterwarnings('ignore', category=UserWarning)
    seed_hub_cache()
    folds, res, t0 = [int(k) for k in a.folds.split(',')], {'machine': machine(), 'seed': a.seed, 'epochs': a.epochs or 'the recipe', 'duration': a.duration or 'the recipe', 'datasets': {}}, time.time()
    embeddings = {}
    paths = {'esc10': a.esc10, 'instruments': a.instruments, 'speech_commands': a.speech_commands, 'fsdd': a.fsdd}
    runs = a.runs.split(',')
    unknown = [r for r in runs if r not in (*paths, 'esc10_long')]
    if unknown: p.error(f"--runs: {unknown[0]!r} is none of {', '.join([*paths, 'esc10_long'])}")
    for name in runs:
        if name == 'esc10_long':
            with tempfile.TemporaryDirectory(prefix='esc10_long_') as tmp:   # made for the run, removed after it
                run_dataset(name, esc10_long(check_dir(a.esc10, 'esc10'), tmp, a.seed), a, folds, res, embeddings)
        else: run_dataset(name, check_dir(paths[name], name), a, folds, res, embeddings)
    res['wall_seconds'] = round(time.time() - t0, 1)
    print(json.dumps(res))

def run_dataset(name, path, a, folds, res, embeddings):
    "Every split of the dataset `name` in `path` through what the arguments `a` ask (zero-shot, probe, each arch), into `res['datasets'][name]`"
    out = res['datasets'].setdefault(name, {})
    for split, df in splits(name, path, folds, a.seed):
        if not a.no_zero_shot: out.setdefault('zero_shot', {})[split] = zero_shot(path, df)
        if a.probe: out.setdefault('linear_probe', {})[split] = linear_probe(path, df, embeddings.setdefault(name, {}))
        for arch in filter(None, a.arch.split(',')):
            out.setdefault(arch, {})[split] = train(path, df, arch, a.seed, not a.no_match_head, a.epochs, a.duration)
            print(f'{name} {split} {arch}: {out[arch][split]}', file=sys.stderr)
    for per in out.values():
        for key in ('accuracy', 'file_accuracy'):
            vals = [v[key] for v in per.values() if isinstance(v, dict) and v.get(key) is not None]   # the splits, not a mean of a run before
            if len(vals) > 1: per[f'mean_{key}'] = round(float(np.mean(vals)), 4)
    print(json.dumps(res), file=sys.stderr)

if __name__ == '__main__': main()
