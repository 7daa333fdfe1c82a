import { describe, expect, it } from 'vitest';
import { runPython } from '../../../test/support/python';
import { itNeeds, pythonWith } from '../../../test/support/requirement';
import { applyProcessing, type NormalizationSpec, percentile, preprocessingFor } from './preprocessing';

const withNumpy = pythonWith(['numpy'], ['python3-numpy']);

describe('training normalisation -> bioimage.io preprocessing', () => {
  it('mean/std on a 0..1 scale becomes fixed_zero_mean_unit_variance on raw values, same result', () => {
    const norm = { scale: 65535, mean: [0.1, 0.5], std: [0.05, 0.25] };
    const steps = preprocessingFor(norm, 2);
    expect(steps[1]).toEqual({
      id: 'fixed_zero_mean_unit_variance',
      kwargs: { mean: [6553.5, 32767.5], std: [3276.75, 16383.75], axis: 'channel' },
    });
    const raw = Float32Array.from([0, 65535, 1000, 30000]);
    const out = applyProcessing(steps, Float32Array.from(raw), 2);
    // Training's formula, by hand: (x / scale - mean[c]) / std[c].
    const expected = Array.from(raw, (x, i) => (x / 65535 - norm.mean[i % 2]) / norm.std[i % 2]);
    out.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 4);
    });
  });

  it('percentile kind maps onto scale_range per channel or jointly; an unknown kind is refused', () => {
    expect(
      preprocessingFor({ kind: 'percentile', low: 1, high: 99.8, perChannel: true, epsilon: 1e-6 }, 3)[1],
    ).toEqual({
      id: 'scale_range',
      kwargs: { axes: ['y', 'x'], min_percentile: 1, max_percentile: 99.8, eps: 1e-6 },
    });
    expect(
      preprocessingFor({ kind: 'percentile', low: 0, high: 100, perChannel: false, epsilon: 1e-6 }, 1)[1],
    ).toMatchObject({
      kwargs: { axes: ['channel', 'y', 'x'] },
    });
    const unknown = { kind: 'histogramEqualise' } as unknown as NormalizationSpec;
    expect(() => preprocessingFor(unknown, 1)).toThrow(
      /normalisation kind 'histogramEqualise' has no bioimage.io preprocessing/,
    );
    expect(() => preprocessingFor({ scale: 255, mean: [0.5], std: [0.2] }, 3)).toThrow(
      /1 channel\(s\), the network takes 3/,
    );
  });

  it('zero_mean_unit_variance and scale_range per channel (hand-computed)', () => {
    // Two channels: [1, 3] and [10, 30] over two pixels.
    const data = Float32Array.from([1, 10, 3, 30]);
    applyProcessing([{ id: 'zero_mean_unit_variance', kwargs: { axes: ['x', 'y'], eps: 0 } }], data, 2);
    expect(Array.from(data)).toEqual([-1, -1, 1, 1]);
    const ranged = Float32Array.from([0, 100, 5, 300, 10, 500]);
    applyProcessing(
      [{ id: 'scale_range', kwargs: { axes: ['y', 'x'], min_percentile: 0, max_percentile: 100, eps: 0 } }],
      ranged,
      2,
    );
    expect(Array.from(ranged)).toEqual([0, 0, 0.5, 0.5, 1, 1]);
  });

  itNeeds(withNumpy)('percentile equals numpy.percentile (linear interpolation)', () => {
    const values = Array.from({ length: 101 }, (_, i) => ((i * 7919) % 101) * 1.5 - 20);
    const ps = [0, 0.5, 1, 12.3, 50, 99.5, 99.8, 100];
    const [line] = runPython(
      withNumpy.python,
      'import sys, json, numpy as np; v = np.array(json.loads(sys.argv[1])); print(json.dumps([float(np.percentile(v, p)) for p in json.loads(sys.argv[2])]))',
      [JSON.stringify(values), JSON.stringify(ps)],
    );
    const sorted = Float64Array.from(values).sort();
    const ours = ps.map((p) => percentile(sorted, p));
    (JSON.parse(line) as number[]).forEach((v, i) => {
      expect(ours[i]).toBeCloseTo(v, 9);
    });
  });
});
