import express, { type Request, type Response, type Router } from 'express';
import { AppError } from '../../shared/errors';
import { booleanField, bodyOf, stringField } from '../api/json-body';
import { recordAction } from '../audit/record-action';
import type { AccessContext } from './access-context';
import type { ApiToken } from './api-token-store';
import { requireAction, requirePrincipal, type Role } from './principal';
import type { User } from './user-store';
import type { UserAccount } from '../../shared/api/accounts';

/**
 * Account management for admins (GET/POST /api/users, PATCH /api/users/{username}) and API
 * tokens for every account (GET/POST /api/tokens, DELETE /api/tokens/{id}).
 */
export function userRoutes(ctx: AccessContext): Router {
  const router = express.Router();
  const audit = (req: Request, res: Response, action: 'user-change' | 'token-change', detail: string) =>
    recordAction(ctx.audit, req, res, { action, detail });

  router.get('/users', (_req: Request, res: Response) => {
    requireAction(res, 'admin');
    res.json(ctx.users.list().map(userJson));
  });

  router.post('/users', async (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const body = bodyOf(req);
    const user = await ctx.users.create({
      username: stringField(body, 'username', { required: true, max: 64 })!,
      password: stringField(body, 'password', { required: true, max: 1024 })!,
      role: stringField(body, 'role', { required: true }) as Role,
      displayName: stringField(body, 'displayName', { max: 128 }) ?? '',
      mustChangePassword: booleanField(body, 'mustChangePassword') ?? false,
    });
    audit(req, res, 'user-change', `user created: ${user.username} (${user.role})`);
    res.status(201).json(userJson(user));
  });

  router.patch('/users/:username', async (req: Request, res: Response) => {
    requireAction(res, 'admin');
    const body = bodyOf(req);
    const username = req.params.username as string;
    const password = stringField(body, 'password', { max: 1024 });
    const disabled = booleanField(body, 'disabled');
    const role = stringField(body, 'role') as Role | undefined;
    const displayName = stringField(body, 'displayName', { max: 128 });
    let user = ctx.users.update(username, { role, displayName, disabled });
    if (password !== undefined)
      user = await ctx.users.setPassword(username, password, { mustChange: booleanField(body, 'mustChangePassword') ?? true });
    if (password !== undefined || disabled === true || role !== undefined) ctx.sessions.deleteForUser(user.id);
    const changes = [
      role && `role ${role}`,
      disabled !== undefined && (disabled ? 'disabled' : 'enabled'),
      password !== undefined && 'password reset',
      displayName !== undefined && 'display name',
    ].filter(Boolean);
    audit(req, res, 'user-change', `user ${user.username}: ${changes.join(', ') || 'no change'}`);
    res.json(userJson(user));
  });

  router.get('/tokens', (_req: Request, res: Response) => {
    const principal = requirePrincipal(res);
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'A share link cannot hold API tokens.');
    res.json(ctx.apiTokens.list(principal.userId).map(tokenJson));
  });

  router.post('/tokens', (req: Request, res: Response) => {
    const principal = requirePrincipal(res);
    if (principal.kind !== 'user' || principal.mustChangePassword)
      throw new AppError('FORBIDDEN', 'Only a signed-in account can make API tokens.');
    const body = bodyOf(req);
    const days = body.expiresInDays === undefined ? 90 : body.expiresInDays;
    const { token, apiToken } = ctx.apiTokens.create(
      principal.userId,
      stringField(body, 'name', { required: true, max: 100 })!,
      days as number,
    );
    audit(req, res, 'token-change', `API token created: ${apiToken.id} for ${principal.username}`);
    res.status(201).json({ ...tokenJson(apiToken), token });
  });

  router.delete('/tokens/:id', (req: Request, res: Response) => {
    const principal = requirePrincipal(res);
    if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'A share link cannot hold API tokens.');
    ctx.apiTokens.revoke(principal.userId, req.params.id as string);
    audit(req, res, 'token-change', `API token revoked: ${(req.params.id as string).slice(0, 32)}`);
    res.status(204).end();
  });

  return router;
}

function userJson(user: User): UserAccount {
  return {
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabled,
    mustChangePassword: user.mustChangePassword,
    createdAt: new Date(user.createdAt).toISOString(),
    passwordChangedAt: new Date(user.passwordChangedAt).toISOString(),
  };
}

function tokenJson(token: ApiToken): Record<string, unknown> {
  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
  return {
    id: token.id,
    name: token.name,
    createdAt: iso(token.createdAt),
    expiresAt: iso(token.expiresAt),
    revokedAt: iso(token.revokedAt),
    lastUsedAt: iso(token.lastUsedAt),
  };
}
