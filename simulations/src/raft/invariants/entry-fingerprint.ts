// A short text that identifies an entry's payload, so entries from different nodes compare cheaply.
import type { Entry } from '../../../../leader-worker/src/raft/types.js';
import { hashBytes } from '../hashing.js';

const fingerprintSeed = 0x811c9dc5;

export function entryFingerprint(entry: Entry): string {
  switch (entry.type) {
    case 'noop':
      return 'noop';
    case 'command':
      return `command:${entry.data.byteLength}:${hashBytes(fingerprintSeed, entry.data).toString(16)}`;
    case 'membership':
      return `membership:${entry.change.type}:${entry.change.nodeId}`;
  }
}
