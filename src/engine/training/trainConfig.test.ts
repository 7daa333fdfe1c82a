import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { splitSamples } from './splitSamples';
import { incompatibility, parseTrainConfig, resolveSettings } from './trainConfig';

const base = {
  images: [{ image: 'a.png', annotation: { kind: 'mask' as const, path: 'a_mask.png' } }],
  outDir: '/tmp/out',
  steps: 10,
};

describe('training config', () => {
  it('fills defaults and takes architecture, tile and optimiser from the preset', () => {
    const config = parseTrainConfig(base);
    expect(config.preset).toBe('fast');
    expect(config.checkpointMinutes).toBe(5);
    expect(config.momentum).toBe(0.99);
    expect(config.resume).toBe(false);
    const fast = resolveSettings(config, 1);
    expect(fast.architecture).toEqual({
      depth: 4,
      baseFilters: 16,
      inputChannels: 1,
      classes: 2,
      dropout: 0.5,
    });
    expect(fast.tileSize).toBe(348);
    expect(fast.optimizer).toEqual({ kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999 });
    const paper = resolveSettings(parseTrainConfig({ ...base, preset: 'paper' }), 3);
    expect(paper.architecture.baseFilters).toBe(64);
    expect(paper.architecture.inputChannels).toBe(3);
    expect(paper.optimizer).toEqual({ kind: 'sgd', learningRate: 0.01, momentum: 0.99 });
  });

  it('overrides win over the preset', () => {
    const config = parseTrainConfig({
      ...base,
      architecture: { depth: 2, baseFilters: 4, dropout: 0 },
      tileSize: 60,
      batch: 3,
      optimizer: 'sgd',
      learningRate: 0.5,
      momentum: 0.9,
    });
    const s = resolveSettings(config, 1);
    expect(s.architecture).toEqual({ depth: 2, baseFilters: 4, inputChannels: 1, classes: 2, dropout: 0 });
    expect(s.tileSize).toBe(60);
    expect(s.batch).toBe(3);
    expect(s.optimizer).toEqual({ kind: 'sgd', learningRate: 0.5, momentum: 0.9 });
  });

  it('architecture keys left undefined keep the preset value', () => {
    const s = resolveSettings(
      parseTrainConfig({ ...base, architecture: { depth: undefined, baseFilters: 8 } }),
      1,
    );
    expect(s.architecture.depth).toBe(4);
    expect(s.architecture.baseFilters).toBe(8);
  });

  it('rejects configs with a clear message naming the field', () => {
    const { steps: _steps, ...noBudget } = base;
    expect(() => parseTrainConfig(noBudget)).toThrow(/steps: give a number of steps or a time budget/);
    expect(() => parseTrainConfig({ ...base, images: [] })).toThrow(/images/);
    expect(() => parseTrainConfig({ ...base, optimizer: 'rmsprop' })).toThrow(/optimizer/);
    expect(() => parseTrainConfig({ ...base, tileSize: -3 })).toThrow(AppError);
    expect(() => parseTrainConfig({ ...base, bogus: 1 })).toThrow(/bogus|Unrecognized/);
  });

  it('resume compatibility: architecture, tile, batch and optimiser kind must match', () => {
    const a = resolveSettings(parseTrainConfig(base), 1);
    expect(
      incompatibility(a, resolveSettings(parseTrainConfig({ ...base, learningRate: 1e-4, steps: 99 }), 1)),
    ).toBeNull();
    expect(incompatibility(a, resolveSettings(parseTrainConfig({ ...base, tileSize: 268 }), 1))).toMatch(
      /tile size was 348, now 268/,
    );
    expect(
      incompatibility(a, resolveSettings(parseTrainConfig({ ...base, architecture: { baseFilters: 8 } }), 1)),
    ).toMatch(/baseFilters was 16, now 8/);
    expect(incompatibility(a, resolveSettings(parseTrainConfig({ ...base, optimizer: 'sgd' }), 1))).toMatch(
      /optimizer/,
    );
    expect(incompatibility(a, resolveSettings(parseTrainConfig(base), 3))).toMatch(/inputChannels/);
    // A run that learned object borders has 3 network classes: say why, not "classes was 3, now 2".
    const borders = resolveSettings(parseTrainConfig({ ...base, objectBorders: true }), 1);
    borders.architecture.classes = 3;
    expect(incompatibility(borders, a)).toBe(
      'the run learned object borders; resume it with object borders on',
    );
    expect(incompatibility(a, borders)).toMatch(/did not learn object borders/);
    // A checkpoint written before the setting existed has none: it learned no borders.
    const { objectBorders: _older, ...older } = a;
    expect(incompatibility(older, a)).toBeNull();
  });

  it('the validation split is seeded, disjoint and sized by the fraction', () => {
    const items = Array.from({ length: 25 }, (_, i) => i);
    const a = splitSamples(items, 0.2, 7);
    expect(a.validation).toHaveLength(5);
    expect(a.train).toHaveLength(20);
    expect([...a.train, ...a.validation].sort((x, y) => x - y)).toEqual(items);
    expect(splitSamples(items, 0.2, 7)).toEqual(a);
    expect(splitSamples(items, 0.2, 8).validation).not.toEqual(a.validation);
    expect(splitSamples([1], 0.5, 1)).toEqual({ train: [1], validation: [] });
    expect(splitSamples([1, 2], 0.01, 1).validation).toHaveLength(1);
    expect(splitSamples([1, 2, 3], 0, 1).validation).toHaveLength(0);
  });
});
