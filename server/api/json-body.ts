import express, { type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../../shared/errors';

/** JSON request bodies of the /api routes: application/json only, at most 256 KiB. */
export function jsonBody() {
  const parse = express.json({ limit: '256kb', type: () => true });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE' || req.method === 'OPTIONS') return next();
    const length = req.headers['content-length'];
    if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) {
      req.body = {};
      return next();
    }
    if (!req.is('application/json')) return next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'This API takes application/json.'));
    parse(req, res, (error?: unknown) => {
      if (error) {
        const e = error as { type?: string };
        return next(
          e.type === 'entity.too.large'
            ? new AppError('PAYLOAD_TOO_LARGE', 'A JSON body is at most 256 KiB.')
            : new AppError('BAD_REQUEST', 'The body is not valid JSON.'),
        );
      }
      next();
    });
  };
}

/** The body as an object whose fields are checked one by one by the caller. */
export function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new AppError('BAD_REQUEST', 'The body must be a JSON object.');
  return body as Record<string, unknown>;
}

export function stringField(
  body: Record<string, unknown>,
  name: string,
  options: { required?: boolean; max?: number } = {},
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (options.required) throw new AppError('BAD_REQUEST', `"${name}" is required.`);
    return undefined;
  }
  if (typeof value !== 'string') throw new AppError('BAD_REQUEST', `"${name}" must be a string.`);
  if (options.max !== undefined && value.length > options.max)
    throw new AppError('BAD_REQUEST', `"${name}" has at most ${options.max} characters.`);
  return value;
}

export function booleanField(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new AppError('BAD_REQUEST', `"${name}" must be true or false.`);
  return value;
}
