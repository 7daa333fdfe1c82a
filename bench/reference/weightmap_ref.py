#!/usr/bin/env python3
"""Reference U-Net weight maps (Ronneberger et al. 2015, eq. 2) with numpy/scipy, two ways.

For each INPUT.npy (2-D integer instance labels, 0 = background, 1..K = objects) writes
OUT_DIR/INPUT.npy (float32 weights) and prints one JSON object on stdout:
{"method": ..., "images": [{"name": ..., "ms": ..., "cpu_ms": ...}, ...]} with the compute time
per image (wall and process CPU, fastest of --repeat runs; file IO excluded).

Method, independent of the TypeScript engine:
  1. separation border: an object pixel whose 3x3 neighbourhood holds another object id
     becomes background (grey max/min filters over the ORIGINAL ids);
  2. w_c(x) = N / (2 * N_class(x)) on the separated foreground/background;
  3. per object k, d_k = scipy.ndimage.distance_transform_edt(separated != k), keeping the
     smallest and second-smallest distance per pixel:
       --method windowed (default): as a careful scipy user writes it, d_k only inside k's
       bounding box grown by the cut-off distance (beyond it the border term is below 1e-5
       with w0 = 10, sigma = 5), via ndimage.find_objects and slices;
       --method naive: the textbook loop, one whole-image transform per object;
  4. on background pixels add w0 * exp(-(d1 + d2)^2 / (2 sigma^2)) if there are >= 2 objects.

usage: weightmap_ref.py OUT_DIR INPUT.npy... [--w0 10] [--sigma 5] [--repeat 1] [--method windowed|naive]
"""
import argparse
import json
import math
import os
import time

import numpy as np
from scipy import ndimage

# The border term w0 * exp(-(d1 + d2)^2 / (2 sigma^2)) is below this beyond the cut-off.
BORDER_EPSILON = 1e-5


def separate(ids):
    ids = ids.astype(np.int64)
    big = int(ids.max()) + 1
    highest = ndimage.maximum_filter(ids, size=3, mode="constant", cval=0)
    lowest = ndimage.minimum_filter(np.where(ids == 0, big, ids), size=3, mode="constant", cval=big)
    touching = (ids > 0) & ((highest != ids) | (lowest != ids))
    out = ids.copy()
    out[touching] = 0
    return out


def two_nearest_naive(sep, ids):
    d1 = np.full(sep.shape, np.inf)
    d2 = np.full(sep.shape, np.inf)
    for k in ids:
        d = ndimage.distance_transform_edt(sep != k)
        d2 = np.minimum(d2, np.maximum(d1, d))
        d1 = np.minimum(d1, d)
    return d1, d2


def two_nearest_windowed(sep, w0, sigma):
    cut_off = sigma * math.sqrt(2 * math.log(w0 / BORDER_EPSILON))
    grow = int(math.ceil(cut_off))
    d1 = np.full(sep.shape, np.inf)
    d2 = np.full(sep.shape, np.inf)
    height, width = sep.shape
    for index, box in enumerate(ndimage.find_objects(sep)):
        if box is None:
            continue
        rows, cols = box
        window = (
            slice(max(0, rows.start - grow), min(height, rows.stop + grow)),
            slice(max(0, cols.start - grow), min(width, cols.stop + grow)),
        )
        d = ndimage.distance_transform_edt(sep[window] != index + 1)
        w1 = d1[window]
        w2 = d2[window]
        np.minimum(w2, np.maximum(w1, d), out=w2)
        np.minimum(w1, d, out=w1)
    return d1, d2


def weight_map(instances, w0=10.0, sigma=5.0, method="windowed"):
    sep = separate(instances)
    fg = sep > 0
    n = sep.size
    n_fg = int(fg.sum())
    n_bg = n - n_fg
    weights = np.where(fg, n / (2.0 * max(n_fg, 1)), n / (2.0 * max(n_bg, 1)))
    ids = np.unique(sep)
    ids = ids[ids > 0]
    if len(ids) >= 2:
        if method == "naive":
            d1, d2 = two_nearest_naive(sep, ids)
        else:
            d1, d2 = two_nearest_windowed(sep, w0, sigma)
        border = w0 * np.exp(-((d1 + d2) ** 2) / (2.0 * sigma * sigma))
        weights = weights + np.where(fg, 0.0, border)
    return weights.astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--w0", type=float, default=10.0)
    parser.add_argument("--sigma", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=1, help="report the fastest of this many runs")
    parser.add_argument("--method", choices=["windowed", "naive"], default="windowed")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    images = []
    for path in args.inputs:
        instances = np.load(path)
        ms = cpu_ms = float("inf")
        for _ in range(max(1, args.repeat)):
            start, cpu_start = time.perf_counter(), time.process_time()
            weights = weight_map(instances, args.w0, args.sigma, args.method)
            ms = min(ms, (time.perf_counter() - start) * 1000.0)
            cpu_ms = min(cpu_ms, (time.process_time() - cpu_start) * 1000.0)
        np.save(os.path.join(args.out_dir, os.path.basename(path)), weights)
        images.append({"name": os.path.basename(path), "ms": ms, "cpu_ms": cpu_ms})
    print(json.dumps({"method": args.method, "images": images}))


if __name__ == "__main__":
    main()
