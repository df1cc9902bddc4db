/**
 * Memory and CPU of another process, read from Linux /proc (proc(5)):
 *   /proc/<pid>/status  VmRSS (resident now), VmHWM (resident peak over the process's life)
 *   /proc/<pid>/stat    utime + stime (fields 14 and 15, in clock ticks)
 * VmRSS is sampled every `intervalMs`; a phase reports its CPU time and the peak and growth of
 * RSS between `phase()` and `end()`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface PhaseUsage {
  /** utime + stime spent by the process during the phase */
  cpuMs: number;
  rssStartBytes: number;
  rssEndBytes: number;
  /** highest VmRSS sampled during the phase */
  rssPeakBytes: number;
  /** rssPeakBytes − rssStartBytes */
  rssGrowthBytes: number;
  samples: number;
}

export interface Phase {
  end(): PhaseUsage;
}

const CLOCK_TICKS_PER_SECOND = readClockTicks();

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return ticks > 0 ? ticks : 100;
  } catch {
    return 100; // USER_HZ on every mainstream Linux build
  }
}

/** Reads "VmRSS:   12345 kB"-style lines of /proc/<pid>/status, in bytes. */
function readStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]) * 1024;
}

/** utime + stime of the process in ms. The command name (field 2) may hold spaces: split after its ")". */
export function readCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12]
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

export class ProcMonitor {
  private readonly timer: NodeJS.Timeout;
  private lastRss: number;
  private peakSinceMark: number;
  private samplesSinceMark = 0;

  constructor(
    readonly pid: number,
    intervalMs = 50,
  ) {
    this.lastRss = readStatusBytes(pid, 'VmRSS');
    this.peakSinceMark = this.lastRss;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  rssBytes(): number {
    return readStatusBytes(this.pid, 'VmRSS');
  }

  /** Peak resident memory over the process's whole life. */
  vmHwmBytes(): number {
    return readStatusBytes(this.pid, 'VmHWM');
  }

  cpuMs(): number {
    return readCpuMs(this.pid);
  }

  /** Starts measuring a phase (phases must not overlap: they share the peak tracker). */
  phase(): Phase {
    this.sample();
    const cpuStart = this.cpuMs();
    const rssStart = this.lastRss;
    this.peakSinceMark = rssStart;
    this.samplesSinceMark = 0;
    return {
      end: () => {
        this.sample();
        const peak = this.peakSinceMark;
        return {
          cpuMs: this.cpuMs() - cpuStart,
          rssStartBytes: rssStart,
          rssEndBytes: this.lastRss,
          rssPeakBytes: peak,
          rssGrowthBytes: peak - rssStart,
          samples: this.samplesSinceMark,
        };
      },
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    try {
      this.lastRss = readStatusBytes(this.pid, 'VmRSS');
    } catch {
      return; // the process is gone; the phase keeps what was sampled
    }
    this.samplesSinceMark++;
    if (this.lastRss > this.peakSinceMark) this.peakSinceMark = this.lastRss;
  }
}
