import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildHandle } from '../../bench/lib/child-process.js';

const script = fileURLToPath(new URL('./fixtures/echo-child.mjs', import.meta.url));
const started: ChildHandle[] = [];
const start = (fdLimit?: number) => {
  const child = ChildHandle.start({ script, label: 'echo child', cwd: process.cwd(), fdLimit });
  started.push(child);
  return child;
};

afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.stop()));
});

describe('ChildHandle', () => {
  it('exchanges messages with its child', async () => {
    const child = start();
    child.send({ type: 'ping', value: 21 });
    await expect(child.next('pong', 10_000)).resolves.toMatchObject({ value: 42 });
  });

  it('routes progress to listeners and keeps the answer for next()', async () => {
    const child = start();
    const seen: string[] = [];
    child.on('progress', (m) => seen.push(String(m.text)));
    child.send({ type: 'progress-then-pong' });
    await child.next('pong', 10_000);
    expect(seen).toEqual(['half way']);
  });

  it('turns an error message from the child into a rejection naming the child', async () => {
    const child = start();
    child.send({ type: 'boom' });
    await expect(child.next('pong', 10_000)).rejects.toThrow(/echo child failed: it broke: bad input/);
  });

  it('rejects a waiter when the child exits without answering', async () => {
    const child = start();
    const answer = child.next('pong', 10_000);
    child.send({ type: 'bye' });
    await expect(answer).rejects.toThrow(/echo child exited/);
  });

  it('keeps the IPC channel through the ulimit shell', async () => {
    const child = start(1024);
    child.send({ type: 'ping', value: 1 });
    await expect(child.next('pong', 10_000)).resolves.toMatchObject({ value: 2 });
  });
});
