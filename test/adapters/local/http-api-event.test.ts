import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestTarget } from '../../../src/adapters/local/http-api-event.js';

/** Characters that change how a URL reads a target: separators, dots, escapes, a query, a fragment. */
const TARGET_CHARS = [...'ab/.%2e?#\\:@=&+ ~!\'"<>`{}|^[]-_;,é\t'];

describe('requestTarget', () => {
  it('reads any target as URL.parse(target, base) does: pathname and search', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TARGET_CHARS), { maxLength: 24 }).map((cs) => `/${cs.join('')}`),
        (raw) => {
          const url = URL.parse(raw, 'http://localhost');
          const target = requestTarget(raw);
          expect(target && { pathname: target.pathname, search: target.search, href: target.url().href }).toEqual(
            url && { pathname: url.pathname, search: url.search, href: url.href },
          );
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it.each([
    ['/api/trips/t-1/bookings', '/api/trips/t-1/bookings', ''],
    ['/api/x/../health', '/api/health', ''],
    ['/api/./health', '/api/health', ''],
    ['/api/%2e%2e/health', '/health', ''],
    ['//other-host/api/health', '/api/health', ''],
    ['/api/a\\b', '/api/a/b', ''],
    ['/api/streams/s/events?after=0&limit=10', '/api/streams/s/events', '?after=0&limit=10'],
    ['/a b', '/a%20b', ''],
    ['/..///..', '//', ''],
    ['/api/h#frag', '/api/h', ''],
  ])('reads %j as path %j and search %j', (raw, pathname, search) => {
    expect(requestTarget(raw)).toMatchObject({ pathname, search });
  });

  it('gives null for a target no URL can hold', () => {
    expect(requestTarget('//')).toBeNull();
    expect(requestTarget('//[/api/health')).toBeNull();
  });

  it('takes the root when a request has no target', () => {
    expect(requestTarget(undefined)).toMatchObject({ pathname: '/', search: '' });
  });
});
