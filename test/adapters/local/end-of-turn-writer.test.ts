import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EndOfTurnWriter } from '../../../src/adapters/local/end-of-turn-writer.js';

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

/** A loopback server whose handler gets the writer; resolves to its base URL. */
const serve = async (handler: (res: ServerResponse, path: string) => void): Promise<string> => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(res, req.url ?? '/'));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const get = (url: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });

describe('EndOfTurnWriter (the local server writes the answers of one event-loop turn together)', () => {
  it('writes nothing during the turn, then every answer of the turn, each to its own client', async () => {
    const seenBeforeFlush: boolean[] = [];
    const pending: ServerResponse[] = [];
    const writer = new EndOfTurnWriter(() => undefined);
    const url = await serve((res, path) => {
      pending.push(res);
      writer.write(res, { statusCode: 200, body: `answer to ${path}`, headers: { 'content-type': 'text/plain' } });
      seenBeforeFlush.push(res.headersSent);
    });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => get(`${url}/r${i}`)));
    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => ({ status: 200, body: `answer to /r${i}` })));
    expect(seenBeforeFlush).toHaveLength(20);
    expect(seenBeforeFlush.every((sent) => !sent)).toBe(true);
    expect(pending.every((res) => res.writableEnded)).toBe(true);
  });

  it('skips a response already answered or whose client left before the turn ended, and writes the others', async () => {
    const failures: unknown[] = [];
    const writer = new EndOfTurnWriter((_res, error) => failures.push(error));
    const url = await serve((res, path) => {
      if (path === '/gone') res.destroy();
      if (path === '/answered') res.writeHead(409).end('answered already');
      writer.write(res, { statusCode: 200, body: path });
    });
    await expect(get(`${url}/gone`)).rejects.toThrow();
    expect(await get(`${url}/answered`)).toEqual({ status: 409, body: 'answered already' });
    expect(await get(`${url}/here`)).toEqual({ status: 200, body: '/here' });
    expect(failures).toEqual([]);
  });

  it('hands a result Node cannot write to onError, with the response still open, and goes on', async () => {
    const failures: unknown[] = [];
    const writer = new EndOfTurnWriter((res, error) => {
      failures.push(error);
      res.writeHead(500).end('INTERNAL');
    });
    const url = await serve((res, path) => {
      const headers: Record<string, string> = path === '/bad' ? { 'x-broken': 'line\nbreak' } : {};
      writer.write(res, { statusCode: 200, body: 'fine', headers });
    });
    const [bad, good] = await Promise.all([get(`${url}/bad`), get(`${url}/good`)]);
    expect(bad).toEqual({ status: 500, body: 'INTERNAL' });
    expect(good).toEqual({ status: 200, body: 'fine' });
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toMatch(/Invalid character|x-broken/i);
  });
});
