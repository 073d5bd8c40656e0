import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Where figures were measured: without it a figure cannot be compared with another. */
export interface MachineInfo {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly openFilesLimit: number | null;
  /** 1-minute load average at the start: other work on the machine skews every figure. */
  readonly loadAverage1m: number;
  readonly gitCommit: string | null;
  /** Uncommitted changes when measured: the commit alone does not describe the code. */
  readonly gitDirty: boolean | null;
  readonly date: string;
}

const git = (root: string, args: string[]): string | null => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

/** `ulimit -n` of a shell started like the benchmark's child processes. */
export const openFilesLimit = (): number | null => {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(out);
  } catch {
    return null;
  }
};

export const machineInfo = (root: string): MachineInfo => {
  const cpus = os.cpus();
  const status = git(root, ['status', '--porcelain', '--untracked-files=no']);
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    openFilesLimit: openFilesLimit(),
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
    gitCommit: git(root, ['rev-parse', 'HEAD']),
    gitDirty: status === null ? null : status.length > 0,
    date: new Date().toISOString(),
  };
};
