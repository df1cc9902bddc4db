/** Minimal leveled logger. Never give it patient data: UIDs and keys only. */
export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export function createLogger(level: 'silent' | 'error' | 'info'): Logger {
  const stamp = () => new Date().toISOString();
  return {
    info: (message) => {
      if (level === 'info') console.log(`${stamp()} ${message}`);
    },
    error: (message, error) => {
      if (level === 'silent') return;
      const detail = error instanceof Error ? `: ${error.stack ?? error.message}` : error === undefined ? '' : `: ${String(error)}`;
      console.error(`${stamp()} ERROR ${message}${detail}`);
    },
  };
}
