import { apiUrl } from './config.js';
import { authHeaders } from './identity.js';

/** An API answer other than 2xx, with the server's error code and field when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; field?: string };
}

const TIMEOUT_MS = 10_000;

/** Fetches JSON from an absolute URL; a non-2xx answer or a network failure throws ApiError. */
export const fetchJson = async <T>(url: string, init: RequestInit = {}): Promise<T> => {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
      signal: init.signal ?? AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `cannot reach ${new URL(url, location.href).host}: ${(error as Error).message}`);
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
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? `${response.status} ${response.statusText}`, error?.field);
  }
  return body as T;
};

/** `GET /api/...` as the current user (public files such as stats.json go through fetchJson, without credentials). */
export const getApi = async <T>(path: string): Promise<T> => fetchJson<T>(apiUrl(path), { cache: 'no-store', headers: await authHeaders() });

/** `POST /api/...` with a JSON body, as the current user. */
export const postApi = async <T>(path: string, body: unknown): Promise<T> =>
  fetchJson<T>(apiUrl(path), { method: 'POST', body: JSON.stringify(body), headers: await authHeaders() });

/** A client-chosen id for a command, so that retrying the same request is recognised by the server. */
export const newId = (prefix: string): string => `${prefix}-${crypto.randomUUID()}`;
