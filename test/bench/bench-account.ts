/**
 * Every endpoint of the archive requires authentication. The benchmarks start their archive with
 * this admin account (PACS_ADMIN_USER / PACS_ADMIN_PASSWORD, created at the first start) and send
 * it as HTTP Basic on every request, as a program would; the server caches a verified pair, so
 * scrypt is paid once per run, not per request.
 */
export const BENCH_ADMIN = { username: 'bench-admin', password: 'bench-admin-password' } as const;

export const BENCH_AUTHORIZATION = `Basic ${Buffer.from(`${BENCH_ADMIN.username}:${BENCH_ADMIN.password}`, 'utf8').toString('base64')}`;

/** The server's environment for that account. */
export const BENCH_ADMIN_ENV = { PACS_ADMIN_USER: BENCH_ADMIN.username, PACS_ADMIN_PASSWORD: BENCH_ADMIN.password } as const;
