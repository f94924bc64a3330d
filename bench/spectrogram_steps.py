"""Where the time of a batch log-mel goes, step by step, next to torchaudio per item (the task of bench/spectrogram.py).

Each step of `power_to_db(melspectrogram(...))`, what `MelSpectrogram` computes, is timed alone, with its inputs
prepared outside the timing; the first five on every chunk of the batch the library computes at a time
(`dsp.STFT_CHUNK`):

  pad (centre padding), frame_window (frames cut and windowed), rfft, square (the spectrum squared in place),
  mel_product (the blocked filterbank product), assemble (the chunks' results put together as (B, n_mels, T)),
  to_db (decibels and the 80 dB floor, on the whole batch)

and, for comparison, the way the power used to be taken: alt_power (re**2 + im**2 as its own step) and
alt_mel_product_on_power (the product with each bin's weight once),

and the whole call is timed too (`fastai_audio_end_to_end`). A round times every step, the whole call and torchaudio
per item; each figure is the median of `--repeats` rounds, in ms for the whole batch of 256 clips.
`torchaudio_per_item_ms / 3` is the time the 3x target allows; `rfft_share_of_3x_budget` is the part of it that torch's
FFT alone takes, and `rfft_plus_cheapest_mel_product_ms` what a front end built on that FFT and a filterbank product
pays at least, before framing, power and decibels. Prints one JSON object.

    python bench/spectrogram_steps.py [--repeats 9]
"""
import argparse, json, statistics, sys, time
from pathlib import Path
import torch, torch.nn.functional as F
sys.path.insert(0, str(Path(__file__).parent))
from common import machine
from spectrogram import clips, SR, N_FFT, HOP, N_MELS, TOP_DB
from fastai_audio import dsp

def chunks(x):
    "The chunks of the rows of `x` that `melspectrogram` computes at a time, as `dsp._by_chunks` cuts them"
    sizes = dsp._by_chunks(lambda c: torch.tensor([len(c)]), x, N_FFT, HOP, True)
    return x.split(sizes.tolist())

def timed(f, inputs):
    "Total seconds of `f(i)` over `inputs`, each call timed alone"
    total = 0.
    for i in inputs:
        t = time.perf_counter(); f(i); total += time.perf_counter() - t
    return total

def main(repeats=9):
    x = clips()
    win = dsp.stft_window(N_FFT)
    blocks = dsp._mel_blocks(float(SR), N_FFT, N_MELS, 0., SR / 2, False, 'slaney', True, 'cpu', torch.float32)
    pad = lambda c: F.pad(c[:, None], (N_FFT // 2, N_FFT // 2))[:, 0]
    padded = [pad(c) for c in chunks(x)]
    frames = [p.unfold(-1, N_FFT, HOP) * win for p in padded]
    spectra = [torch.fft.rfft(f) for f in frames]
    squared = [dsp._squared_parts(z.clone()) for z in spectra]
    mels = [dsp._apply_mel(blocks, s) for s in squared]
    M = torch.cat(mels)
    # the alternative to square + mel_product: |z|**2 as its own step, then the product with the bank's weights once
    plain = dsp._mel_blocks(float(SR), N_FFT, N_MELS, 0., SR / 2, False, 'slaney', False, 'cpu', torch.float32)
    powers = [dsp._power(z) for z in spectra]

    import torchaudio
    ta_mel = torchaudio.transforms.MelSpectrogram(SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS, pad_mode='constant',
                                                  norm='slaney', mel_scale='slaney')
    ta_db = torchaudio.transforms.AmplitudeToDB('power', top_db=TOP_DB)

    def square(z):  # a fresh copy each time (not timed), since the step squares its input in place
        return lambda: dsp._squared_parts(z)
    runs = dict(
        pad=lambda: timed(pad, chunks(x)),
        frame_window=lambda: timed(lambda p: p.unfold(-1, N_FFT, HOP) * win, padded),
        rfft=lambda: timed(torch.fft.rfft, frames),
        square=lambda: timed(lambda f: f(), [square(z.clone()) for z in spectra]),
        mel_product=lambda: timed(lambda s: dsp._apply_mel(blocks, s), squared),
        assemble=lambda: timed(torch.cat, [mels]),
        to_db=lambda: timed(lambda m: dsp.power_to_db(m, top_db=TOP_DB), [M]),
        alt_power=lambda: timed(dsp._power, spectra),
        alt_mel_product_on_power=lambda: timed(lambda P: dsp._apply_mel(plain, P), powers),
        fastai_audio_end_to_end=lambda: timed(lambda x: dsp.power_to_db(dsp.melspectrogram(x, SR, N_FFT, HOP, n_mels=N_MELS),
                                                                         top_db=TOP_DB), [x]),
        torchaudio_per_item=lambda: timed(lambda y: ta_db(ta_mel(y)), x),
    )
    times = {k: [] for k in runs}
    for f in runs.values(): f()  # warm-up
    for _ in range(repeats):
        for k, f in runs.items(): times[k].append(f())
    ms = {k: round(1e3 * statistics.median(v), 1) for k, v in times.items()}
    steps = ['pad', 'frame_window', 'rfft', 'square', 'mel_product', 'assemble', 'to_db']
    res = dict(
        task=dict(clips=len(x), seconds=x.shape[-1] / SR, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS,
                  top_db=TOP_DB, chunks=len(padded), repeats=repeats, statistic='median ms for the batch'),
        ms=ms,
        sum_of_steps_ms=round(sum(ms[k] for k in steps), 1),
        torchaudio_over_3_ms=round(ms['torchaudio_per_item'] / 3, 1),
        rfft_share_of_3x_budget=round(ms['rfft'] / (ms['torchaudio_per_item'] / 3), 2),
        rfft_plus_cheapest_mel_product_ms=round(ms['rfft'] + min(ms['mel_product'], ms['alt_mel_product_on_power']), 1),
        vs_torchaudio=round(ms['torchaudio_per_item'] / ms['fastai_audio_end_to_end'], 2),
        machine=machine(),
    )
    print(json.dumps(res, indent=1))

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--repeats', type=int, default=9)
    main(**vars(p.parse_args()))
