import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/jobs';
import { startTrainingProcess } from './startTrainingProcess';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'train-proc-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fake training child: answers `start` with a checkpoint event, then behaves per `script`. */
async function fakeChild(name: string, script: string): Promise<() => ReturnType<typeof fork>> {
  const path = join(dir, `${name}.mjs`);
  await writeFile(
    path,
    `process.on('message', (m) => {
  const send = (event) => process.send({ type: 'event', event });
  if (m.type === 'start') {
    send({ kind: 'checkpoint', jobId: m.jobId, step: 7, path: 'x', at: 'now' });
    ${script}
  }
  if (m.type === 'stop') {
    process.send({ type: 'event', event: { kind: 'cancelled', jobId: 'j', at: 'now', step: 7 } }, () => process.exit(0));
  }
});`,
  );
  return () => fork(path, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
}

const config = {
  images: [{ image: 'a', annotation: { kind: 'mask' as const, path: 'b' } }],
  outDir: 'o',
  steps: 1,
};

describe('startTrainingProcess', () => {
  it('a child that dies without a final event is reported as failed, with the exit and the resume step', async () => {
    const events: JobEvent[] = [];
    const factory = await fakeChild('crash', 'setTimeout(() => process.exit(3), 20);');
    const child = startTrainingProcess(config, { onEvent: (e) => events.push(e), factory, jobId: 'j1' });
    const outcome = await child.done;
    expect(outcome.status).toBe('failed');
    expect(outcome.exitCode).toBe(3);
    expect(events.map((e) => e.kind)).toEqual(['checkpoint', 'failed']);
    const failed = events[1] as Extract<JobEvent, { kind: 'failed' }>;
    expect(failed.jobId).toBe('j1');
    expect(failed.error.message).toMatch(/exited with code 3 before it finished/);
    expect(failed.error.message).toMatch(/checkpoint of step 7 is kept: run again with resume/);
  });

  it('kill() is reported with its signal; stop() waits for the child to end cleanly', async () => {
    const hang = await fakeChild('hang', '');
    const killed = startTrainingProcess(config, { onEvent: () => {}, factory: hang });
    await new Promise((resolve) => setTimeout(resolve, 100));
    killed.kill();
    const outcome = await killed.done;
    expect(outcome.signal).toBe('SIGKILL');
    expect(outcome.event.kind === 'failed' && outcome.event.error.message).toMatch(/was killed \(SIGKILL\)/);

    const events: JobEvent[] = [];
    const stopped = startTrainingProcess(config, { onEvent: (e) => events.push(e), factory: hang });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stopped.stop();
    const result = await stopped.done;
    expect(result.status).toBe('cancelled');
    expect(result.exitCode).toBe(0);
    expect(events.at(-1)?.kind).toBe('cancelled');
  });
});
