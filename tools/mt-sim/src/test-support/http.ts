// Helpers for the HTTP integration tests: call the MetaApi paths of a running simulator like a client would.

/** An HTTP answer with its parsed JSON body. */
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls `/users/current/accounts/:accountId/<path>` with an auth-token header. */
export async function callAccount<T = any>(
  baseUrl: string,
  accountId: string,
  token: string | undefined,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  init: { signal?: AbortSignal; rawBody?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['auth-token'] = token;
  if (body !== undefined || init.rawBody !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}/users/current/accounts/${encodeURIComponent(accountId)}/${path}`, {
    method,
    headers,
    ...(init.rawBody !== undefined ? { body: init.rawBody } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as T) : (undefined as T) };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
