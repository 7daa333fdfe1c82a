/**
 * Entry point of the training child process (forked by startTrainingProcess): a thin adapter
 * around `train`. Messages in: start / preview / stop. Messages out: every TrainingEvent (a
 * `preview` one each time a preview file is written). The parent going
 * away (disconnect), SIGINT (Ctrl-C reaches the whole process group) and SIGTERM all stop the
 * run the same way: checkpoint, `cancelled`, exit. The process always ends with process.exit,
 * because the wasm backend's threads would otherwise keep it alive.
 */
import type { TrainingEvent } from '../../shared/jobs';
import type { TrainChildMessage, TrainParentMessage } from './startTrainingProcess';
import { train } from './train';
import { type PreviewRequest, TrainingPreviews } from './trainingPreviews';

const controller = new AbortController();
let started = false;
let previews: TrainingPreviews | null = null;
/** Preview requests that arrive before the run has started. */
const asked: PreviewRequest[] = [];

/** Passes a preview request on; one that names no valid file is refused (and said so). */
function ask(image: PreviewRequest): void {
  try {
    previews?.request(image);
  } catch (error) {
    process.stderr.write(
      `[train] preview request refused: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}

function post(event: TrainingEvent): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) return resolve();
    const message: TrainChildMessage = { type: 'event', event };
    process.send(message, undefined, {}, () => resolve());
  });
}

async function run(message: Extract<TrainParentMessage, { type: 'start' }>): Promise<number> {
  const pending = new Set<Promise<void>>();
  const relay = (event: TrainingEvent): void => {
    const sent = post(event).then(() => {
      pending.delete(sent);
    });
    pending.add(sent);
  };
  const { jobId } = message;
  previews = new TrainingPreviews(message.config.outDir, (imageId, step) =>
    relay({ kind: 'preview', jobId, step, imageId, at: new Date().toISOString() }),
  );
  for (const image of asked.splice(0)) ask(image);
  try {
    await train(message.config, { signal: controller.signal, jobId, onEvent: relay, previews });
    return 0;
  } catch {
    // train() has already reported the failure as a `failed` event.
    return 1;
  } finally {
    await Promise.all([...pending]);
  }
}

process.on('message', (raw: unknown) => {
  const message = raw as TrainParentMessage;
  if (message.type === 'stop') {
    controller.abort();
  } else if (message.type === 'preview') {
    if (previews === null) asked.push(message.image);
    else ask(message.image);
  } else if (message.type === 'start' && !started) {
    started = true;
    void run(message).then((code) => process.exit(code));
  }
});
process.on('disconnect', () => {
  controller.abort();
  if (!started) process.exit(0);
});
process.on('SIGINT', () => controller.abort());
process.on('SIGTERM', () => controller.abort());
