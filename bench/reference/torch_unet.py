#!/usr/bin/env python3
"""PyTorch reference U-Net for the benches (same architecture as src/engine/model/unet.ts).

Layer names match the TF.js model: enc{L}_conv1/2, bottom_conv1/2, dec{L}_up, dec{L}_conv1/2,
head. Valid 3x3 convs + ReLU, 2x2 max-pool, dropout after bottom_conv2 (training only),
2x2 stride-2 transposed conv, cat([centre-cropped skip, up], channels), 1x1 head (logits).
Weight layouts: TF conv kernels [kh, kw, in, out] and TF up-conv kernels [kh, kw, out, in] both
become torch's layout with permute(3, 2, 0, 1) (see load_tf_weights).

Usage (prints one JSON line):
  python3 torch_unet.py train --depth 4 --base 16 --tile 252 --steps 10 --warmup 2 --threads 2
      [--optimizer sgd|adam] [--data DIR]   (DIR: the product step, see TrainingSet)
Run with Debian's /usr/bin/python3 (torch 1.13); with OPENBLAS_CORETYPE=SkylakeX where the CPU has
AVX-512 (bench/_common.ts torchEnv).
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class UNet(nn.Module):
    def __init__(self, depth, base, in_ch, classes, dropout=0.5):
        super().__init__()
        self.depth = depth
        self.dropout = dropout
        self.layers = nn.ModuleDict()
        ch = in_ch
        for level in range(depth):
            width = base * 2**level
            self.layers[f'enc{level}_conv1'] = nn.Conv2d(ch, width, 3)
            self.layers[f'enc{level}_conv2'] = nn.Conv2d(width, width, 3)
            ch = width
        bottom = base * 2**depth
        self.layers['bottom_conv1'] = nn.Conv2d(ch, bottom, 3)
        self.layers['bottom_conv2'] = nn.Conv2d(bottom, bottom, 3)
        ch = bottom
        for level in reversed(range(depth)):
            width = base * 2**level
            self.layers[f'dec{level}_up'] = nn.ConvTranspose2d(ch, width, 2, stride=2)
            self.layers[f'dec{level}_conv1'] = nn.Conv2d(2 * width, width, 3)
            self.layers[f'dec{level}_conv2'] = nn.Conv2d(width, width, 3)
            ch = width
        self.layers['head'] = nn.Conv2d(ch, classes, 1)
        for module in self.layers.values():  # He init as in the paper: N(0, sqrt(2 / fan_in))
            fan_in = module.in_channels * (1 if isinstance(module, nn.ConvTranspose2d) else module.kernel_size[0] * module.kernel_size[1])
            nn.init.normal_(module.weight, 0.0, (2.0 / fan_in) ** 0.5)
            nn.init.zeros_(module.bias)

    def forward(self, x):
        L = self.layers
        skips = []
        for level in range(self.depth):
            x = F.relu(L[f'enc{level}_conv2'](F.relu(L[f'enc{level}_conv1'](x))))
            skips.append(x)
            x = F.max_pool2d(x, 2, 2)
        x = F.relu(L['bottom_conv2'](F.relu(L['bottom_conv1'](x))))
        x = F.dropout(x, self.dropout, self.training)
        for level in reversed(range(self.depth)):
            x = L[f'dec{level}_up'](x)
            skip = skips[level]
            off = (skip.shape[2] - x.shape[2]) // 2
            skip = skip[:, :, off:off + x.shape[2], off:off + x.shape[3]]
            x = torch.cat([skip, x], 1)
            x = F.relu(L[f'dec{level}_conv2'](F.relu(L[f'dec{level}_conv1'](x))))
        return L['head'](x)


def build_unet(depth, base, in_ch, classes):
    """The U-Net of src/engine/model/unet.ts (dropout 0.5), in NCHW."""
    return UNet(depth, base, in_ch, classes)


def load_tf_weights(model, weights):
    """weights: {'layer/kernel' or 'layer/bias': numpy array in the TF.js layout}."""
    with torch.no_grad():
        for name, module in model.layers.items():
            module.weight.copy_(torch.from_numpy(weights[f'{name}/kernel']).permute(3, 2, 0, 1))
            module.bias.copy_(torch.from_numpy(weights[f'{name}/bias']))


def output_size(tile, depth):
    s = tile
    for _ in range(depth):
        s = (s - 4) // 2
    s -= 4
    for _ in range(depth):
        s = 2 * s - 4
    return s


def weighted_ce(logits, targets, weights):
    """Same loss as weightedSoftmaxCrossEntropy: sum w * nll / #(w > 0)."""
    nll = F.cross_entropy(logits, targets, reduction='none')
    return (nll * weights).sum() / (weights > 0).sum().clamp(min=1)


def make_optimizer(model, name):
    """The engine's optimisers: SGD momentum 0.99 (paper preset) or Adam 1e-3 (fast preset)."""
    if name == 'adam':
        return torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    return torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.99)


