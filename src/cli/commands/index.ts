import { type Command, Help } from 'commander';

/** One CLI command: what `--help` lists, and how to load its module when it runs. */
export interface CommandEntry {
  name: string;
  /** The command's line in `unet-studio --help`: name, `[options]`, arguments. */
  term: string;
  /** Its description, word for word as the command's own module sets it. */
  summary: string;
  /**
   * Imports the command's module and returns its register function. Only the command that runs
   * is loaded, so `evaluate` and `weightmap` never load TensorFlow.js or ONNX Runtime.
   */
  load(): Promise<(program: Command) => void>;
}

/** The TF.js banner is noise here: the commands that load TF.js say which backend runs. */
async function quietTensorFlow(): Promise<void> {
  (await import('../../engine/index')).quietTensorFlowAdvert();
}

/** Every CLI command, one file each, in `--help` order. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'train',
    term: 'train [options]',
    summary: 'Train a U-Net on images and label masks matched by base name',
    load: async () => {
      await quietTensorFlow();
      return (await import('./train')).registerTrain;
    },
  },
  {
    name: 'predict',
    term: 'predict [options]',
    summary: 'segment images with a trained model (overlap-tile, any image size)',
    load: async () => {
      await quietTensorFlow();
      return (await import('./predict')).registerPredict;
    },
  },
  {
    name: 'evaluate',
    term: 'evaluate [options]',
    summary: 'Score predicted masks against ground truth: IoU, Dice, pixel/Rand error, SEG, object P/R/F1',
    load: async () => (await import('./evaluate')).registerEvaluate,
  },
  {
    name: 'weightmap',
    term: 'weightmap [options] <instances...>',
    summary: 'compute U-Net weight maps (eq. 2) from instance label images or binary masks',
    load: async () => (await import('./weightmap')).registerWeightmap,
  },
  {
    name: 'serve',
    term: 'serve [options]',
    summary: 'Serve the U-Net Studio UI to a browser on this machine (token-protected, loopback only)',
    load: async () => {
      await quietTensorFlow();
      return (await import('./serve')).registerServe;
    },
  },
  {
    name: 'export-model',
    term: 'export-model [options]',
    summary: 'write a trained model as a bioimage.io model package (.zip) for deepImageJ, ilastik and others',
    load: async () => {
      await quietTensorFlow();
      return (await import('./exportModel')).registerExportModel;
    },
  },
  {
    name: 'import',
    term: 'import [options]',
    summary: 'create a project (or add to one) from a folder of images and, optionally, their masks',
    load: async () => {
      await quietTensorFlow();
      return (await import('./importProject')).registerImport;
    },
  },
];

/**
 * Registers what this run of the CLI needs. `args` are the arguments after the script. When
 * they name a command (`weightmap ...`, or `help weightmap`), only that command's module is
 * loaded and registered in full. Otherwise (`--help`, `--version`, nothing, a typo) every
 * command is listed by name and summary without loading any of them.
 */
export async function registerCommands(program: Command, args: string[]): Promise<void> {
  const words = args.filter((a) => !a.startsWith('-'));
  const named = words[0] === 'help' ? words[1] : words[0];
  const entry = COMMANDS.find((c) => c.name === named);
  if (entry) {
    (await entry.load())(program);
    return;
  }
  for (const c of COMMANDS) program.command(c.name).description(c.summary);
  const terms = new Map(COMMANDS.map((c) => [c.name, c.term]));
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd) });
}
