import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileShardCheckpoints } from '../../../src/adapters/local/pollers/shard-checkpoints.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stampede-checkpoints-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileShardCheckpoints', () => {
  it('starts empty, then a new instance on the same file resumes from what was saved', async () => {
    const first = FileShardCheckpoints.in(join(dir, 'checkpoints'), 'relay');
    expect(first.initial.size).toBe(0);
    first.save('shard-1', '100');
    first.save('shard-2', '7');
    first.save('shard-1', '250');
    await first.flush();
    const second = FileShardCheckpoints.in(join(dir, 'checkpoints'), 'relay');
    expect(Object.fromEntries(second.initial)).toEqual({ 'shard-1': '250', 'shard-2': '7' });
  });

  it('keeps consumers apart, one file each', async () => {
    const relay = FileShardCheckpoints.in(dir, 'relay');
    const fanout = FileShardCheckpoints.in(dir, 'fanout');
    relay.save('s', '1');
    fanout.save('s', '2');
    await Promise.all([relay.flush(), fanout.flush()]);
    expect(FileShardCheckpoints.in(dir, 'relay').initial.get('s')).toBe('1');
    expect(FileShardCheckpoints.in(dir, 'fanout').initial.get('s')).toBe('2');
  });

  it('writes the newest position when saves arrive during a write', async () => {
    const checkpoints = FileShardCheckpoints.in(dir, 'feed');
    for (let i = 1; i <= 500; i++) checkpoints.save('shardId-000000000000', String(i));
    await checkpoints.flush();
    expect(JSON.parse(readFileSync(join(dir, 'feed.json'), 'utf8'))).toEqual({ 'shardId-000000000000': '500' });
  });

  it('refuses an unreadable file instead of silently re-reading the stream from the start', () => {
    writeFileSync(join(dir, 'relay.json'), '{ not json');
    expect(() => FileShardCheckpoints.in(dir, 'relay')).toThrow(/checkpoint file .*relay\.json is unreadable/);
  });

  it('reports a failed write on flush', async () => {
    const checkpoints = new FileShardCheckpoints(join(dir, 'gone', 'x.json'));
    await rm(join(dir, 'gone'), { recursive: true });
    checkpoints.save('s', '1');
    await expect(checkpoints.flush()).rejects.toThrow(/ENOENT/);
  });
});

describe('FileShardCheckpoints after a kill mid-write', () => {
  it('removes the temporary file a cut-off write left, and keeps the last whole checkpoint', async () => {
    writeFileSync(join(dir, 'relay.json'), JSON.stringify({ s: '5' }));
    writeFileSync(join(dir, 'relay.json.12345.tmp'), '{"s":"6');
    writeFileSync(join(dir, 'fanout.json.12345.tmp'), '{}');
    const checkpoints = FileShardCheckpoints.in(dir, 'relay');
    expect(checkpoints.initial.get('s')).toBe('5');
    expect(readdirSync(dir).sort()).toEqual(['fanout.json.12345.tmp', 'relay.json']);
  });
});
