import type { Response } from 'express';
import { AppError } from '../../shared/errors';
import { ROLES, type Action, type Role } from '../../shared/api/accounts';
import type { ActiveShare } from '../sharing/share-store';

export { ROLES, type Action, type Role };

const ROLE_ACTIONS: Record<Role, readonly Action[]> = {
  admin: ['search', 'read', 'download', 'store', 'delete', 'annotate', 'share', 'transfer', 'admin', 'metrics'],
  radiologist: ['search', 'read', 'download', 'store', 'annotate', 'share', 'transfer'],
  clinician: ['search', 'read', 'download'],
  device: ['store'],
  metrics: ['metrics'],
};

export interface UserPrincipal {
  kind: 'user';
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  /** How the request proved it: a browser session cookie, HTTP Basic, or an API token. */
  via: 'session' | 'basic' | 'token';
  /** With a session: the CSRF token state-changing requests must echo. */
  csrfToken?: string;
  /** A generated one-time password must be replaced before anything else. */
  mustChangePassword: boolean;
}

export interface SharePrincipal {
  kind: 'share';
  share: ActiveShare;
  via: 'session' | 'bearer';
  csrfToken?: string;
}

export type Principal = UserPrincipal | SharePrincipal;

/** Whether the principal may do `action` at all (a share's study scope is checked separately, per resource). */
export function can(principal: Principal, action: Action): boolean {
  if (principal.kind === 'user') return !principal.mustChangePassword && ROLE_ACTIONS[principal.role].includes(action);
  const { share } = principal;
  switch (action) {
    case 'search':
    case 'read':
      return true;
    case 'download':
      return share.permissions.includes('download');
    case 'annotate':
    case 'answer':
      return share.consultationId !== undefined;
    default:
      return false;
  }
}

export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

/** The authenticated principal, or 401. */
export function requirePrincipal(res: Response): Principal {
  const principal = principalOf(res);
  if (!principal) throw new AppError('UNAUTHORIZED');
  return principal;
}

/** The authenticated principal allowed to do `action`, or 401 / 403. */
export function requireAction(res: Response, action: Action): Principal {
  const principal = requirePrincipal(res);
  if (!can(principal, action)) {
    if (principal.kind === 'user' && principal.mustChangePassword)
      throw new AppError('FORBIDDEN', 'Set a new password first (POST /api/password): the current one was generated for one use.');
    throw new AppError(
      'FORBIDDEN',
      principal.kind === 'share'
        ? `This share link does not allow that (${action}).`
        : `The ${principal.role} role does not allow that (${action}).`,
    );
  }
  return principal;
}

/** For the audit trail and logs: who, never a secret. */
export function principalLabel(principal: Principal | undefined): { kind: string; id: string; role: string } {
  if (!principal) return { kind: 'anonymous', id: '', role: '' };
  if (principal.kind === 'user')
    return { kind: principal.role === 'device' ? 'device' : 'user', id: principal.username, role: principal.role };
  return { kind: 'share', id: principal.share.id, role: principal.share.consultationId ? 'consultant' : 'guest' };
}
