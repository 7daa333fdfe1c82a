#!/usr/bin/env python3
"""Independent scorer for the quality bench (numpy + scikit-image; shares no code with the app).

  score_masks.py semantic --pred DIR --truth DIR   # ISBI: masks 0/255, truth 0/255
  score_masks.py objects  --pred DIR --truth DIR [--suffix _instances]   # 16-bit instance ids

Files pair by base name (prediction `<name><suffix>.png`, truth `<name>.png`). Prints one JSON line.

semantic: foreground = nonzero. pixel error = share of pixels whose class differs (pooled);
foreground IoU = |P & T| / |P | T| (pooled); Rand error = 1 - adapted Rand F-score
(skimage.metrics.adapted_rand_error, truth pixels of label 0 ignored, i.e. restricted to the
truth's cells as in ISBI 2012) between the 4-connected components of truth and prediction, mean
over images.

objects: truth and prediction are instance id images (0 = none). A predicted object matches a
truth object when their IoU > 0.5 (such a match is unique). Object precision / recall / F1 from
TP, FP, FN pooled over images; foreground IoU and pixel error on the nonzero masks.
"""
import argparse
import json
import os
import sys

import numpy as np
from PIL import Image
from skimage.measure import label
from skimage.metrics import adapted_rand_error


def read(path):
    return np.asarray(Image.open(path))


def pairs(pred_dir, truth_dir, suffix):
    names = sorted(os.path.splitext(f)[0] for f in os.listdir(truth_dir) if f.endswith('.png'))
    out = []
    for name in names:
        pred = os.path.join(pred_dir, f'{name}{suffix}.png')
        if not os.path.exists(pred):
            sys.exit(f'missing prediction {pred}')
        out.append((name, read(pred), read(os.path.join(truth_dir, f'{name}.png'))))
    if not out:
        sys.exit(f'no truth images in {truth_dir}')
    return out


def semantic(items):
    wrong = total = inter = union = 0
    rand = []
    for _, pred, truth in items:
        p = pred > 0
        t = truth > 0
        wrong += int(np.count_nonzero(p != t))
        total += p.size
        inter += int(np.count_nonzero(p & t))
        union += int(np.count_nonzero(p | t))
        are, _, _ = adapted_rand_error(label(t, connectivity=1), label(p, connectivity=1), ignore_labels=(0,))
        rand.append(float(are))
    return {
        'images': len(items),
        'pixelError': wrong / total,
        'foregroundIoU': inter / union if union else 1.0,
        'randError': float(np.mean(rand)),
    }


def matches(pred, truth):
    """Number of (truth, pred) object pairs with IoU > 0.5, and the object counts."""
    t_ids, t_area = np.unique(truth[truth > 0], return_counts=True)
    p_ids, p_area = np.unique(pred[pred > 0], return_counts=True)
    both = (truth > 0) & (pred > 0)
    pair, inter = np.unique(
        truth[both].astype(np.int64) * 65536 + pred[both].astype(np.int64), return_counts=True
    )
    t_of = dict(zip(t_ids.tolist(), t_area.tolist()))
    p_of = dict(zip(p_ids.tolist(), p_area.tolist()))
    tp = 0
    for key, n in zip(pair.tolist(), inter.tolist()):
        ta = t_of[key // 65536]
        pa = p_of[key % 65536]
        if n / (ta + pa - n) > 0.5:
            tp += 1
    return tp, len(t_ids), len(p_ids)


def objects(items):
    tp = fp = fn = inter = union = wrong = total = 0
    for _, pred, truth in items:
        m, nt, npred = matches(pred.astype(np.int64), truth.astype(np.int64))
        tp += m
        fp += npred - m
        fn += nt - m
        p = pred > 0
        t = truth > 0
        inter += int(np.count_nonzero(p & t))
        union += int(np.count_nonzero(p | t))
        wrong += int(np.count_nonzero(p != t))
        total += p.size
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        'images': len(items),
        'objectPrecision': precision,
        'objectRecall': recall,
        'objectF1': 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0,
        'truthObjects': tp + fn,
        'predictedObjects': tp + fp,
        'foregroundIoU': inter / union if union else 1.0,
        'pixelError': wrong / total,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('mode', choices=['semantic', 'objects'])
    parser.add_argument('--pred', required=True)
    parser.add_argument('--truth', required=True)
    parser.add_argument('--suffix', default='')
    args = parser.parse_args()
    items = pairs(args.pred, args.truth, args.suffix)
    print(json.dumps(semantic(items) if args.mode == 'semantic' else objects(items)))


if __name__ == '__main__':
    main()
