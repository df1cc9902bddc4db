import type { Config } from '../config';

/** `npm run pacs -- backup` (issue 15): being built. */
export async function backupCommand(args: string[], config: Config): Promise<number> {
  void args;
  void config;
  console.error('backup: not built yet');
  return 1;
}
