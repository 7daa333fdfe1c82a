/**
 * Entry point of the training child process (forked by startTrainingProcess): a thin adapter
 * around `train`. Messages in: start / stop. Messages out: every JobEvent. The parent going
 * away (disconnect), SIGINT (Ctrl-C reaches the whole process group) and SIGTERM all stop the
 * run the same way: checkpoint, `cancelled`, exit. The process always ends with process.exit,
 * because the wasm backend's threads would otherwise keep it alive.
 */
import type { JobEvent } from '../../shared/jobs';
import type { TrainChildMessage, TrainParentMessage } from './startTrainingProcess';
import { train } from './train';

const controller = new AbortController();
let started = false;

function post(event: JobEvent): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) return resolve();
    const message: TrainChildMessage = { type: 'event', event };
    process.send(message, undefined, {}, () => resolve());
  });
}

async function run(message: Extract<TrainParentMessage, { type: 'start' }>): Promise<number> {
  const pending = new Set<Promise<void>>();
  try {
    await train(message.config, {
      signal: controller.signal,
      jobId: message.jobId,
      onEvent: (event) => {
        const sent = post(event).then(() => {
          pending.delete(sent);
        });
        pending.add(sent);
      },
    });
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
