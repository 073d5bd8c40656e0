import { apiUrl } from './config.js';
import { authHeaders, forgetToken } from './identity.js';

/** An API answer other than 2xx, with the server's error code and field when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** The error's `details` (e.g. `minimum` for BID_TOO_LOW), so the page can word it in its own format. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; field?: string; details?: Record<string, unknown> };
}

const TIMEOUT_MS = 10_000;

/** Fetches JSON from an absolute URL; a non-2xx answer or a network failure throws ApiError. */
export const fetchJson = async <T>(url: string, init: RequestInit = {}): Promise<T> => {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: {
        accept: 'application/json',
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      signal: init.signal ?? AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    // Never the URL: it may carry a token, and the message can reach the screen.
    throw new ApiError(0, 'NETWORK', 'the server cannot be reached right now');
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page: keep the status, say what came back.
  }
  if (!response.ok) {
    const error = (body as ErrorBody | null)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `${response.status} ${response.statusText}`,
      error?.field,
      error?.details ?? {},
    );
  }
  return body as T;
};

/**
 * As the current user: a 401 means the kept token is no longer accepted (a restarted local
 * runtime signs with new keys), so it is dropped and the call made once more with a new one.
 * Commands carry client-chosen ids, so the second attempt cannot count twice.
 */
const asUser = async <T>(path: string, init: RequestInit): Promise<T> => {
  try {
    return await fetchJson<T>(apiUrl(path), { ...init, headers: await authHeaders() });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    forgetToken();
    return fetchJson<T>(apiUrl(path), { ...init, headers: await authHeaders() });
  }
};

/** `GET /api/...` as the current user (public files such as stats.json go through fetchJson, without credentials). */
export const getApi = <T>(path: string): Promise<T> => asUser<T>(path, { cache: 'no-store' });

/** `POST /api/...` with a JSON body, as the current user. */
export const postApi = <T>(path: string, body: unknown): Promise<T> =>
  asUser<T>(path, { method: 'POST', body: JSON.stringify(body) });

/** A client-chosen id for a command, so that retrying the same request is recognised by the server. */
export const newId = (prefix: string): string => `${prefix}-${crypto.randomUUID()}`;
