import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelDecider, type ChannelCommand, type ChannelEvent } from '../../../src/domain/channel/index.js';
import {
  cutPoints,
  eventsOf,
  expectRepeatsYieldNothing,
  expectReplayIsStable,
  runCommands,
  RUNS,
} from '../decider-harness.js';
import { channelRun } from './channel.arbitraries.js';

describe('Channel properties', () => {
  it('nothing happens after the live ended; it starts at most once and ends only after starting', () => {
    fc.assert(
      fc.property(channelRun, (commands) => {
        const events = eventsOf(runCommands(channelDecider, commands));
        const types = events.map((e) => e.type);
        const endIndex = types.indexOf('LiveEnded');
        if (endIndex !== -1) expect(endIndex).toBe(events.length - 1);
        expect(types.filter((t) => t === 'LiveStarted').length).toBeLessThanOrEqual(1);
        expect(types.filter((t) => t === 'ChannelScheduled').length).toBeLessThanOrEqual(1);
        if (endIndex !== -1) expect(types.indexOf('LiveStarted')).toBeLessThan(endIndex);
        if (events.length > 0) expect(types[0]).toBe('ChannelScheduled');
      }),
      RUNS,
    );
  });

  it('prices stay positive and in the channel currency; a price change names the price it replaced', () => {
    fc.assert(
      fc.property(channelRun, (commands) => {
        const prices = new Map<string, number>();
        for (const step of runCommands(channelDecider, commands)) {
          if (step.events.length > 0 && 'currency' in step.command && step.command.type !== 'ScheduleChannel') {
            expect(step.command.currency).toBe('KRW');
          }
          for (const e of step.events) {
            if (e.type === 'ProductListed') {
              expect(prices.has(e.data.productId)).toBe(false);
              prices.set(e.data.productId, e.data.price);
            }
            if (e.type === 'PriceChanged') {
              expect(e.data.previousPrice).toBe(prices.get(e.data.productId));
              expect(e.data.price).not.toBe(e.data.previousPrice);
              prices.set(e.data.productId, e.data.price);
            }
            if (e.type === 'AuctionAttached') expect(prices.has(e.data.productId)).toBe(true);
          }
          for (const p of prices.values()) expect(p).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it('viewer counts only move forward in measurement time and each recorded one is news', () => {
    fc.assert(
      fc.property(channelRun, (commands) => {
        const counts = eventsOf(runCommands(channelDecider, commands)).filter(
          (e): e is Extract<ChannelEvent, { type: 'ViewerCountChanged' }> => e.type === 'ViewerCountChanged',
        );
        let previous = { count: 0, asOf: -1 };
        for (const { data } of counts) {
          expect(data.asOf).toBeGreaterThan(previous.asOf);
          expect(data.count).not.toBe(previous.count);
          previous = data;
        }
      }),
      RUNS,
    );
  });

  it('repeating an applied command yields nothing', () => {
    fc.assert(
      fc.property(channelRun, (commands) =>
        expectRepeatsYieldNothing(channelDecider, runCommands(channelDecider, commands)),
      ),
      RUNS,
    );
  });

  it('after the end, every command but EndLive fails with CHANNEL_ENDED', () => {
    fc.assert(
      fc.property(channelRun, (commands) => {
        const steps = runCommands(channelDecider, commands);
        for (const step of steps) {
          if (step.before.status !== 'ENDED') continue;
          if (step.command.type === 'EndLive') expect(step.events).toEqual([]);
          else expect(step.error?.code).toBe('CHANNEL_ENDED');
        }
      }),
      RUNS,
    );
  });

  it('replay gives the same state whatever the batch boundaries, and never alters an earlier state', () => {
    fc.assert(
      fc.property(channelRun, cutPoints, (commands: ChannelCommand[], cuts) =>
        expectReplayIsStable(channelDecider, runCommands(channelDecider, commands), cuts),
      ),
      RUNS,
    );
  });
});