def bench_train(args):
    """Bare steps on fixed random tensors, or (--data) the product's step: each step draws and
    augments a tile first (TrainingSet.draw), as the engine's train() does."""
    torch.manual_seed(0)
    model = build_unet(args.depth, args.base, 1, 2).train()
    opt = make_optimizer(model, args.optimizer)
    out = output_size(args.tile, args.depth)
    setup_ms = 0.0
    if args.data:
        start = time.perf_counter()
        data = TrainingSet(args.data, args.tile, out)
        setup_ms = (time.perf_counter() - start) * 1000
        batch = data.draw
    else:
        fixed = (torch.rand(args.batch, 1, args.tile, args.tile), torch.randint(0, 2, (args.batch, out, out)),
                 torch.rand(args.batch, out, out) + 0.5)
        batch = lambda: fixed
    times = []
    cpu_times = []
    for i in range(args.warmup + args.steps):
        start = time.perf_counter()
        cpu_start = time.process_time()
        x, targets, weights = batch()
        opt.zero_grad()
        loss = weighted_ce(model(x), targets, weights)
        loss.backward()
        opt.step()
        elapsed = (time.perf_counter() - start) * 1000
        if i >= args.warmup:
            times.append(elapsed)
            cpu_times.append((time.process_time() - cpu_start) * 1000)
    return {'mode': 'train', 'ms_per_step': statistics.median(times), 'times_ms': times,
            'cpu_ms_per_step': statistics.median(cpu_times), 'setup_ms': setup_ms,
            'threads': torch.get_num_threads(), 'torch': torch.__version__, 'loss': float(loss)}


class TrainingSet:
    """The engine's training data path in numpy/scipy, for the product-step rows: images and
    instance labels (DIR/img*.npy, DIR/img*_labels.npy) normalised and weighted at load (U-Net
    weight maps, bench/reference/weightmap_ref.py), then per step: a random image, a random
    output window, the mirrored input tile around it, an elastic deformation (3x3 grid, std
    10 px, bicubic field; bicubic image, nearest targets and weights), a random flip / 90-degree
    turn, a gray-value gain and offset, and the centre crop of targets and weights."""

    def __init__(self, data_dir, tile, out):
        import glob
        import os
        import numpy as np
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from weightmap_ref import separate, weight_map
        self.tile, self.out, self.border = tile, out, (tile - out) // 2
        self.rng = np.random.default_rng(1)
        samples = []
        for path in sorted(glob.glob(os.path.join(data_dir, 'img*_labels.npy'))):
            labels = np.load(path)
            image = np.load(path.replace('_labels', '')).astype(np.float32) / 255
            samples.append((image, (separate(labels) > 0).astype(np.int64), weight_map(labels)))
        pixels = np.concatenate([s[0].ravel() for s in samples])
        mean, std = pixels.mean(), pixels.std() or 1.0
        pad = lambda a: np.pad(a, self.border, mode='reflect')
        self.samples = [(pad((i - mean) / std), pad(t), pad(w)) for i, t, w in samples]

    def draw(self):
        import numpy as np
        from scipy import ndimage
        rng, tile, out = self.rng, self.tile, self.out
        image, targets, weights = self.samples[rng.integers(len(self.samples))]
        y = rng.integers(0, image.shape[0] - 2 * self.border - out + 1)
        x = rng.integers(0, image.shape[1] - 2 * self.border - out + 1)
        cut = lambda a: a[y:y + tile, x:x + tile]
        grid = rng.normal(0, 10, (2, 3, 3))
        field = [ndimage.zoom(g, tile / 3, order=3) for g in grid]
        rows, cols = np.meshgrid(np.arange(tile), np.arange(tile), indexing='ij')
        coords = [rows + field[1], cols + field[0]]
        image = ndimage.map_coordinates(cut(image), coords, order=3, mode='mirror')
        targets = ndimage.map_coordinates(cut(targets), coords, order=0, mode='mirror')
        weights = ndimage.map_coordinates(cut(weights), coords, order=0, mode='mirror')
        turns, flip = rng.integers(4), rng.random() < 0.5
        orient = lambda a: np.ascontiguousarray(np.rot90(a[:, ::-1] if flip else a, turns))
        image, targets, weights = orient(image), orient(targets), orient(weights)
        image = image * rng.uniform(0.9, 1.1) + rng.uniform(-0.1, 0.1)
        b = self.border
        crop = lambda a: a[b:b + out, b:b + out]
        return (torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None, None],
                torch.from_numpy(np.ascontiguousarray(crop(targets)))[None],
                torch.from_numpy(np.ascontiguousarray(crop(weights), dtype=np.float32))[None])


