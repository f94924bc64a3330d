"""Where an epoch of `fastai_audio train --arch mn04_as` goes, beside the EfficientAT authors' loop on the same split.

ESC-10 with fold 1 held out (320 training clips). The recipe is `folder_recipe`'s, the DataLoaders and learner those
`train` builds (decoded clips cached in memory, the recipe's batch transforms, `PreciseBN`). After one epoch that fills
the cache, each step is timed over one epoch's batches:
- `data`: loading from the cache, cropping and collating, and the batch transforms (gain, time shift, the log-mel front
  end, SpecAugment), with no model;
- `model`: forward, loss, backward and optimiser step on those batches, made beforehand;
- `precise_bn`: the training batches run forward again before validation (`PreciseBN`, `update_bn_stats`);
- `validation`: `learn.validate()`;
- `epoch`: one epoch of `fit_one_cycle` as `train` runs it (all of the above).
With `--efficientat DIR` (a clone of github.com/fschmid56/EfficientAT), `authors_loop_epoch` is the seconds per epoch
of their loop (`bench/authors_loop.py`, two epochs) on the same split, with their augmentation.
Usage: python bench/epoch_time.py [--esc10 DIR] [--efficientat DIR] [--repeats 2]
Prints one JSON object; run it alone on the machine.
"""
import argparse, contextlib, io, json, sys, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd, torch
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, data_arg, check_dir
from fastai_audio.train import folder_recipe
from fastai_audio.labels import list_audio_files, labels_dls
from fastai_audio.learner import update_bn_stats
from fastai_audio.datasets import esc_table
from fastai_audio.test_utils import seed_hub_cache
from fastai.metrics import accuracy

def timed(f):
    t = time.perf_counter(); f(); return time.perf_counter() - t

def model_steps(learn, batches):
    "Forward, loss, backward and step over `batches`, as fastai's training loop does them"
    learn.model.train()
    for xb, yb in batches:
        loss = learn.loss_func(learn.model(xb), yb)
        loss.backward(); learn.opt.step(); learn.opt.zero_grad()

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arg(p, 'esc10', 'data/esc10', 'the ESC-10 folder')
    p.add_argument('--efficientat', type=Path, default=None, help='a clone of github.com/fschmid56/EfficientAT, for their loop')
    p.add_argument('--repeats', type=int, default=2, help='each step timed this many times; the fastest is kept')
    a = p.parse_args()
    warnings.filterwarnings('ignore', category=UserWarning)
    seed_hub_cache()
    data = check_dir(a.esc10, 'ESC-10').resolve()
    table = esc_table(data)
    df = pd.DataFrame({'file': [Path(f).relative_to(data).as_posix() for f in table.file], 'label': table.label, 'is_valid': table.fold == 1})
    res = {'machine': machine(), 'split': 'ESC-10, fold 1 held out', 'seconds': {}}
    with tempfile.TemporaryDirectory() as tmp:
        df.to_csv(Path(tmp)/'labels.csv', index=False)
        files = list_audio_files([data])
        recipe = folder_recipe(data, 'mn04_as', files)
        dls = labels_dls(data, f'csv:{Path(tmp)/"labels.csv"}', files, sr=recipe.sr, duration=recipe.duration, bs=recipe.bs,
                         batch_tfms=recipe.batch_tfms(), num_workers=0, cache='memory', seed=0)
        learn = recipe.learner(dls, metrics=accuracy)
        learn.unfreeze(); learn.create_opt()
        res['recipe'], res['train_batches'] = recipe.as_dict(), len(dls.train)
        fill = timed(lambda: list(dls.train))   # the first epoch decodes and resamples every clip into the cache
        batches = []
        best = lambda f: min(timed(f) for _ in range(a.repeats))
        res['seconds']['first_pass_decoding'] = round(fill, 2)
        res['seconds']['data'] = round(best(lambda: batches.__setitem__(slice(None), list(dls.train))), 2)
        res['seconds']['model'] = round(best(lambda: model_steps(learn, batches)), 2)
        res['seconds']['precise_bn'] = round(best(lambda: update_bn_stats(learn.model, dls.train, 20)), 2)
        with learn.no_bar(), learn.no_logging():
            res['seconds']['validation'] = round(best(lambda: learn.validate()), 2)
            res['seconds']['epoch'] = round(best(lambda: learn.fit_one_cycle(1, slice(recipe.lr / 10, recipe.lr))), 2)
    if a.efficientat is not None:
        from authors_loop import run, seed_their_checkpoint
        repo = check_dir(a.efficientat, 'the EfficientAT clone').resolve()
        seed_their_checkpoint(repo)
        with contextlib.redirect_stdout(sys.stderr): theirs = run(repo, data, df, epochs=2, seed=0)
        res['seconds']['authors_loop_epoch'] = theirs['seconds_per_epoch']
        res['ratio_to_authors'] = round(res['seconds']['epoch'] / theirs['seconds_per_epoch'], 2)
    print(json.dumps(res))

if __name__ == '__main__': main()
