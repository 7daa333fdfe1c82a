import { describe, expect, it } from 'vitest';
import { doneLines } from './train';

describe('unet-studio train: the closing lines', () => {
  it('say which saved model is the final one, which the best on validation, and which to use', () => {
    const lines = doneLines({
      steps: 1500,
      modelPath: 'run/model',
      finalValidationIoU: 0.86,
      bestModelPath: 'run/best',
      bestStep: 1400,
      bestValidationIoU: 0.87,
      recommendedModelPath: 'run/best',
    });
    expect(lines).toEqual([
      'final model: run/model (step 1500, validation foreground IoU 0.8600)',
      'best model:  run/best (step 1400, validation foreground IoU 0.8700)',
      'predict with: run/best (the best beats the final model on validation; `predict --model` with the run folder picks it)',
    ]);
    const final = doneLines({
      steps: 10,
      modelPath: 'm',
      finalValidationIoU: null,
      recommendedModelPath: 'm',
    });
    expect(final[0]).toBe('final model: m (step 10, not validated)');
    expect(final[1]).toMatch(/^predict with: m \(no validation;/);
    const same = doneLines({
      steps: 9,
      modelPath: 'm',
      finalValidationIoU: 0.9,
      bestModelPath: 'b',
      bestStep: 9,
      bestValidationIoU: 0.9,
      recommendedModelPath: 'm',
    });
    expect(same[2]).toMatch(/^predict with: m \(the final model is at least as good as the best/);
  });
});