def main(argv):
    if argv[:1] == ['predict']:  # overlap-tile prediction (helper H3b's section below)
        print(json.dumps(predict_main(argv[1:])))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='mode', required=True)
    train = sub.add_parser('train', help='time one training step')
    for p in (train,):
        p.add_argument('--depth', type=int, default=4)
        p.add_argument('--base', type=int, default=16)
        p.add_argument('--threads', type=int, default=2)
    train.add_argument('--tile', type=int, default=252)
    train.add_argument('--batch', type=int, default=1)
    train.add_argument('--steps', type=int, default=10)
    train.add_argument('--warmup', type=int, default=2)
    train.add_argument('--optimizer', choices=['sgd', 'adam'], default='sgd')
    train.add_argument('--data', help='the product step: draw augmented tiles from this folder')
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.mode == 'train':
        result = bench_train(args)
    print(json.dumps(result))



# ---- Overlap-tile prediction (H3b) -------------------------------------------------------------
# Usage: python3 torch_unet.py predict --depth 4 --base 64 --tile 572 --image x.f32 --width 512
#        --height 512 [--weights manifest.json] [--out logits.f32] --runs 2 --warmup 1 --threads 2

def load_raw_weights(manifest_path):
    """A manifest {"file": path, "weights": [{"name", "shape", "offset"}]} over one float32
    little-endian file in the TF.js layouts -> {name: numpy array} for load_tf_weights."""
    import os
    import numpy as np
    with open(manifest_path) as f:
        manifest = json.load(f)
    path = os.path.join(os.path.dirname(manifest_path), manifest['file'])
    raw = np.fromfile(path, dtype='<f4')
    weights = {}
    for w in manifest['weights']:
        size = int(np.prod(w['shape']))
        weights[w['name']] = raw[w['offset']:w['offset'] + size].reshape(w['shape']).copy()
    return weights


def tile_stride(out, depth):
    """As src/engine/prediction/tileLayout.ts: the output edge rounded down to 2^depth."""
    aligned = out // 2**depth * 2**depth
    return aligned if aligned > 0 else out


def predict_overlap_tile(model, image, tile, depth, classes):
    """image: float32 numpy [C, H, W] (normalised). Mirror-pads (numpy 'reflect' = without
    repeating the edge pixel), runs each input tile with batch 1, stitches the output tiles.
    Returns logits [classes, H, W] (numpy) and the tile count."""
    import numpy as np
    _, h, w = image.shape
    out = output_size(tile, depth)
    border = (tile - out) // 2
    stride = tile_stride(out, depth)
    count = lambda size: 1 if size <= out else 1 + -(-(size - out) // stride)
    ty, tx = count(h), count(w)
    pad_b = (ty - 1) * stride + out - h + border
    pad_r = (tx - 1) * stride + out - w + border
    padded = torch.from_numpy(np.pad(image, ((0, 0), (border, pad_b), (border, pad_r)), mode='reflect'))
    logits = torch.empty(classes, h, w)
    with torch.no_grad():
        for iy in range(ty):
            for ix in range(tx):
                y, x = iy * stride, ix * stride
                res = model(padded[None, :, y:y + tile, x:x + tile])[0]
                rows, cols = min(out, h - y), min(out, w - x)
                logits[:, y:y + rows, x:x + cols] = res[:, :rows, :cols]
    return logits.numpy(), ty * tx


def predict_main(argv):
    import numpy as np
    parser = argparse.ArgumentParser(prog='torch_unet.py predict')
    parser.add_argument('--depth', type=int, default=4)
    parser.add_argument('--base', type=int, default=64)
    parser.add_argument('--channels', type=int, default=1)
    parser.add_argument('--classes', type=int, default=2)
    parser.add_argument('--tile', type=int, default=572)
    parser.add_argument('--image', help='float32 [C, H, W] raw file (default: random)')
    parser.add_argument('--width', type=int, default=512)
    parser.add_argument('--height', type=int, default=512)
    parser.add_argument('--weights', help='manifest JSON (load_raw_weights); default: He init')
    parser.add_argument('--out', help='write the logits [classes, H, W] float32 here')
    parser.add_argument('--runs', type=int, default=2)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = build_unet(args.depth, args.base, args.channels, args.classes).eval()
    if args.weights:
        load_tf_weights(model, load_raw_weights(args.weights))
    if args.image:
        image = np.fromfile(args.image, dtype='<f4').reshape(args.channels, args.height, args.width)
    else:
        image = np.random.default_rng(0).standard_normal((args.channels, args.height, args.width), dtype=np.float32)
    if args.warmup > 0:  # one tile pass: lets oneDNN/OpenBLAS set up before timing
        with torch.no_grad():
            model(torch.zeros(1, args.channels, args.tile, args.tile))
    times = []
    for _ in range(max(1, args.runs)):
        start = time.perf_counter()
        logits, tiles = predict_overlap_tile(model, image, args.tile, args.depth, args.classes)
        times.append(time.perf_counter() - start)
    if args.out:
        logits.astype('<f4').tofile(args.out)
    return {'mode': 'predict', 'seconds': statistics.median(times), 'times_s': times, 'tiles': tiles,
            'output_size': output_size(args.tile, args.depth), 'threads': torch.get_num_threads(),
            'torch': torch.__version__}

if __name__ == '__main__':
    main(sys.argv[1:])
