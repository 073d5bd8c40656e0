import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ClientMessage,
  decodeAuthSubprotocol,
  encodeAuthSubprotocol,
  EVENT_WS_SUBPROTOCOL,
  PublishRequest,
  PublishResponse,
  ServerMessage,
} from '../../../src/adapters/appsync/event-api-wire.js';
import { AppSyncEventsStandIn } from '../../../src/adapters/local/appsync-events-standin.js';
import { rawStatus, sendThenReset, upgradeRequest } from '../../support/raw-http.js';
import { authSubprotocol, eventsOfData } from '../../../src/client/appsync-events-transport.js';
import { fixture, ProtocolSocket, shapeOf } from './event-api-fixtures.js';

const apiKeyAuth = fixture<Record<string, string>>('auth_header_api_key');
const API_KEY = apiKeyAuth['x-api-key'] as string;
const OP_ID = 'ee849ef0-cf23-4cb8-9fcb-152ae4fd1e69';

/**
 * The stand-in against the messages AWS documents: it must answer the documentation's own
 * requests with the documentation's own replies (same fields, same values where the docs fix
 * them), so code developed against it speaks to the real Event API.
 */
describe('AppSync Events wire format and stand-in, against AWS documentation fixtures', () => {
  let standIn: AppSyncEventsStandIn;
  const sockets: ProtocolSocket[] = [];
  const open = async (auth: Record<string, string>, protocols?: string[]) => {
    const socket = await ProtocolSocket.open(
      standIn.realtimeEndpoint,
      protocols ?? [EVENT_WS_SUBPROTOCOL, encodeAuthSubprotocol({ ...auth, host: standIn.host })],
    );
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    standIn = await AppSyncEventsStandIn.start({
      namespaces: ['namespaceA', 'live'],
      authorize: async (auth) => auth['x-api-key'] === API_KEY,
      keepAliveMs: 50,
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await standIn?.close();
  });

  it('reads every documented message with the wire schemas', () => {
    for (const name of ['connection_init', 'subscribe', 'unsubscribe', 'publish_ws'])
      expect(ClientMessage.safeParse(fixture(name)).success, name).toBe(true);
    for (const name of [
      'connection_ack',
      'ka',
      'subscribe_success',
      'subscribe_error',
      'data',
      'broadcast_error',
      'unsubscribe_success',
      'unsubscribe_error',
      'publish_success',
      'publish_error',
    ]) {
      expect(ServerMessage.safeParse(fixture(name)).success, name).toBe(true);
    }
    expect(PublishRequest.parse(fixture<{ body: unknown }>('publish_http_request').body).events).toHaveLength(2);
    expect(PublishResponse.parse(fixture('publish_http_response')).successful[0]?.index).toBe(0);
    // A wrong message must fail: the schemas are not permissive.
    expect(ClientMessage.safeParse({ type: 'subscribe', id: 'has space', channel: '/a' }).success).toBe(false);
    expect(
      PublishRequest.safeParse({ channel: 'default/channel', events: ['1', '2', '3', '4', '5', '6'] }).success,
    ).toBe(false);
    expect(PublishRequest.safeParse({ channel: 'default/channel', events: ['{not json'] }).success).toBe(false);
  });

  it('encodes the auth header as the docs do (base64url, no padding) in Node and in the browser client', () => {
    // The documentation's API-key example and its encoded subprotocol.
    const expected =
      'header-eyJob3N0IjoiZXhhbXBsZTEyMzQ1Njc4OTAwMDAuYXBwc3luYy1hcGkudXMtZWFzdC0xLmFtYXpvbmF3cy5jb20iLCJ4LWFwaS1rZXkiOiJkYTItMTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTYifQ';
    expect(encodeAuthSubprotocol(apiKeyAuth)).toBe(expected);
    expect(authSubprotocol(apiKeyAuth)).toBe(expected);
    expect(decodeAuthSubprotocol(expected)).toEqual(apiKeyAuth);
    expect(decodeAuthSubprotocol('header-!!!')).toBeNull();
    // A Lambda-mode header object (a custom token) round-trips too.
    const lambdaAuth = fixture<Record<string, string>>('auth_header_lambda');
    expect(decodeAuthSubprotocol(authSubprotocol(lambdaAuth))).toEqual(lambdaAuth);
  });

  it('acks connection_init, keeps alive, and answers subscribe / unsubscribe exactly as documented', async () => {
    const socket = await open(apiKeyAuth);
    expect(socket.socket.protocol).toBe(EVENT_WS_SUBPROTOCOL);
    socket.send(fixture('connection_init'));
    expect(await socket.next((m) => m['type'] === 'connection_ack')).toEqual(fixture('connection_ack'));
    expect(await socket.next((m) => m['type'] === 'ka')).toEqual(fixture('ka'));

    socket.send(fixture('subscribe'));
    expect(await socket.next((m) => m['type'] === 'subscribe_success')).toEqual(fixture('subscribe_success'));
    socket.send(fixture('unsubscribe'));
    expect(await socket.next((m) => m['type'] === 'unsubscribe_success')).toEqual(fixture('unsubscribe_success'));
    // The same id again: it is no longer known — the documented error, word for word.
    socket.send(fixture('unsubscribe'));
    expect(await socket.next((m) => m['type'] === 'unsubscribe_error')).toEqual(fixture('unsubscribe_error'));
  });

  it('refuses a subscription without valid authorization, and to a namespace that does not exist', async () => {
    const socket = await open(apiKeyAuth);
    socket.send({ ...fixture('subscribe'), authorization: { 'x-api-key': 'da2-wrong' } });
    const refused = await socket.next((m) => m['type'] === 'subscribe_error');
    expect(shapeOf(refused)).toEqual(shapeOf(fixture('subscribe_error')));
    expect((refused['errors'] as Array<{ errorType: string }>)[0]?.errorType).toBe('UnauthorizedException');
    socket.send({ ...fixture('subscribe'), channel: '/nowhere/x' });
    expect(shapeOf(await socket.next((m) => m['type'] === 'subscribe_error'))).toEqual(
      shapeOf(fixture('subscribe_error')),
    );
  });

  it('refuses a WebSocket publish that is not IAM-authorised with the documented publish_error', async () => {
    const socket = await open(apiKeyAuth);
    socket.send(fixture('publish_ws'));
    const reply = await socket.next((m) => m['type'] === 'publish_error');
    expect(shapeOf(reply)).toEqual(shapeOf(fixture('publish_error')));
    expect(reply['id']).toBe(OP_ID);
  });

  it('delivers each published event as its own data message to every matching subscription, wildcards included', async () => {
    const exact = await open(apiKeyAuth);
    const wildcard = await open(apiKeyAuth);
    exact.send(fixture('subscribe'));
    wildcard.send({ ...fixture('subscribe'), id: 'wild-1', channel: '/namespaceA/*' });
    await exact.next((m) => m['type'] === 'subscribe_success');
    await wildcard.next((m) => m['type'] === 'subscribe_success');

    const request = fixture<{ body: { events: string[] } }>('publish_http_request');
    const response = standIn.publish('/namespaceA/subB/subC', request.body.events);
    expect(response).toEqual([]);
    for (const [socket, id] of [
      [exact, OP_ID],
      [wildcard, 'wild-1'],
    ] as const) {
      const first = await socket.next((m) => m['type'] === 'data');
      const second = await socket.next((m) => m['type'] === 'data');
      expect(shapeOf({ ...first, event: ['x'] })).toEqual(shapeOf(fixture('data')));
      expect(first['id']).toBe(id);
      expect([...eventsOfData(first), ...eventsOfData(second)]).toEqual([{ event_1: 'data_1' }, { event_2: 'data_2' }]);
    }
    // The docs' own form (an array of JSON strings) reads the same way.
    expect(eventsOfData(fixture('data'))).toEqual(['my event content']);
  });

  it('answers a message the protocol does not define with an error, and keeps the connection open', async () => {
    const socket = await open(apiKeyAuth);
    socket.socket.send('not json');
    expect((await socket.next((m) => m['type'] === 'error'))['errors']).toBeDefined();
    socket.send({ type: 'start', id: 'x' });
    expect((await socket.next((m) => m['type'] === 'error'))['errors']).toBeDefined();
    socket.send(fixture('subscribe'));
    expect(await socket.next((m) => m['type'] === 'subscribe_success')).toEqual(fixture('subscribe_success'));
  });

  it('refuses a handshake without the aws-appsync-event-ws subprotocol, and one with a bad auth header', async () => {
    const plain = new WebSocket(standIn.realtimeEndpoint, [
      encodeAuthSubprotocol({ ...apiKeyAuth, host: standIn.host }),
    ]);
    const refused = await new Promise<number>((resolve) =>
      plain.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(refused).toBe(400);
    const socket = await open({ 'x-api-key': 'da2-wrong' });
    const error = await socket.next((m) => m['type'] === 'connection_error');
    expect((error['errors'] as Array<{ errorType: string }>)[0]?.errorType).toBe('UnauthorizedException');
  });

  it('answers a publish or a handshake to a target no URL can hold (`//`), and keeps serving (both used to throw)', async () => {
    const port = Number(standIn.host.split(':')[1]);
    expect(await rawStatus(port, 'POST // HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 0\r\n\r\n')).toBe(404);
    expect(await rawStatus(port, upgradeRequest('//', `sec-websocket-protocol: ${EVENT_WS_SUBPROTOCOL}\r\n`))).toBe(
      400,
    );
    const socket = await open(apiKeyAuth);
    socket.send(fixture('connection_init'));
    expect(await socket.next((m) => m['type'] === 'connection_ack')).toBeDefined();
  });

  it('keeps serving while clients reset their connections in the middle of the handshake (it used to crash)', async () => {
    // An authorizer that takes turns of the loop, as a JWT check through WebCrypto does.
    const slow = await AppSyncEventsStandIn.start({
      namespaces: ['live'],
      authorize: (auth) => new Promise((resolve) => setTimeout(() => resolve(auth['x-api-key'] === API_KEY), 5)),
    });
    try {
      const auth = encodeAuthSubprotocol({ ...apiKeyAuth, host: slow.host });
      await sendThenReset(
        Number(slow.host.split(':')[1]),
        upgradeRequest('/event/realtime', `sec-websocket-protocol: ${EVENT_WS_SUBPROTOCOL}, ${auth}\r\n`),
      );
      const socket = await ProtocolSocket.open(slow.realtimeEndpoint, [EVENT_WS_SUBPROTOCOL, auth]);
      sockets.push(socket);
      socket.send(fixture('connection_init'));
      expect(await socket.next((m) => m['type'] === 'connection_ack')).toBeDefined();
    } finally {
      await slow.close();
    }
  });
});
