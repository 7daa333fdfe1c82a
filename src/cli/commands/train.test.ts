import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseTrainConfig } from '../../engine/index';
import { doneLines, lossLine, registerTrain, type TrainCliOptions, trainConfigInputOf } from './train';

/** The config `unet-studio train ARGS` would run, parsed by the real command definition. */
function configOf(args: string[]) {
  const program = new Command().exitOverride();
  registerTrain(program);
  let options: TrainCliOptions | undefined;
  program.commands[0]!.action((o: TrainCliOptions) => {
    options = o;
  });
  program.parse(['train', '--images', 'i', '--labels', 'l', '--out', 'o', '--steps', '5', ...args], {
    from: 'user',
  });
  return parseTrainConfig(
    trainConfigInputOf(options!, [{ image: 'i/a.png', annotation: { kind: 'mask', path: 'l/a.png' } }]),
  );
}

describe('unet-studio train: flags left out leave the preset in charge', () => {
  it('the fast preset keeps its loss (no border term, class balance only for sparse objects)', () => {
    const fast = configOf([]);
    expect(fast.w0).toBe(0);
    expect(fast.classBalance).toBe('auto');
    expect(lossLine(fast)).toBe(
      'loss: weighted cross-entropy, object borders as a third class if labelled objects touch, border weight w0 0, class balance where the background is the majority',
    );
    const paper = configOf(['--preset', 'paper']);
    expect([paper.w0, paper.classBalance]).toEqual([10, true]);
    expect(lossLine(paper)).toMatch(/w0 10, class balance on$/);
    const off = configOf(['--no-class-balance', '--w0', '3']);
    expect([off.w0, off.classBalance]).toEqual([3, false]);
    expect(lossLine(off)).toMatch(/w0 3, class balance off$/);
    expect(fast.objectBorders).toBe('auto');
    expect(configOf(['--preset', 'paper']).objectBorders).toBe(false);
    expect(configOf(['--no-object-borders']).objectBorders).toBe(false);
  });

  it('--object-borders asks for the outline class and the loss line names the three classes', () => {
    const borders = configOf(['--object-borders']);
    expect(borders.objectBorders).toBe(true);
    expect(lossLine(borders)).toBe(
      'loss: weighted cross-entropy, 3 classes: background, object interior, object border, border weight w0 0, class balance where the background is the majority',
    );
  });
});

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
