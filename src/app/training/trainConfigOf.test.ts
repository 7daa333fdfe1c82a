import { describe, expect, it } from 'vitest';
import { parseTrainConfig } from '../../engine/index';
import type { TrainingRequest } from '../../shared/apiModels';
import { type TrainImageFiles, trainConfigOf } from './trainConfigOf';

const images: TrainImageFiles[] = [
  { image: '/p/a.png', annotation: { kind: 'annotation', classesPath: '/p/a.classes.png' } },
];

const request = (advanced: TrainingRequest['advanced']): TrainingRequest => ({
  imageIds: ['img_a'],
  valFraction: 0,
  preset: 'fast',
  advanced,
});

describe('trainConfigOf', () => {
  it('passes object borders to the engine config, which takes it', () => {
    const config = trainConfigOf(request({ objectBorders: true, steps: 5 }), images, '/p/runs/r', 2);
    expect(config).toMatchObject({ objectBorders: true, architecture: { classes: 2 }, steps: 5 });
    expect(parseTrainConfig(config).objectBorders).toBe(true);
    expect(trainConfigOf(request({ objectBorders: false }), images, '/p/runs/r', 2).objectBorders).toBe(
      false,
    );
  });

  it('leaves object borders out when the request does not set it: the preset decides', () => {
    const config = trainConfigOf(request({ steps: 5 }), images, '/p/runs/r', 2);
    expect('objectBorders' in config).toBe(false);
    // The fast preset learns them when labelled objects touch; the paper preset never.
    expect(parseTrainConfig(config).objectBorders).toBe('auto');
    expect(parseTrainConfig({ ...config, preset: 'paper' }).objectBorders).toBe(false);
  });
});
