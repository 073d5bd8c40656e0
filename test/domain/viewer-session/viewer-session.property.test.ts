import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptsHeartbeat,
  viewerSessionDecider,
  type ViewerSessionCommand,
} from '../../../src/domain/viewer-session/index.js';
import {
  cutPoints,
  eventsOf,
  expectRepeatsYieldNothing,
  expectReplayIsStable,
  runCommands,
  RUNS,
} from '../decider-harness.js';
import { viewerSessionRun } from './viewer-session.arbitraries.js';

describe('ViewerSession properties', () => {
  it('recorded heartbeat sequences strictly rise, whatever the duplicates and reordering', () => {
    fc.assert(
      fc.property(viewerSessionRun, (commands) => {
        const sequences = eventsOf(runCommands(viewerSessionDecider, commands)).flatMap((e) =>
          e.type === 'HeartbeatRecorded' ? [e.data.sequence] : [],
        );
        sequences.forEach((s, i) => i > 0 && expect(s).toBeGreaterThan(sequences[i - 1]!));
      }),
      RUNS,
    );
  });

  it('a heartbeat is recorded exactly when acceptsHeartbeat says so (the rule the presence store applies)', () => {
    fc.assert(
      fc.property(viewerSessionRun, (commands) => {
        for (const step of runCommands(viewerSessionDecider, commands)) {
          if (step.command.type !== 'Heartbeat') continue;
          expect(step.events.length > 0).toBe(acceptsHeartbeat(step.before, step.command.sequence));
        }
      }),
      RUNS,
    );
  });

  it('nothing happens after leaving or expiring; expiry only after a full TTL of silence', () => {
    fc.assert(
      fc.property(viewerSessionRun, (commands) => {
        let ended = false;
        for (const step of runCommands(viewerSessionDecider, commands)) {
          if (ended) expect(step.events).toEqual([]);
          for (const e of step.events) {
            if (e.type === 'ViewerExpired' && step.command.type === 'Expire' && step.before.status === 'ACTIVE') {
              expect(e.data.expiredAt - step.before.lastHeartbeatAt).toBeGreaterThanOrEqual(step.command.ttlMs);
            }
            if (e.type === 'ViewerLeft' || e.type === 'ViewerExpired') ended = true;
          }
          if (
            step.command.type === 'Expire' &&
            step.before.status === 'ACTIVE' &&
            step.events.length === 0 &&
            !step.error
          ) {
            expect(step.command.at - step.before.lastHeartbeatAt).toBeLessThan(step.command.ttlMs);
          }
        }
      }),
      RUNS,
    );
  });

  it('repeating an applied command yields nothing', () => {
    fc.assert(
      fc.property(viewerSessionRun, (commands) =>
        expectRepeatsYieldNothing(viewerSessionDecider, runCommands(viewerSessionDecider, commands)),
      ),
      RUNS,
    );
  });

  it('replay gives the same state whatever the batch boundaries, and never alters an earlier state', () => {
    fc.assert(
      fc.property(viewerSessionRun, cutPoints, (commands: ViewerSessionCommand[], cuts) =>
        expectReplayIsStable(viewerSessionDecider, runCommands(viewerSessionDecider, commands), cuts),
      ),
      RUNS,
    );
  });
});
