import type { Config } from '../config';

/** `npm run pacs -- check` (issue 15): being built. */
export async function checkCommand(args: string[], config: Config): Promise<number> {
  void args;
  void config;
  console.error('check: not built yet');
  return 1;
}
