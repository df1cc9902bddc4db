/** Accounts and sessions as /api speaks of them (server/auth, viewer/src/auth, viewer/src/admin). */
export const ROLES = ['admin', 'radiologist', 'clinician', 'device', 'metrics'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a request may do. `read` is looking (QIDO-RS results, metadata, frames, rendered);
 * `download` is taking the objects away (Part 10 retrieval, ZIP); `answer` is a consultant
 * writing an opinion through a consultation link; `metrics` is reading GET /metrics (a Prometheus
 * scraper's account, which sees nothing of the archive).
 */
export const ACTIONS = [
  'search',
  'read',
  'download',
  'store',
  'delete',
  'annotate',
  'share',
  'answer',
  'transfer',
  'admin',
  'metrics',
] as const;
export type Action = (typeof ACTIONS)[number];

/** An account as GET /api/users lists it. */
export interface UserAccount {
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  passwordChangedAt: string;
}

/** POST /api/users (and `npm run pacs -- user add`): a new account. */
export interface NewUser {
  username: string;
  password: string;
  role: Role;
  displayName?: string;
  mustChangePassword?: boolean;
}

/** PATCH /api/users/{username}: the fields to change. */
export interface UserChange {
  role?: Role;
  displayName?: string;
  disabled?: boolean;
  /** A reset: the account must choose its own at its next sign-in unless `mustChangePassword: false`. */
  password?: string;
  mustChangePassword?: boolean;
}

export interface SessionUser {
  username: string;
  displayName: string;
  role: Role;
  mustChangePassword: boolean;
}

export interface SessionShare {
  id: string;
  /** The study as the guest must name it (a replacement UID for an anonymized share). */
  studyInstanceUID: string;
  seriesInstanceUIDs?: string[];
  permissions: Array<'read' | 'download'>;
  anonymize: boolean;
  expiresAt: string;
  consultationId: string | null;
}

/** GET /api/session, and the answer of a sign-in or of opening a share link. */
export interface SessionView {
  kind: 'user' | 'share';
  user?: SessionUser;
  share?: SessionShare;
  permissions: Action[];
  /** Echoed in X-CSRF-Token by state-changing calls made with the session cookie. */
  csrfToken?: string;
}
