import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { principalOf } from '../auth/principal';

/** A year (RFC 9111 5.2.2.1 suggests no more): what "never changes" means to a browser cache. */
export const IMMUTABLE_MAX_AGE = 365 * 24 * 3600;

/**
 * How long an answer stays fresh for a signed-in user: `immutable` for bytes fully determined by
 * the validator (frames, bulk data: the stored object never changes under its key), `revalidate`
 * for answers our software makes and may make differently after an upgrade (rendered images),
 * or a number of seconds.
 */
export type Freshness = 'immutable' | 'revalidate' | { maxAge: number };

/**
 * The Cache-Control of an answer to this request (README decision "Caching frames, and share
 * links"). Users: `private` (patient data never sits in a shared cache) with the given freshness.
 * Share-link guests, by session or Bearer token: `private, no-store`, whatever the freshness. A
 * share can be revoked at any moment before it expires, and a stored response is served by the
 * browser without asking us, so nothing kept on a guest's machine may outlive the link; the
 * viewer's in-memory image cache still spares a guest re-fetching within the page.
 */
export function cacheControlFor(res: Response, freshness: Freshness): string {
  if (principalOf(res)?.kind === 'share') return 'private, no-store';
  if (freshness === 'immutable') return `private, max-age=${IMMUTABLE_MAX_AGE}, immutable`;
  if (freshness === 'revalidate') return 'private, no-cache';
  return `private, max-age=${freshness.maxAge}`;
}

/** An answer's validator and how long it stays fresh: what the cache headers of one answer say. */
export interface CacheEntry {
  etag: string;
  freshness: Freshness;
}

/**
 * An entity tag (RFC 9110 8.8.3) over everything that determines an answer's bytes, e.g. the
 * stored object's key (random, never reused: object-keys.ts), the frame list, the negotiated media
 * type and transfer syntax, and the paths the answer names. Opaque: the key never reaches the client.
 * Strong where those determine the bytes exactly; weak (`W/`) where our software makes the bytes
 * and only their meaning is fixed (rendered images).
 */
export function cacheEntry(determinants: readonly unknown[], freshness: Freshness, strength: 'strong' | 'weak' = 'strong'): CacheEntry {
  const hash = createHash('sha256').update(JSON.stringify(determinants)).digest('base64url').slice(0, 32);
  return { etag: strength === 'weak' ? `W/"${hash}"` : `"${hash}"`, freshness };
}

/**
 * Sets ETag, Cache-Control and Vary. Vary names the request headers the answer depends on: Accept
 * (negotiation), and Authorization and Cookie, so that a browser serves a stored answer only to
 * the credentials that fetched it. Set them only once the answer is certain to succeed: an error
 * answer must not carry a year of freshness.
 */
export function setCacheHeaders(res: Response, entry: CacheEntry): void {
  res.setHeader('ETag', entry.etag);
  res.setHeader('Cache-Control', cacheControlFor(res, entry.freshness));
  res.vary('Accept, Authorization, Cookie'); // one header line, merged with any Vary already set
}

/**
 * Answers `304 Not Modified` (RFC 9110 15.4.5: with the cache headers, no body) when the request's
 * If-None-Match holds the entry's tag (weak comparison, 13.1.2); true when it did. Call it once the
 * representation is negotiated and before any stored byte is read. The request reached the handler,
 * so access control already ran: a validator never bypasses it.
 */
export function answeredNotModified(req: Request, res: Response, entry: CacheEntry): boolean {
  if (!matchesIfNoneMatch(req.headers['if-none-match'], entry.etag)) return false;
  setCacheHeaders(res, entry);
  res.status(304).end();
  return true;
}

/** RFC 9110 13.1.2: weak comparison; `*` matches any current representation. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}
