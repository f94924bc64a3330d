"""The anchor of `bench/domains.py`: the EfficientAT authors' own fine-tuning of `mn04_as`, on the same splits.

Their code (github.com/fschmid56/EfficientAT, MIT) is not part of this project: clone it and pass its folder as
`--efficientat`. This script imports from it what their ESC-50 experiment (`ex_esc50.py`) uses: the model
(`models.mn.model.get_model`, the AudioSet weights loaded by their own loader), the log-mel front end with its
frequency-range augmentation (`models.preprocess.AugmentMelSTFT`), their clip dataset (`datasets.esc50.AudioSetDataset`:
librosa at 32 kHz, ±12-dB gain, cut or padded to 5 s), their waveform mixing (`MixupDataset`), their mixup of log-mels
(`helpers.utils.mixup`) and their learning-rate schedule (`helpers.utils.exp_warmup_linear_down`). The loop itself
follows `ex_esc50.py`'s `train` step by step, with its defaults: Adam at 6e-5, 80 epochs, batches of 128, mixup 0.3,
warm-up over 10 epochs and a linear ramp down from epoch 10 over 65; the accuracy is that of the last epoch, on the
first 5 s of each validation clip, as theirs (`--clip-length`: their dataset's `clip_length`, the seconds every clip is cut or padded
to; 1 s suits Speech Commands and FSDD, whose clips last at most about a second). Two things are done here instead of by their code:
- the time roll (±4,000 samples), because their `roll_func` calls `np.random.random_integers`, which numpy 2 removed;
- their `datasets.esc50` refuses to import until its `dataset_dir` is set, which their README asks users to edit:
  it is set to a folder made here that holds each split in ESC-50's layout (`meta/esc50.csv`, `audio_32k/`).
Usage: python bench/authors_loop.py --efficientat DIR [--runs esc10,instruments,speech_commands,fsdd] [--folds 1,...]
       [--epochs 80] [--seed 0] [--clip-length 5]
Prints one JSON object.
"""
import argparse, contextlib, importlib.util, json, os, shutil, sys, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd, torch
import torch.nn.functional as F
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, data_arg, check_dir, SHARED
from domains import splits

def their_modules(repo, dataset_dir):
    "Their model, front end, helpers and ESC-50 dataset module, imported from the clone `repo` (its `dataset_dir` set)"
    os.chdir(repo)   # their helpers read metadata/ and their loader keeps checkpoints in resources/, both relative
    sys.path.insert(0, str(repo))
    from models.mn.model import get_model
    from models.preprocess import AugmentMelSTFT
    from helpers.utils import exp_warmup_linear_down, mixup, NAME_TO_WIDTH
    source = (Path(repo)/'datasets'/'esc50.py').read_text().replace('dataset_dir = None', f'dataset_dir = {str(dataset_dir) + "/"!r}', 1)
    spec = importlib.util.spec_from_loader('datasets.esc50', loader=None)
    esc50 = importlib.util.module_from_spec(spec)
    exec(compile(source, str(Path(repo)/'datasets'/'esc50.py'), 'exec'), esc50.__dict__)
    return get_model, AugmentMelSTFT, exp_warmup_linear_down, mixup, NAME_TO_WIDTH, esc50

def seed_their_checkpoint(repo, name='mn04_as_mAP_432.pt'):
    "Their loader downloads into resources/; the shared copy of the checkpoint saves the download (it is the release file)"
    dest, src = Path(repo)/'resources'/name, SHARED/'weights'/'efficientat'/name
    if not dest.is_file() and src.is_file(): shutil.copyfile(src, dest)

def esc50_layout(df, data, dest):
    "The split `df` (file relative to `data`, label, is_valid) in ESC-50's layout: fold 1 is validation, fold 2 training"
    classes = sorted(df.label.unique())
    (dest/'meta').mkdir(parents=True); (dest/'audio_32k').mkdir()
    names = [f'{i}_{Path(f).name}' for i, f in enumerate(df.file)]
    for n, f in zip(names, df.file): os.symlink(Path(data).resolve()/f, dest/'audio_32k'/n)
    pd.DataFrame({'filename': names, 'fold': np.where(df.is_valid, 1, 2), 'target': [classes.index(l) for l in df.label],
                  'category': df.label}).to_csv(dest/'meta'/'esc50.csv', index=False)
    return classes

def roll(x, shift_range=4000):
    "Their time roll: the waveform shifted circularly by up to `shift_range` samples either way"
    return torch.as_tensor(x).roll(int(np.random.randint(-shift_range, shift_range + 1)), -1)

