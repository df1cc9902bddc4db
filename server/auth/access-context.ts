import type { AuditLog } from '../audit/audit-log';
import type { ShareStore } from '../sharing/share-store';
import type { ApiTokenStore } from './api-token-store';
import { FailureThrottle } from './failure-throttle';
import type { SessionStore } from './session-store';
import type { UserStore } from './user-store';

/** Everything access control needs, built once by the composition root. */
export interface AccessContext {
  users: UserStore;
  sessions: SessionStore;
  apiTokens: ApiTokenStore;
  shares: ShareStore;
  audit: AuditLog;
  throttles: Throttles;
  /** Cookies get `Secure` when the public URL is https. */
  secureCookies: boolean;
  /** Origins whose pages may make state-changing calls: our own (public URL) and PACS_CORS_ORIGINS. */
  trustedOrigins: ReadonlySet<string>;
  /** Longest lifetime of a share link, in hours. */
  maxShareHours: number;
  publicUrl: () => string;
  /** Told of every refused credential (the metrics); must not throw. */
  authFailed?: (kind: AuthFailureKind) => void;
}

/** How a credential was refused: a password (HTTP Basic, sign-in, password change), an API token, a share link, a share's PIN, the metrics token. */
export type AuthFailureKind = 'password' | 'api_token' | 'share_link' | 'share_pin' | 'metrics_token';

export interface Throttles {
  /** Per account: 5 free failures, then doubling locks. */
  account: FailureThrottle;
  /** Per client address: 20 free failures (a hospital behind one NAT address has many users). */
  address: FailureThrottle;
  /** Per share: 5 wrong PINs, then doubling locks. */
  pin: FailureThrottle;
}

export function newThrottles(): Throttles {
  return { account: new FailureThrottle(5), address: new FailureThrottle(20), pin: new FailureThrottle(5) };
}
