import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../shared/errors';
import { verifyPassword } from './password-hash';
import type { AccessContext } from './access-context';
import type { Principal, UserPrincipal } from './principal';
import { SECRET_PREFIX } from './secrets';
import { clientAddress } from './client-address';
import { sessionCookie } from './session-cookie';
import type { User } from './user-store';

export const SHARE_PIN_HEADER = 'x-share-pin';

/**
 * Finds who is calling, from (in this order) an Authorization header — HTTP Basic with a user or
 * device account, a Bearer API token, or a Bearer share-link token — or the session cookie. A
 * request with wrong credentials is refused here (401, or 429 when throttled); a request with
 * none goes on without a principal and is refused by `requireSignedIn` wherever one is needed.
 */
export function authenticate(ctx: AccessContext) {
  const basicCache = new BasicCredentialCache();
  return (req: Request, res: Response, next: NextFunction): void => {
    resolvePrincipal(req, res, ctx, basicCache).then((principal) => {
      if (principal) res.locals.principal = principal;
      next();
    }, next);
  };
}

async function resolvePrincipal(
  req: Request,
  res: Response,
  ctx: AccessContext,
  cache: BasicCredentialCache,
): Promise<Principal | undefined> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const [scheme = '', credentials = ''] = header.trim().split(/\s+/, 2);
    if (/^basic$/i.test(scheme)) return basic(req, res, ctx, cache, credentials);
    if (/^bearer$/i.test(scheme)) return bearer(req, res, ctx, credentials);
    throw new AppError('UNAUTHORIZED', 'The Authorization scheme must be Basic or Bearer.');
  }
  const token = sessionCookie(req);
  if (token === undefined) return undefined;
  const session = ctx.sessions.find(token);
  if (!session) return undefined;
  if (session.userId !== undefined) {
    const user = ctx.users.byId(session.userId);
    if (!user || user.disabled) return undefined;
    return userPrincipal(user, 'session', session.csrfToken);
  }
  const share = session.shareId === undefined ? undefined : ctx.shares.active(session.shareId);
  return share && { kind: 'share', share, via: 'session', csrfToken: session.csrfToken };
}

async function basic(
  req: Request,
  res: Response,
  ctx: AccessContext,
  cache: BasicCredentialCache,
  credentials: string,
): Promise<Principal> {
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const username = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  const key = cache.keyOf(username, password);
  let entry = cache.get(key);
  if (entry === undefined) {
    const address = clientAddress(req);
    ctx.throttles.address.check(address);
    ctx.throttles.account.check(accountKey(username));
    // Requests arriving together with the same new credentials share one scrypt check.
    const user = await cache.verifyOnce(key, () => ctx.users.authenticate(username, password));
    if (!user) {
      failedLogin(req, res, ctx, username, 'HTTP Basic');
      throw new AppError('UNAUTHORIZED', 'The username or password is wrong, or the account is disabled.');
    }
    entry = cache.get(key);
    if (entry === undefined) {
      ctx.throttles.account.succeed(accountKey(username));
      entry = cache.set(key, user.id);
      ctx.audit.record({
        action: 'login',
        outcome: 0,
        who: { kind: user.role === 'device' ? 'device' : 'user', id: user.username, role: user.role },
        clientAddress: address,
        detail: 'HTTP Basic',
        requestId: res.locals.requestId as string,
      });
    }
  }
  const user = ctx.users.byId(entry.userId);
  // Disabled or password changed since it was cached: the cached proof no longer counts.
  if (!user || user.disabled || entry.at < user.passwordChangedAt) {
    cache.forget(key);
    throw new AppError('UNAUTHORIZED', 'The username or password is wrong, or the account is disabled.');
  }
  // A right one-time password is no wrong password: 403 everywhere but POST /api/password.
  return userPrincipal(user, 'basic');
}

async function bearer(req: Request, res: Response, ctx: AccessContext, token: string): Promise<Principal> {
  const address = clientAddress(req);
  ctx.throttles.address.check(address);
  if (token.startsWith(SECRET_PREFIX.apiToken)) {
    const userId = ctx.apiTokens.use(token);
    const user = userId === undefined ? undefined : ctx.users.byId(userId);
    if (!user || user.disabled) {
      ctx.throttles.address.fail(address);
      ctx.authFailed?.('api_token');
      throw new AppError('UNAUTHORIZED', 'The API token is unknown, expired or revoked.');
    }
    // A password reset by an admin (must change) holds the account's tokens too until it is changed.
    return userPrincipal(user, 'token');
  }
  const share = token.startsWith(SECRET_PREFIX.share) ? ctx.shares.activeByToken(token) : undefined;
  if (!share) {
    refusedShareUse(res, ctx, address, '', 'Bearer token unknown, expired or revoked');
    throw new AppError('UNAUTHORIZED', 'The token is unknown, expired or revoked.');
  }
  if (share.pinHash !== undefined) await checkPin(req, res, ctx, share.id, share.pinHash, req.headers[SHARE_PIN_HEADER]);
  notedUse(ctx, share.id);
  return { kind: 'share', share, via: 'bearer' };
}