def run(repo, data, df, epochs, seed, bs=128, lr=6e-5, clip_length=5):
    "Accuracy of the last of `epochs` epochs of their fine-tuning of mn04_as on split `df` (clips cut or padded to `clip_length` s), and seconds per epoch"
    torch.manual_seed(seed); np.random.seed(seed)
    with tempfile.TemporaryDirectory() as tmp:
        classes = esc50_layout(df, data, Path(tmp))
        get_model, AugmentMelSTFT, schedule, mixup, width_of, esc50 = their_modules(repo, tmp)
        esc50.dataset_config['num_of_classes'] = len(classes)
        train_ds = esc50.AudioSetDataset(esc50.dataset_config['meta_csv'], esc50.dataset_config['audio_path'], 1, train=True,
                                         classes_num=len(classes), gain_augment=12, clip_length=clip_length)
        test_ds = esc50.AudioSetDataset(esc50.dataset_config['meta_csv'], esc50.dataset_config['audio_path'], 1, train=False,
                                        classes_num=len(classes), clip_length=clip_length)
        class Rolled(torch.utils.data.Dataset):
            def __len__(self): return len(train_ds)
            def __getitem__(self, i): x, f, y = train_ds[i]; return (roll(x), f, y)
        train_dl = torch.utils.data.DataLoader(esc50.MixupDataset(Rolled()), batch_size=bs, shuffle=True, num_workers=0)
        test_dl = torch.utils.data.DataLoader(test_ds, batch_size=bs, num_workers=0)
        mel = AugmentMelSTFT(n_mels=128, sr=32000, win_length=800, hopsize=320, n_fft=1024, freqm=0, timem=0, fmin=0,
                             fmax=None, fmin_aug_range=10, fmax_aug_range=2000)
        model = get_model(width_mult=width_of('mn04_as'), pretrained_name='mn04_as', head_type='mlp', se_dims='c',
                          num_classes=len(classes))
        opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=0.)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule(10, 65, 10, .01))
        def mels(x): return mel(x.reshape(-1, x.shape[-1]).float())[:, None]
        accs, t0 = [], time.time()
        for epoch in range(epochs):
            mel.train(); model.train()
            for x, _, y in train_dl:
                x, y = mels(x), y.float()
                idx, lam = mixup(len(x), .3)
                x = x * lam.reshape(-1, 1, 1, 1) + x[idx] * (1 - lam.reshape(-1, 1, 1, 1))
                out, _ = model(x)
                loss = (F.cross_entropy(out, y, reduction='none') * lam + F.cross_entropy(out, y[idx], reduction='none') * (1 - lam)).mean()
                loss.backward(); opt.step(); opt.zero_grad()
            sched.step()
            mel.eval(); model.eval()
            right = n = 0
            with torch.no_grad():
                for x, _, y in test_dl:
                    right += int((model(mels(x))[0].argmax(1) == y.argmax(1)).sum()); n += len(y)
            accs.append(right / n)
            print(f'epoch {epoch + 1}/{epochs}: accuracy {accs[-1]:.4f}', file=sys.stderr)
        seconds = time.time() - t0
    return {'accuracy': round(accs[-1], 4), 'best_epoch_accuracy': round(max(accs), 4), 'epochs': epochs, 'clip_length': clip_length,
            'seconds_per_epoch': round(seconds / epochs, 1), 'train_clips': int((~df.is_valid).sum()), 'valid_clips': int(df.is_valid.sum())}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--efficientat', type=Path, required=True, help='a clone of github.com/fschmid56/EfficientAT')
    data_arg(p, 'esc10', 'data/esc10', 'the ESC-10 folder')
    data_arg(p, 'instruments', 'data/fsdkaggle2018_instruments', 'the FSDKaggle2018 instruments folder')
    data_arg(p, 'speech-commands', 'data/speech_commands', 'the Speech Commands folder')
    data_arg(p, 'fsdd', 'data/fsdd/recordings', 'the FSDD recordings folder')
    p.add_argument('--runs', default='instruments')
    p.add_argument('--folds', default='1,2,3,4,5')
    p.add_argument('--epochs', type=int, default=80, help="ex_esc50.py's default")
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--clip-length', type=int, default=5, help="seconds each clip is cut or padded to (their dataset's clip_length; 5 s, ESC-50's, by default)")
    a = p.parse_args()
    if a.clip_length <= 0: p.error(f'--clip-length must be a whole number of seconds > 0, got {a.clip_length}')
    repo = check_dir(a.efficientat, 'the EfficientAT clone').resolve()
    if not (repo/'models'/'mn'/'model.py').is_file(): sys.exit(f'{repo} is not a clone of EfficientAT (no models/mn/model.py)')
    seed_their_checkpoint(repo)
    paths = {'esc10': a.esc10, 'instruments': a.instruments, 'speech_commands': a.speech_commands, 'fsdd': a.fsdd}
    res, t0 = {'machine': machine(), 'loop': "EfficientAT's ex_esc50.py", 'seed': a.seed, 'datasets': {}}, time.time()
    for name in a.runs.split(','):
        path = check_dir(paths[name], name).resolve()
        out = res['datasets'].setdefault(name, {})
        for split, df in splits(name, path, [int(k) for k in a.folds.split(',')], a.seed):
            with contextlib.redirect_stdout(sys.stderr): out[split] = run(repo, path, df, a.epochs, a.seed, clip_length=a.clip_length)   # their code prints
            print(f'{name} {split}: {out[split]}', file=sys.stderr)
        accs = [v['accuracy'] for v in out.values()]
        if len(accs) > 1: out['mean_accuracy'] = round(float(np.mean(accs)), 4)
    res['wall_seconds'] = round(time.time() - t0, 1)
    print(json.dumps(res))

if __name__ == '__main__': main()
