"""Sound event detection on soundscapes made from real recordings: ten-second scenes of an ESC-10 steady background
(rain, sea waves, crackling fire, helicopter, chainsaw) with 1 to 5 events of the other five classes (dog, baby cry,
clock tick, sneeze, rooster) at 0 to 20 dB SNR, each event annotated as the parts of it that sound
(`datasets.esc10_soundscapes`: folds 2 to 5 for training, fold 1 for the scenes scored).

The learner is what `fastai_audio train DIR --events TSV` trains (`detect.train_events` with its defaults: `mn04_as`,
its AudioSet body, frame scores every 10 ms, crops of the training scenes with their frame targets; `--weak`: each
crop's clip labels only). The recipe's schedule, then the post-processing (median filter, and per class a threshold,
a minimum length and a minimum gap) chosen on the fifth of the training scenes it holds out, never on the scenes
scored. Then every fold-1 scene is detected whole (`learn.detect`) and scored with sed_eval (segment-based F1 and error
rate over 1-s segments, event-based F1 and error rate with a 200-ms onset collar, offset collar the larger of 200 ms
and 20% of the event) and sed_scores_eval (PSDS1).
`--select-fold K` judges a recipe on training folds alone: it trains on `--n-select-train` (1,600) scenes of the training folds but
K and tunes on 200 scenes of fold K, recordings it never heard (the held-out fifth of the default mixes the recordings
it trains on), and reports the frame F1 on those at the end of training (`selection_frame_f1`) beside the fold-1 scores.
`--lr` and `--augment` (`event_augmentations`) are the recipe's settings to compare that way.
Usage: python bench/events.py [--arch mn04_as] [--seeds 0] [--n-train 2000] [--n-valid 200] [--epochs N] [--weak] [--data DIR]
       [--select-fold K [--n-select-train 1600]] [--lr 4e-3] [--augment]
Prints one JSON object; training logs go to stderr. The scenes are made once in `--data` and made again when the
generator's settings recorded there (`scenes.json`) differ.
"""
import argparse, contextlib, json, sys, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, data_arg, check_dir
from fastai_audio.datasets import esc10_soundscapes, esc_table, make_soundscapes, ESC10_BACKGROUNDS
from fastai_audio.events import read_events, sed_metrics, psds1
from fastai_audio.sed import event_settings
from fastai_audio.detect import train_events
from fastai_audio.test_utils import seed_hub_cache

SCENES = dict(version=2, annotation='sounding parts (part_db=20, min_silence=.25)')   # bump when the generator changes

def made_once(dest, want, make):
    "Call `make()` unless `dest/scenes.json` records that the scenes there were made with the settings `want`"
    marker = dest/'scenes.json'
    if marker.is_file() and json.loads(marker.read_text()) == want: return
    marker.unlink(missing_ok=True)
    make()
    marker.write_text(json.dumps(want))   # written last: the scenes are complete

def scenes(esc10, dest, n_train, n_valid):
    "The training and scored scenes in `dest` (made again unless made with these settings), and their events tables"
    made_once(dest, {**SCENES, 'n_train': n_train, 'n_valid': n_valid}, lambda: esc10_soundscapes(esc10, dest, n_train, n_valid, seed=0))
    return read_events(dest/'train'/'events.tsv'), read_events(dest/'valid'/'events.tsv')

def selection_scenes(esc10, dest, fold, n_train, n_tune=200):
    "Scenes to train on from the training folds other than `fold`, and `n_tune` to tune on from `fold` (the seeds of `esc10_soundscapes`' sides, and a third), made once in `dest`"
    t = esc_table(esc10, esc10=True)
    if fold == 1 or fold not in set(t.fold): raise ValueError(f'select fold {fold}: must be one of the training folds {sorted(set(t.fold) - {1})}')
    trn = t[t.fold != 1]
    def make():
        for side, s, n, k in (('train', trn[trn.fold != fold], n_train, 1), ('tune', trn[trn.fold == fold], n_tune, 3)):
            bg = s.label.isin(ESC10_BACKGROUNDS)
            make_soundscapes(s[bg], s[~bg], dest/side, n, seed=(0, k))
    made_once(dest, {**SCENES, 'select_fold': fold, 'n_train': n_train, 'n_tune': n_tune}, make)
    return read_events(dest/'train'/'events.tsv'), read_events(dest/'tune'/'events.tsv')

