/**
 * Entry point of the work process (forked by WorkProcess): a thin adapter around runWorkTask,
 * so that prediction, scoring and export never run on the main side's event loop. Messages in:
 * run / cancel (WorkRequest). Messages out: events, then one result or error per piece of work
 * (WorkReply). It ends when the main side goes away; process.exit because the threaded wasm
 * backend's workers would otherwise keep it alive.
 */
import { toErrorInfo } from '../../shared/errors';
import type { WorkReply, WorkRequest } from './workMessages';
import { runWorkTask } from './workTasks';

const running = new Map<number, AbortController>();

function reply(message: WorkReply): void {
  if (process.connected && process.send !== undefined) process.send(message);
}

async function run(id: number, work: Extract<WorkRequest, { type: 'run' }>['work']): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const value = await runWorkTask(work, controller.signal, (event) => reply({ type: 'event', id, event }));
    reply({ type: 'result', id, value });
  } catch (error) {
    const info = toErrorInfo(error);
    if (info.code === 'internal')
      process.stderr.write(`[work] ${work.kind} failed with a bug: ${info.detail ?? info.message}\n`);
    reply({ type: 'error', id, error: info });
  } finally {
    running.delete(id);
  }
}

process.on('message', (raw: unknown) => {
  const message = raw as WorkRequest;
  if (message.type === 'run') void run(message.id, message.work);
  else if (message.type === 'cancel') running.get(message.id)?.abort();
});
process.on('disconnect', () => process.exit(0));
