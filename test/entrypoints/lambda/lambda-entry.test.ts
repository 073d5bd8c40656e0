import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withInvocationContext } from '../../../src/entrypoints/lambda/lambda-entry.js';

const lambdaContext = (awsRequestId: string): Context =>
  ({
    functionName: 'stampede-http-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:stampede-http-api',
    memoryLimitInMB: '256',
    awsRequestId,
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

/** The JSON log lines the logger wrote while `run` ran. */
const captured = async (run: () => Promise<unknown>): Promise<Record<string, unknown>[]> => {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
};

describe('withInvocationContext: what every Lambda entry adds to its log lines', () => {
  afterEach(() => vi.restoreAllMocks());

  it('tags each line with the Lambda request id and, for API Gateway events, the API request id; the next invocation starts clean', async () => {
    const logger = new Logger({ serviceName: 'stampede', logLevel: 'INFO' });
    const handler = withInvocationContext(logger, async (event: { requestContext?: { requestId?: string } }) => {
      logger.info('handled', { route: event.requestContext ? 'api' : 'queue' });
      return 'ok';
    });
    const lines = await captured(async () => {
      expect(await handler({ requestContext: { requestId: 'api-req-1' } }, lambdaContext('lambda-req-1'))).toBe('ok');
      await handler({}, lambdaContext('lambda-req-2'));
    });
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'handled',
        function_request_id: 'lambda-req-1',
        correlation_id: 'api-req-1',
        function_name: 'stampede-http-api',
        cold_start: expect.any(Boolean),
      }),
      expect.objectContaining({ message: 'handled', function_request_id: 'lambda-req-2' }),
    ]);
    expect(lines[1]).not.toHaveProperty('correlation_id');
  });

  it('passes errors through and still clears the invocation keys', async () => {
    const logger = new Logger({ serviceName: 'stampede', logLevel: 'INFO' });
    const failing = withInvocationContext(logger, async () => {
      throw new Error('boom');
    });
    await expect(failing({ requestContext: { requestId: 'api-req-9' } }, lambdaContext('l-9'))).rejects.toThrow('boom');
    const lines = await captured(async () => logger.info('after'));
    expect(lines[0]).not.toHaveProperty('correlation_id');
  });
});
