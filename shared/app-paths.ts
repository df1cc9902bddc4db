/**
 * The paths of the single-page viewer. The archive answers each with the viewer's index.html
 * (server/viewer/serve-viewer.ts), and the viewer's route table has exactly one screen per path
 * (viewer/src/app/routes.ts, typed by `AppPath`, so the two cannot drift).
 */
export const APP_PATHS = [
  '/',
  '/viewer',
  '/upload',
  '/print',
  '/report-print',
  '/share',
  '/login',
  '/account',
  '/transfers',
  '/admin',
  '/admin/audit',
  '/admin/peers',
  '/admin/routing-rules',
  '/admin/dimse',
] as const;

export type AppPath = (typeof APP_PATHS)[number];

export function isAppPath(pathname: string): pathname is AppPath {
  return (APP_PATHS as readonly string[]).includes(pathname);
}
