"""Does `train --balance` (class-weighted loss) help on unbalanced data? Pairs of ESC-10 classes, one of them cut to a few clips.

For each pair (common, rare): training on folds 2 to 5 with all 32 clips of the common class and `--n-rare` of the rare
one (a seeded sample), validation on fold 1 (8 clips of each). `train_on_folder` with `--arch` (mn04_as fine-tuned by
default), with and without `balance=True`; the balanced accuracy of its validation predictions and the rare class's recall.
Usage: python bench/balance.py [--esc10 DIR] [--arch mn04_as] [--n-rare 4] [--seeds 0]
Prints one JSON object.
"""
import argparse, contextlib, io, json, sys, tempfile, warnings
from pathlib import Path
import pandas as pd
from sklearn.metrics import balanced_accuracy_score
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, data_arg, check_dir
from fastai_audio.train import train_on_folder
from fastai_audio.datasets import esc_table
from fastai_audio.test_utils import seed_hub_cache

PAIRS = [('Dog bark', 'Rooster'), ('Rain', 'Person sneeze'), ('Chainsaw', 'Clock tick')]

def pair_split(table, data, common, rare, n_rare, seed):
    "The labels table of one unbalanced pair: `common` whole and `n_rare` clips of `rare` to train on, fold 1 of both to validate"
    sub = table[table.label.isin([common, rare])]
    train = sub[sub.fold != 1]
    keep = pd.concat([train[train.label == common], train[train.label == rare].sample(n_rare, random_state=seed), sub[sub.fold == 1]])
    return pd.DataFrame({'file': [Path(f).relative_to(data).as_posix() for f in keep.file], 'label': keep.label.values,
                         'is_valid': (keep.fold == 1).values})

def run(data, df, arch, seed, balance, rare):
    with tempfile.TemporaryDirectory() as tmp:
        df.to_csv(Path(tmp)/'labels.csv', index=False)
        with contextlib.redirect_stdout(io.StringIO()):
            train_on_folder(data, f'csv:{Path(tmp)/"labels.csv"}', arch=arch, seed=seed, out=Path(tmp)/'out', balance=balance)
        p = pd.read_csv(Path(tmp)/'out'/'predictions.csv', dtype={'label': str, 'actual': str}, keep_default_na=False)
    return {'balanced_accuracy': round(float(balanced_accuracy_score(p.actual, p.label)), 4),
            'rare_recall': round(float((p.label[p.actual == rare] == rare).mean()), 4)}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arg(p, 'esc10', 'data/esc10', 'the ESC-10 folder')
    p.add_argument('--arch', default='mn04_as')
    p.add_argument('--n-rare', type=int, default=4)
    p.add_argument('--seeds', default='0')
    a = p.parse_args()
    warnings.filterwarnings('ignore', category=UserWarning)
    seed_hub_cache()
    data = check_dir(a.esc10, 'ESC-10').resolve()
    table, res = esc_table(data), {'machine': machine(), 'arch': a.arch, 'n_rare': a.n_rare, 'pairs': {}}
    for common, rare in PAIRS:
        for seed in map(int, a.seeds.split(',')):
            df = pair_split(table, data, common, rare, a.n_rare, seed)
            res['pairs'].setdefault(f'{common}/{rare}', {})[str(seed)] = {
                f'balance={b}': run(data, df, a.arch, seed, b, rare) for b in (False, True)}
            print(json.dumps(res['pairs']), file=sys.stderr)
    print(json.dumps(res))

if __name__ == '__main__': main()
