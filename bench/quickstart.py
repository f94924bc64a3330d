"""The README's quick start and `make demo`, run as written on three seeds: accuracy and the largest validation loss.

`quickstart`: `synth_audio_dataset(n_per_class=20, seed=s)`, `mn04_as` with its front end and SpecAugment,
`fine_tune(3, 4e-3)`, split and training seeded with `s` too. `scratch`: the README's from-scratch section on the same
data (resnet18 with the whole recipe: `recipe_batch_tfms`, `recipe_epochs` (50 here), `recipe_lr`, `recipe_cbs`). `demo`: `fastai_audio demo --seed s`
(`run_demo`: 80 clips per class, resnet18 from scratch, 8 epochs), whose held-out accuracy is printed too.
Usage: python bench/quickstart.py [--runs quickstart,scratch,demo] [--seeds 0,1,2]
Prints one JSON object.
"""
import argparse, contextlib, io, json, sys, tempfile, time, warnings
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from common import machine
from fastai_audio.all import *
from fastai_audio.datasets import synth_audio_dataset
from fastai_audio.train import run_demo
from fastai_audio.test_utils import seed_hub_cache

def summary(learn, secs, values=None, **extra):
    vals = learn.recorder.values if values is None else values
    return {'accuracy': round(float(vals[-1][2]), 4), 'max_valid_loss': round(max(float(v[1]) for v in vals), 3),
            'valid_losses': [round(float(v[1]), 3) for v in vals], 'train_seconds': round(secs, 1), **extra}

def synth_dls(seed, batch_tfms, sr):
    path = synth_audio_dataset(Path(tempfile.mkdtemp())/'synth', n_per_class=20, seed=seed)
    return DataBlock(blocks=(AudioBlock(sr=sr, duration=1.), CategoryBlock), get_items=get_audio_files, get_y=parent_label,
                     splitter=RandomSplitter(valid_pct=.2, seed=seed), batch_tfms=batch_tfms).dataloaders(path, bs=16, num_workers=0)

def quickstart(seed):
    arch = get_arch('mn04_as')
    set_seed(seed)
    learn = audio_learner(synth_dls(seed, arch.front_end() + [MaskFreq(), MaskTime()], arch.sr), 'mn04_as', metrics=accuracy)
    t = time.time()
    with learn.no_bar(), learn.no_logging(): learn.fine_tune(3, 4e-3)
    return summary(learn, time.time() - t)

def scratch(seed):
    set_seed(seed)
    dls = synth_dls(seed, recipe_batch_tfms(16000, duration=1.), 16000)
    learn = audio_learner(dls, resnet18, pretrained=False, metrics=accuracy)
    t = time.time()
    with learn.no_bar(), learn.no_logging():
        learn.fit_one_cycle(recipe_epochs(dls.train.n, dls.train.bs), recipe_lr(), cbs=recipe_cbs())
    return summary(learn, time.time() - t)

def demo(seed):
    out = Path(tempfile.mkdtemp())/'demo_out'
    t, log = time.time(), io.StringIO()
    with contextlib.redirect_stdout(log): learn, _ = run_demo(out, seed=seed)
    history = pd.read_csv(out/'history.csv')   # the epoch table `run_demo` writes
    held = [l for l in log.getvalue().splitlines() if l.startswith('held-out accuracy')]
    return summary(learn, time.time() - t, values=history[['train_loss', 'valid_loss', 'accuracy']].values.tolist(),
                   held_out_accuracy=float(held[0].split()[2]) if held else None)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--runs', default='quickstart,scratch,demo')
    p.add_argument('--seeds', default='0,1,2')
    a = p.parse_args()
    warnings.filterwarnings('ignore', category=UserWarning)
    seed_hub_cache()   # the shared copy of the mn04_as checkpoint, where there is one: no download
    runs, seeds = a.runs.split(','), [int(s) for s in a.seeds.split(',')]
    res, t0 = {'machine': machine(), 'seeds': seeds}, time.time()
    for name in runs:
        per = {str(s): {'quickstart': quickstart, 'scratch': scratch, 'demo': demo}[name](s) for s in seeds}
        res[name] = {'seeds': per, 'min_accuracy': min(v['accuracy'] for v in per.values()),
                     'max_valid_loss': max(v['max_valid_loss'] for v in per.values())}
        print(json.dumps({name: res[name]}), file=sys.stderr)
    res['wall_seconds'] = round(time.time() - t0, 1)
    print(json.dumps(res))

if __name__ == '__main__': main()
