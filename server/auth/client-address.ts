import type { Request } from 'express';

/** The caller's address for throttling and the audit trail (the socket's; X-Forwarded-For is not trusted). */
export function clientAddress(req: Request): string {
  const cached = (req as { pacsClientAddress?: string }).pacsClientAddress;
  if (cached !== undefined) return cached;
  // After the response the socket may be gone: the address is kept on the request at first use.
  const address = (req.socket?.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  (req as { pacsClientAddress?: string }).pacsClientAddress = address;
  return address;
}