def run(dest, train_ev, valid_ev, arch, seed, epochs, weak, lr=4e-3, augment=False, select=None):
    "Train and tune (on `select`'s (folder, events) if given, else a held-out fifth), then detect and score the fold-1 scenes"
    t0 = time.time()
    train_dir, tune = (dest/'train', {}) if select is None else (select[0]/'train', dict(valid_events=select[1], valid_dir=select[0]/'tune'))
    with contextlib.redirect_stdout(sys.stderr):
        learn = train_events(train_dir, train_ev, arch=arch, epochs=epochs, weak=weak, seed=seed, lr=lr, augment=augment, **tune)
    train_s, post = time.time() - t0, learn.postprocessing
    files = sorted(set(valid_ev.filename))
    t1 = time.time()
    found = pd.concat([learn.detect(dest/'valid'/f) for f in files], ignore_index=True)
    detect_s = time.time() - t1
    s = event_settings(learn.dls)
    scores = {f: learn.frame_scores(dest/'valid'/f) for f in files}
    durations = pd.read_csv(dest/'valid'/'durations.tsv', sep='\t').set_index('filename').duration.to_dict()
    m = sed_metrics(valid_ev, found, durations, vocab=list(s.vocab))
    res = {k: round(float(v), 4) for k, v in m.items() if np.isscalar(v)}
    res['per_class'] = {l: {k: round(float(v), 4) for k, v in c.items()} for l, c in m['per_class'].items()}
    res['psds1'] = round(float(psds1(scores, valid_ev, durations, vocab=list(s.vocab), hop=s.hop)), 4)
    sel = {} if select is None or weak else {'selection_frame_f1': round(float(learn.recorder.values[-1][-1]), 4)}   # the last epoch's FrameF1 on the tuning scenes
    return {**res, **sel, 'epochs': len(learn.recorder.values), 'train_and_tune_seconds': round(train_s, 1), 'detect_seconds_per_scene': round(detect_s / len(files), 3),
            'postprocessing': {k: (np.round(v, 3).tolist() if isinstance(v, (list, np.ndarray)) else v) for k, v in post.items()},
            'train_scenes': len(learn.dls.train_ds), 'tuning_scenes': len(learn.dls.valid_ds), 'scored_scenes': len(files)}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_arg(p, 'esc10', 'data/esc10', 'the ESC-10 folder')
    p.add_argument('--data', type=Path, default=Path(tempfile.gettempdir())/'fastai_audio_esc10_soundscapes')
    p.add_argument('--arch', default='mn04_as')
    p.add_argument('--seeds', default='0')
    p.add_argument('--n-train', type=int, default=2000, help='training scenes, a fifth of them held out to tune on (2,000: chosen with --select-fold 5)')
    p.add_argument('--n-valid', type=int, default=200)
    p.add_argument('--epochs', type=int, default=None)
    p.add_argument('--weak', action='store_true', help='train from each crop\'s clip labels only')
    p.add_argument('--select-fold', type=int, default=None, help='train on the training folds but this one, tune on scenes of it')
    p.add_argument('--n-select-train', type=int, default=1600, help='with --select-fold, the scenes to train on (as many as the default trains on)')
    p.add_argument('--lr', type=float, default=4e-3)
    p.add_argument('--augment', action='store_true', help='event_augmentations while training')
    a = p.parse_args()
    if a.select_fold is not None and a.select_fold not in (2, 3, 4, 5): p.error(f'--select-fold {a.select_fold}: one of the training folds 2 to 5')
    warnings.filterwarnings('ignore', category=UserWarning)
    seed_hub_cache()
    t0 = time.time()
    esc10 = check_dir(a.esc10, 'ESC-10')
    train_ev, valid_ev = scenes(esc10, a.data, a.n_train, a.n_valid)
    select = None
    if a.select_fold is not None:
        sel_dir = a.data/f'select_fold{a.select_fold}_{a.n_select_train}'
        train_ev, tune_ev = selection_scenes(esc10, sel_dir, a.select_fold, a.n_select_train)
        select = (sel_dir, tune_ev)
    res = {'machine': machine(), 'arch': a.arch, 'labels': 'weak' if a.weak else 'strong', 'lr': a.lr, 'augment': a.augment,
           'select_fold': a.select_fold, 'seeds': {}}
    for s in a.seeds.split(','):
        res['seeds'][s] = run(a.data, train_ev, valid_ev, a.arch, int(s), a.epochs, a.weak, a.lr, a.augment, select)
        print(json.dumps(res), file=sys.stderr)
    res['wall_seconds'] = round(time.time() - t0, 1)
    print(json.dumps(res))

if __name__ == '__main__': main()
