import { ACTIONS, type SessionView } from '../../shared/api/accounts';
import { can, type Principal } from './principal';

/** What GET /api/session (and a login) tells the viewer about who is signed in. Never a secret but the CSRF token. */
export function sessionView(principal: Principal, presentStudyUid: (uid: string) => string = (uid) => uid): SessionView {
  const permissions = ACTIONS.filter((a) => can(principal, a));
  const csrf = principal.csrfToken === undefined ? {} : { csrfToken: principal.csrfToken };
  if (principal.kind === 'user') {
    const { username, displayName, role, mustChangePassword } = principal;
    return { kind: 'user', user: { username, displayName, role, mustChangePassword }, permissions, ...csrf };
  }
  const { share } = principal;
  return {
    kind: 'share',
    share: {
      id: share.id,
      studyInstanceUID: presentStudyUid(share.studyUid),
      ...(share.seriesUids ? { seriesInstanceUIDs: share.seriesUids.map(presentStudyUid) } : {}),
      permissions: [...share.permissions],
      anonymize: share.anonymize,
      expiresAt: new Date(share.expiresAt).toISOString(),
      consultationId: share.consultationId ?? null,
    },
    permissions,
    ...csrf,
  };
}
