import type { Config } from '../config';

/** `npm run pacs -- restore` (issue 15): being built. */
export async function restoreCommand(args: string[], config: Config): Promise<number> {
  void args;
  void config;
  console.error('restore: not built yet');
  return 1;
}
