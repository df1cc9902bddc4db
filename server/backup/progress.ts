import cliProgress from 'cli-progress';

/** Objects done out of a total, with their bytes: a bar on a terminal, a plain line every 10% otherwise (logs, cron mail). */
export interface Progress {
  start(label: string, total: number): void;
  advance(bytes: number): void;
  stop(): void;
}

export function progressOn(stream: NodeJS.WriteStream = process.stdout): Progress {
  return stream.isTTY ? new TerminalProgress(stream) : new LineProgress(stream);
}

const MB = 1e6;

class TerminalProgress implements Progress {
  private readonly bar: cliProgress.SingleBar;
  private bytes = 0;

  constructor(stream: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar(
      { stream, format: '{label} [{bar}] {percentage}% | {value}/{total} objects | {mb} MB | {eta_formatted} left', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
  }

  start(label: string, total: number): void {
    this.bytes = 0;
    this.bar.start(total, 0, { label, mb: '0' });
  }

  advance(bytes: number): void {
    this.bytes += bytes;
    this.bar.increment(1, { mb: (this.bytes / MB).toFixed(1) });
  }

  stop(): void {
    this.bar.stop();
  }
}

class LineProgress implements Progress {
  private label = '';
  private total = 0;
  private done = 0;
  private bytes = 0;
  private nextTenth = 1;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  start(label: string, total: number): void {
    Object.assign(this, { label, total, done: 0, bytes: 0, nextTenth: 1 });
    this.stream.write(`${label}: ${total} objects\n`);
  }

  advance(bytes: number): void {
    this.done += 1;
    this.bytes += bytes;
    while (this.total > 0 && this.done * 10 >= this.nextTenth * this.total) {
      this.stream.write(
        `${this.label}: ${this.nextTenth * 10}% (${this.done}/${this.total} objects, ${(this.bytes / MB).toFixed(1)} MB)\n`,
      );
      this.nextTenth += 1;
    }
  }

  stop(): void {}
}
