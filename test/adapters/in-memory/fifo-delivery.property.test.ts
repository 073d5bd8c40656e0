import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';

/**
 * The reference: FIFO delivery as one scan of every message in send order (what the queue did
 * before it indexed groups): a group is blocked at its first message that is not visible, or
 * once it has `quota` in flight, counting every in-flight message of the group.
 */
interface ModelMessage {
  readonly body: string;
  readonly group: string;
  visibleAt: number;
  received: boolean;
}
const referenceReceive = (messages: ModelMessage[], now: number, quota: number, limit: number, timeout: number) => {
  const inFlight = new Map<string, number>();
  for (const m of messages)
    if (m.received && m.visibleAt > now) inFlight.set(m.group, (inFlight.get(m.group) ?? 0) + 1);
  const blocked = new Set<string>();
  const picked: ModelMessage[] = [];
  for (const m of messages) {
    if (picked.length >= limit) break;
    if (blocked.has(m.group)) continue;
    const taken = inFlight.get(m.group) ?? 0;
    if (m.visibleAt > now || taken >= quota) {
      blocked.add(m.group);
      continue;
    }
    inFlight.set(m.group, taken + 1);
    picked.push(m);
  }
  for (const m of picked) Object.assign(m, { received: true, visibleAt: now + timeout });
  return picked.map((m) => m.body);
};

const op = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), group: fc.constantFrom('g1', 'g2', 'g3') }),
  fc.record({ kind: fc.constant('receive' as const), limit: fc.integer({ min: 1, max: 10 }) }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 150 }) }),
);

describe('in-memory FIFO queue delivery', () => {
  it('hands out exactly what one scan of the whole queue would, through sends, receives, deletes, early releases and timeouts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(op, { maxLength: 120 }), (quota, ops) => {
        const timeout = 100;
        const clock = new FakeClock(0);
        const queue = new InMemoryQueue<string>({
          fifo: true,
          inFlightPerGroup: quota,
          visibilityTimeoutMs: timeout,
          clock,
        });
        const model: ModelMessage[] = [];
        const handles = new Map<string, string>();
        let sent = 0;
        for (const o of ops) {
          if (o.kind === 'send') {
            const body = `m${sent++}`;
            queue.sendRaw(body, { groupId: o.group, dedupId: body });
            model.push({ body, group: o.group, visibleAt: clock.now(), received: false });
          } else if (o.kind === 'receive') {
            const got = queue.receive(o.limit);
            for (const m of got) handles.set(m.rawBody, m.receiptHandle);
            expect(got.map((m) => m.rawBody)).toEqual(referenceReceive(model, clock.now(), quota, o.limit, timeout));
          } else if (o.kind === 'advance') {
            clock.advance(o.ms);
          } else {
            const inFlight = model.filter((m) => m.received && m.visibleAt > clock.now());
            const m = inFlight[o.pick % Math.max(1, inFlight.length)];
            if (!m) continue;
            const handle = handles.get(m.body) as string;
            if (o.kind === 'delete') {
              expect(queue.delete(handle)).toBe(true);
              model.splice(model.indexOf(m), 1);
            } else {
              queue.changeVisibility(handle, 0);
              m.visibleAt = clock.now();
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
