"""Log-mel front ends on 256 five-second 16 kHz clips (n_fft=1024, hop=256, n_mels=64), in clips per second:

  (a) `fastai_audio`'s `MelSpectrogram` on the whole batch,
  (b) librosa per item (`librosa.feature.melspectrogram` + `librosa.power_to_db`),
  (c) torchaudio per item (`MelSpectrogram` + `AmplitudeToDB`), when torchaudio imports,
  (d) a bare `torch.stft` of the same batch at its best chunk size: the floor, since every front end needs that FFT.

All four give the same log-mel spectrogram (Slaney mel scale and norm, zero padding, 80 dB floor). Timings are
interleaved (one run of each per round, each after a short rest) so that a change in the machine's load hits all of
them alike, and each is the median of `--repeats` rounds, after one warm-up run. The machine's speed can drift within
a run; `paired_ratios` are the medians of each round's own ratio (times of one round, measured seconds apart), which
a drift moves less than the ratios of the medians. Prints one JSON object.

    python bench/spectrogram.py [--device cpu|cuda] [--repeats 5]
"""
import argparse, json, os, platform, statistics, sys, time
from pathlib import Path
import numpy as np, torch
sys.path.insert(0, str(Path(__file__).parent))
from common import machine
from fastai_audio.core import AudioTensor
from fastai_audio.dsp import stft_window
from fastai_audio.spectrogram import MelSpectrogram

N_CLIPS, SR, SECONDS, N_FFT, HOP, N_MELS, TOP_DB = 256, 16000, 5., 1024, 256, 64, 80.
# Seconds of rest before each timed run: numpy's OpenBLAS (librosa's matmuls) keeps its threads spinning for about
# 0.1 s after a call, which would slow down whatever is timed right after it (here, torchaudio)
REST = .3
CHUNKS = (1, 2, 4, 8, 16, 32, 64, 128, 256)

def clips(n=N_CLIPS, seed=0):
    "`n` clips of noise plus a harmonic tone of random pitch (the content does not change the work, only the values)"
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(int(SR * SECONDS)) / SR
    f0 = 100 + 400 * torch.rand(n, 1, generator=g)
    tone = sum(torch.sin(2 * torch.pi * h * f0 * t) / h for h in (1, 2, 3))
    return (.05 * torch.randn(n, int(SR * SECONDS), generator=g) + .3 * tone).float()

def cpu_name():
    try: return next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): return platform.processor() or platform.machine()

def main(device='cpu', repeats=5):
    dev = torch.device(device)
    sync = torch.cuda.synchronize if dev.type == 'cuda' else (lambda: None)
    x = clips()
    xb = AudioTensor(x[:, None].to(dev), sr=SR)                     # (B, 1, N), as a DataLoader batch
    x2, xn = x.to(dev), x.numpy()
    win = stft_window(N_FFT, device=dev)

    ours = MelSpectrogram(n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS, top_db=TOP_DB)
    runs = {'fastai_audio_batch': lambda: ours(xb)}
    def floor(chunk): return lambda: [torch.stft(c, N_FFT, HOP, window=win, return_complex=True) for c in x2.split(chunk)]
    runs.update({f'torch_stft_chunk{c}': floor(c) for c in CHUNKS})

    import librosa
    def librosa_items(items=xn):
        return [librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS),
                                    top_db=TOP_DB) for y in items]
    runs['librosa_per_item'] = librosa_items
    try:
        import torchaudio
        ta_mel = torchaudio.transforms.MelSpectrogram(SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS, pad_mode='constant',
                                                      norm='slaney', mel_scale='slaney').to(dev)
        ta_db = torchaudio.transforms.AmplitudeToDB('power', top_db=TOP_DB).to(dev)
        def torchaudio_items(items=x2): return [ta_db(ta_mel(y)) for y in items]
        runs['torchaudio_per_item'] = torchaudio_items
        torchaudio_version = torchaudio.__version__
    except Exception as e: torchaudio_version = f'unavailable: {type(e).__name__}: {e}'

    # the same spectrograms, checked on a few clips
    ref = np.stack(librosa_items(xn[:4]))
    diff = {'librosa': float(np.abs(ours(xb[:4])[:, 0].cpu().numpy() - ref).max())}
    if 'torchaudio_per_item' in runs:
        diff['torchaudio'] = float(np.abs(torch.stack(torchaudio_items(x2[:4])).cpu().numpy() - ref).max())

    load_before = os.getloadavg()
    times = {k: [] for k in runs}
    for f in runs.values(): f(); sync()                              # warm-up
    for _ in range(repeats):
        for k, f in runs.items():
            time.sleep(REST)
            t = time.perf_counter(); f(); sync(); times[k].append(time.perf_counter() - t)
    load_after = os.getloadavg()

    rate = {k: N_CLIPS / statistics.median(v) for k, v in times.items()}
    best = max(CHUNKS, key=lambda c: rate[f'torch_stft_chunk{c}'])
    a, fl = rate['fastai_audio_batch'], rate[f'torch_stft_chunk{best}']
    def paired(k, nd=2):  # k's time over ours, round by round: our rate over k's
        return round(statistics.median(t / o for t, o in zip(times[k], times['fastai_audio_batch'])), nd)
    res = dict(
        task=dict(clips=N_CLIPS, seconds=SECONDS, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS, top_db=TOP_DB,
                  repeats=repeats, statistic='median clips/s'),
        clips_per_s=dict(fastai_audio_batch=round(a, 1), librosa_per_item=round(rate['librosa_per_item'], 1),
                         torchaudio_per_item=round(rate['torchaudio_per_item'], 1) if 'torchaudio_per_item' in rate else None,
                         torch_stft_floor=round(fl, 1)),
        torch_stft_best_chunk=best,
        torch_stft_by_chunk={c: round(rate[f'torch_stft_chunk{c}'], 1) for c in CHUNKS},
        ratios=dict(vs_librosa=round(a / rate['librosa_per_item'], 2),
                    vs_torchaudio=round(a / rate['torchaudio_per_item'], 2) if 'torchaudio_per_item' in rate else None,
                    vs_stft_floor=round(a / fl, 3)),
        paired_ratios=dict(vs_librosa=paired('librosa_per_item'),
                           vs_torchaudio=paired('torchaudio_per_item') if 'torchaudio_per_item' in rate else None,
                           vs_stft_floor=paired(f'torch_stft_chunk{best}', 3)),
        targets_met=dict(vs_librosa_4x=a >= 4 * rate['librosa_per_item'],
                         vs_torchaudio_3x=a >= 3 * rate['torchaudio_per_item'] if 'torchaudio_per_item' in rate else None,
                         vs_stft_floor_0_3=a >= .3 * fl),
        max_abs_diff_db_first4=diff,
        machine=dict(machine(), device=str(dev) if dev.type != 'cuda' else torch.cuda.get_device_name(dev), cpu=cpu_name(),
                     OMP_NUM_THREADS=os.environ.get('OMP_NUM_THREADS'), loadavg_before=load_before, loadavg_after=load_after),
        versions=dict(torch=torch.__version__, librosa=librosa.__version__, torchaudio=torchaudio_version),
    )
    print(json.dumps(res, indent=1))

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--repeats', type=int, default=5)
    main(**vars(p.parse_args()))
