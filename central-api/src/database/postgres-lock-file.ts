// Reads PostgreSQL's lock file (postmaster.pid): whether a server runs on a data folder, and its pid.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The pid in the server's lock file, when that process is alive. */
export function runningServerPid(directory: string): number | undefined {
  let firstLine: string;
  try {
    firstLine = readFileSync(path.join(directory, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '';
  } catch {
    return undefined; // no lock file: no server
  }
  const pid = Number.parseInt(firstLine, 10);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
