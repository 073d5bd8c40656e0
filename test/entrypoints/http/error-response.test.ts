import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../src/application/error-codes.js';
import { DomainError } from '../../../src/domain/shared/errors.js';
import { UnreadableEventError } from '../../../src/domain/shared/faults.js';
import { errorResponse, STATUS_BY_CODE, type StatusByCode } from '../../../src/entrypoints/http/api-route.js';

const answer = (error: unknown) => {
  const reported: unknown[] = [];
  const response = errorResponse(error, (e) => reported.push(e));
  return {
    status: response.statusCode,
    body: JSON.parse(String(response.body)) as { error: Record<string, unknown> },
    reported,
  };
};

describe('errorResponse: rules, outcomes and faults kept apart at the HTTP edge', () => {
  it('answers every declared error code with its mapped 4xx status and its code, reporting nothing', () => {
    const codes = Object.keys(STATUS_BY_CODE) as ErrorCode[];
    expect(codes.length).toBeGreaterThan(30);
    for (const code of codes) {
      const { status, body, reported } = answer(new DomainError<ErrorCode>(code, `refused: ${code}`));
      expect(status).toBe(STATUS_BY_CODE[code]);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(body.error).toMatchObject({ code, message: `refused: ${code}` });
      expect(reported).toEqual([]);
    }
  });

  it('types the map over every code: a code nobody mapped does not compile', () => {
    // A new rule adds its code to a decider's union; until the map names it, the map no longer
    // has the type the edge requires. `npm run typecheck` (tsconfig includes test/) fails if
    // this line ever compiles, i.e. if the map stopped being exhaustive over its codes.
    // @ts-expect-error — property 'A_NEW_RULE_NOBODY_MAPPED' is missing from STATUS_BY_CODE
    const withNewRule: StatusByCode<ErrorCode | 'A_NEW_RULE_NOBODY_MAPPED'> = STATUS_BY_CODE;
    expect(Object.hasOwn(withNewRule, 'A_NEW_RULE_NOBODY_MAPPED')).toBe(false);
  });

  it('answers a stored event that does not decode with 500 INTERNAL, reports it, and leaks nothing of the store', () => {
    const fault = new UnreadableEventError(
      'INVALID_EVENT',
      { streamId: 'auction-a1', version: 2, type: 'BidPlaced', schemaVersion: 1 },
      'body does not match its schema: amount: Too small: expected number to be >0',
    );
    const { status, body, reported } = answer(fault);
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: 'INTERNAL', message: expect.any(String) } });
    for (const secret of ['auction-a1', 'BidPlaced', 'schema', 'amount', 'INVALID_EVENT'])
      expect(JSON.stringify(body)).not.toContain(secret);
    expect(reported).toEqual([fault]);
    expect(reported[0]).toMatchObject({ streamId: 'auction-a1', version: 2 });
  });

  it('treats a DomainError whose code no union declares as a fault (500, reported), not as a 409', () => {
    const stray = new DomainError('SOMETHING_UNDECLARED', 'a code thrown around the types');
    const { status, body, reported } = answer(stray);
    expect(status).toBe(500);
    expect(body.error).toMatchObject({ code: 'INTERNAL' });
    expect(reported).toEqual([stray]);
  });
});
