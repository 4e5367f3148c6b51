/** A description of the machine the benchmark ran on, for the report. */
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memGB: number;
  node: string;
  os: string;
  date: string;
  /** 1-minute load average when the run started and when it ended (other work on the box). */
  load: string;
}

const startLoad = os.loadavg()[0]!;

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    load: `${startLoad.toFixed(2)} at start, ${os.loadavg()[0]!.toFixed(2)} at end`,
  };
}
