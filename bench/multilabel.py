"""Multi-label tagging of real recordings: mixtures of 1 to 3 ESC-10 clips (`datasets.esc10_mixtures`: folds 2 to 5 for
training, fold 1 for validation, sources trimmed to where they sound, at random gains and offsets), through
`fastai_audio train DIR --labels csv:labels.csv --label-delim ';'` with its defaults.

For each architecture and seed: the macro and micro mAP of the validation mixtures (scikit-learn's average precision,
`metrics.mean_average_precision`) and the micro and macro F1 at the thresholds `train` chose on them and stored with the
model (`weights.json`), all computed from the `predictions.csv` that `train` writes; and the training time.
Usage: python bench/multilabel.py [--arch mn04_as[,resnet18]] [--seeds 0] [--n-train 1000] [--n-valid 200] [--data DIR] [--no-match-head]
Prints one JSON object; the command line's reports go to stderr.
"""
import argparse, contextlib, json, sys, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, data_arg, check_dir
from fastai_audio.train import train_on_folder
from fastai_audio.datasets import esc10_mixtures
from fastai_audio.metrics import mean_average_precision, f1_at
from fastai_audio.test_utils import seed_hub_cache

def mixtures(esc10, dest, n_train, n_valid):
    "The labels table of `dest` (made once): file relative to `dest`, labels joined by ';', is_valid"
    if not (dest/'labels.csv').is_file():
        if not all((dest/part/'labels.csv').is_file() for part in ('train', 'valid')): esc10_mixtures(esc10, dest, n_train, n_valid, seed=0)
        tables = [pd.read_csv(dest/part/'labels.csv', keep_default_na=False).assign(file=lambda d, p=part: p + '/' + d.file, is_valid=part == 'valid')
                  for part in ('train', 'valid')]
        pd.concat(tables, ignore_index=True).to_csv(dest/'labels.csv', index=False)
    return pd.read_csv(dest/'labels.csv', keep_default_na=False)

def run(data, arch, seed, match_head=True):
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.time()
        with contextlib.redirect_stdout(sys.stderr):
            learn, _ = train_on_folder(data, 'csv:labels.csv', arch=arch, seed=seed, label_delim=';', out=Path(tmp)/'out', match_head=match_head)
        seconds = time.time() - t0
        preds = pd.read_csv(Path(tmp)/'out'/'predictions.csv', keep_default_na=False)
        cfg = json.loads((Path(tmp)/'out'/'weights.json').read_text())
        history = pd.read_csv(Path(tmp)/'out'/'history.csv')
    vocab, th = cfg['vocab'], np.array(cfg['thresholds'])
    probs = preds[vocab].values
    targs = np.array([[c in set(a.split(';')) - {''} for c in vocab] for a in preds.actual], dtype=int)
    return {'macro_map': round(mean_average_precision(probs, targs), 4), 'micro_map': round(mean_average_precision(probs, targs, 'micro'), 4),
            'micro_f1': round(f1_at(probs, targs, th), 4), 'macro_f1': round(f1_at(probs, targs, th, 'macro'), 4),
            'f1_at_0.5': round(f1_at(probs, targs, .5), 4), 'epochs': len(history), 'seconds': round(seconds, 1),
            'head_matches': len(getattr(learn, 'head_matches', {}) or {}), 'valid_clips': len(preds)}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arg(p, 'esc10', 'data/esc10', 'the ESC-10 folder')
    p.add_argument('--data', type=Path, default=Path(tempfile.gettempdir())/'fastai_audio_esc10_mixtures', help='where the mixtures are made (once)')
    p.add_argument('--arch', default='mn04_as')
    p.add_argument('--seeds', default='0')
    p.add_argument('--n-train', type=int, default=1000)
    p.add_argument('--n-valid', type=int, default=200)
    p.add_argument('--no-match-head', action='store_true', help='start the new head from random weights, not from the AudioSet outputs of classes named alike')
    a = p.parse_args()
    warnings.filterwarnings('ignore', category=UserWarning)
    seed_hub_cache()
    t0 = time.time()
    table = mixtures(check_dir(a.esc10, 'ESC-10'), a.data, a.n_train, a.n_valid)
    res = {'machine': machine(), 'match_head': not a.no_match_head, 'data': {'train': int((~table.is_valid).sum()), 'valid': int(table.is_valid.sum()),
                                          'sources_per_mixture': table.labels.str.count(';').add(1).value_counts().sort_index().to_dict()},
           'archs': {}}
    for arch in a.arch.split(','):
        per = {s: run(a.data, arch, int(s), not a.no_match_head) for s in a.seeds.split(',')}
        summary = {k: round(float(np.mean([r[k] for r in per.values()])), 4) for k in ('macro_map', 'micro_f1')}
        res['archs'][arch] = {'seeds': per, 'mean': summary}
        print(json.dumps(res), file=sys.stderr)
    res['wall_seconds'] = round(time.time() - t0, 1)
    print(json.dumps(res))

if __name__ == '__main__': main()