/** Checks a share's PIN under the per-share throttle; 401 when missing or wrong. */
export async function checkPin(
  req: Request,
  res: Response,
  ctx: AccessContext,
  shareId: string,
  pinHash: string,
  pin: unknown,
): Promise<void> {
  ctx.throttles.pin.check(shareId);
  // A missing PIN guesses nothing: it is refused without counting (the guest page first asks without one).
  if (typeof pin !== 'string' || pin === '') throw new AppError('UNAUTHORIZED', 'This share link needs its PIN.');
  if (!(await verifyPassword(pin, pinHash))) {
    ctx.throttles.pin.fail(shareId);
    refusedShareUse(res, ctx, clientAddress(req), shareId, 'wrong PIN');
    throw new AppError('UNAUTHORIZED', 'The PIN is wrong.');
  }
  ctx.throttles.pin.succeed(shareId);
}

/** A share link refused (unknown, expired, revoked, or a wrong PIN): counted against the address and recorded. */
export function refusedShareUse(res: Response, ctx: AccessContext, address: string, shareId: string, detail: string): void {
  ctx.throttles.address.fail(address);
  // Only a wrong PIN names its share: an unknown, expired or revoked link has none to name.
  ctx.authFailed?.(shareId === '' ? 'share_link' : 'share_pin');
  ctx.audit.record({
    action: 'share-use',
    outcome: 4,
    who: { kind: 'share', id: shareId, role: 'guest' },
    clientAddress: address,
    detail,
    requestId: res.locals.requestId as string,
  });
}

/** The principal of an account, however it proved itself. */
export function userPrincipal(user: User, via: UserPrincipal['via'], csrfToken?: string): UserPrincipal {
  const { id: userId, username, displayName, role, mustChangePassword } = user;
  return { kind: 'user', userId, username, displayName, role, via, csrfToken, mustChangePassword };
}

const lastUseNoted = new Map<string, number>();
/** A share's use count and last use, written at most once a minute per share for Bearer clients. */
function notedUse(ctx: AccessContext, shareId: string): void {
  const now = Date.now();
  if (now - (lastUseNoted.get(shareId) ?? 0) < 60_000) return;
  lastUseNoted.set(shareId, now);
  ctx.shares.noteUse(shareId);
}

export function failedLogin(req: Request, res: Response, ctx: AccessContext, username: string, how: string): void {
  const address = clientAddress(req);
  ctx.authFailed?.('password');
  ctx.throttles.account.fail(accountKey(username));
  ctx.throttles.address.fail(address);
  const name = username.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
  ctx.audit.record({
    action: 'login',
    outcome: 4,
    who: { kind: 'user', id: name, role: '' },
    clientAddress: address,
    detail: `${how}: wrong username or password`,
    requestId: res.locals.requestId as string,
  });
}

export function accountKey(username: string): string {
  return username.toLowerCase();
}

/** 401 unless the request carries a principal. */
export function requireSignedIn(req: Request, res: Response, next: NextFunction): void {
  next(res.locals.principal ? undefined : new AppError('UNAUTHORIZED'));
}

/**
 * HTTP Basic sends the password with every request; checking scrypt each time would cap a
 * modality at ten requests a second. A verified pair is remembered for five minutes, keyed by a
 * SHA-256 of the pair (never the password itself), and dropped when the password changes.
 */
class BasicCredentialCache {
  private readonly entries = new Map<string, { userId: number; at: number }>();
  private readonly inFlight = new Map<string, Promise<User | undefined>>();

  keyOf(username: string, password: string): string {
    return createHash('sha256').update(`${username.toLowerCase()}\u0000${password}`).digest('base64');
  }

  get(key: string): { userId: number; at: number } | undefined {
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.at > 5 * 60_000) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, userId: number): { userId: number; at: number } {
    if (this.entries.size > 10_000) this.entries.clear();
    const entry = { userId, at: Date.now() };
    this.entries.set(key, entry);
    return entry;
  }

  verifyOnce(key: string, verify: () => Promise<User | undefined>): Promise<User | undefined> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = verify().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
