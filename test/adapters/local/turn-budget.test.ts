import { describe, expect, it } from 'vitest';
import { TurnBudget } from '../../../src/adapters/local/turn-budget.js';

describe('TurnBudget', () => {
  it('runs tasks in submission order and settles each with its result or error', async () => {
    const turns = new TurnBudget();
    const order: number[] = [];
    const results = await Promise.allSettled([
      turns.run(() => (order.push(1), 'a')),
      turns.run(async () => (order.push(2), 'b')),
      turns.run(() => {
        order.push(3);
        throw new Error('refused');
      }),
      turns.run(() => (order.push(4), 'd')),
    ]);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'a',
      'b',
      'refused',
      'd',
    ]);
    expect(turns.waiting).toBe(0);
  });

  it('yields to the rest of the loop once a turn has used its budget', async () => {
    // A budget of 0 ms: every turn runs one task, then other callbacks get the loop.
    const turns = new TurnBudget(0);
    const order: string[] = [];
    const done = Promise.all([1, 2, 3].map((n) => turns.run(() => order.push(`task ${n}`))));
    setImmediate(() => order.push('other'));
    await done;
    expect(order).toEqual(['task 1', 'other', 'task 2', 'task 3']);
  });

  it('runs everything within one turn while the budget lasts', async () => {
    const turns = new TurnBudget(60_000);
    const order: string[] = [];
    const done = Promise.all([1, 2, 3].map((n) => turns.run(() => order.push(`task ${n}`))));
    setImmediate(() => order.push('other'));
    await done;
    // All three ran in the first turn: the callback queued after them has not had the loop yet.
    expect(order).toEqual(['task 1', 'task 2', 'task 3']);
  });
});
