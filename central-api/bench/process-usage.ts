// Memory and CPU of other processes, read from Linux's /proc: the API process, and the PostgreSQL server with
// its backends. Elsewhere every reading is undefined (the benchmark then reports null).
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks a second in /proc/<pid>/stat (USER_HZ; 100 on every Linux this runs on). */
const clockTicksPerSecond = 100;
const bytesPerMegabyte = 1024 * 1024;

/** Resident set size in MB (VmRSS of /proc/<pid>/status). */
export function residentMegabytes(pid: number): number | undefined {
  const kilobytes = statusKilobytes(pid, 'VmRSS');
  return kilobytes === undefined ? undefined : kilobytes / 1024;
}

/** CPU seconds (user + system) the process has used. */
export function cpuSeconds(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields === undefined ? undefined : (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond; // utime, stime
}

export interface ProcessTreeUsage {
  readonly processes: number;
  /**
   * Proportional set size summed over the tree, in MB: each shared page (PostgreSQL's shared buffers) counted
   * once in all, where summing RSS would count it in every backend that touched it.
   */
  readonly proportionalMegabytes: number;
  readonly cpuSeconds: number;
}

/** A process and its children (one level: PostgreSQL's postmaster and the backends it forks). */
export function processTreeUsage(rootPid: number): ProcessTreeUsage | undefined {
  const pids = [rootPid, ...childrenOf(rootPid)];
  let proportionalBytes = 0;
  let seconds = 0;
  let processes = 0;
  for (const pid of pids) {
    const kilobytes = proportionalKilobytes(pid);
    const used = cpuSeconds(pid);
    if (kilobytes === undefined || used === undefined) continue; // exited meanwhile
    proportionalBytes += kilobytes * 1024;
    seconds += used;
    processes++;
  }
  return processes === 0 ? undefined : { processes, proportionalMegabytes: proportionalBytes / bytesPerMegabyte, cpuSeconds: seconds };
}

function childrenOf(parentPid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const fields = statFields(pid);
    if (fields !== undefined && Number(fields[1]) === parentPid) children.push(pid); // ppid: field 4 of stat
  }
  return children;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces): state is [0], ppid [1]. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function statusKilobytes(pid: number, field: string): number | undefined {
  return kilobytesField(`/proc/${pid}/status`, field);
}

function proportionalKilobytes(pid: number): number | undefined {
  return kilobytesField(`/proc/${pid}/smaps_rollup`, 'Pss');
}

function kilobytesField(file: string, field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(file, 'utf8'));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}
