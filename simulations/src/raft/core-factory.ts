// How the simulator gets a Raft core and drives it. Tests inject broken cores (subclasses of Raft) and a
// broken driver order to prove the checkers catch them.
import { Raft } from '../../../leader-worker/src/raft/raft.js';
import type { PersistedState, RaftOptions } from '../../../leader-worker/src/raft/types.js';

export type RaftFactory = (options: RaftOptions, persisted: PersistedState) => Raft;

/**
 * The order a driver handles a Ready in. `persistThenSend` is the contract (types.ts, Ready). The other is a
 * deliberately broken driver that lets messages out before their state is durable.
 */
export type DriverOrder = 'persistThenSend' | 'sendBeforePersist';

export const createRaft: RaftFactory = (options, persisted) => new Raft(options, persisted);
