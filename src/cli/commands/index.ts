import type { Command } from 'commander';
import { registerEvaluate } from './evaluate';
import { registerExportModel } from './exportModel';
import { registerPredict } from './predict';
import { registerServe } from './serve';
import { registerTrain } from './train';
import { registerWeightmap } from './weightmap';

/** Every CLI command, one file each. */
export function registerCommands(program: Command): void {
  registerTrain(program);
  registerPredict(program);
  registerEvaluate(program);
  registerWeightmap(program);
  registerServe(program);
  registerExportModel(program);
}
