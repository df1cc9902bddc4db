import { Agent, setGlobalDispatcher } from 'undici';

/**
 * Every archive requires authentication. Tests about DICOMweb itself speak to it as a signed-in
 * program would: HTTP Basic with the test admin account, added to each fetch() bound for an
 * archive registered here (like curl's --netrc), unless the request carries its own
 * Authorization or Cookie header. The access-control tests start their archives unregistered and
 * send credentials (or none) themselves.
 */
const credentials = new Map<string, string>();
let installed = false;

class CredentialAgent extends Agent {
  override dispatch(options: Agent.DispatchOptions, handler: Parameters<Agent['dispatch']>[1]): boolean {
    const origin = typeof options.origin === 'string' ? options.origin : options.origin?.toString();
    const authorization = origin === undefined ? undefined : credentials.get(origin.replace(/\/$/, ''));
    if (authorization !== undefined) options = { ...options, headers: withAuthorization(options.headers, authorization) };
    return super.dispatch(options, handler);
  }
}

function withAuthorization(headers: Agent.DispatchOptions['headers'], authorization: string): Agent.DispatchOptions['headers'] {
  if (Array.isArray(headers)) {
    const names = headers.filter((_, i) => i % 2 === 0).map((n) => String(n).toLowerCase());
    return names.includes('authorization') || names.includes('cookie') ? headers : [...headers, 'authorization', authorization];
  }
  const record = (headers ?? {}) as Record<string, string | string[] | undefined>;
  const names = Object.keys(record).map((n) => n.toLowerCase());
  return names.includes('authorization') || names.includes('cookie') ? headers : { ...record, authorization };
}

export function signInFetchesTo(origin: string, authorization: string): void {
  if (!installed) {
    setGlobalDispatcher(new CredentialAgent());
    installed = true;
  }
  credentials.set(origin, authorization);
}

export function forgetOrigin(origin: string): void {
  credentials.delete(origin);
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
