// A cache of the applied chart state, so a restart opens charts at once and replays only the log's tail.
// It is a cache: losing it costs a replay, never data, so it may be written lazily and without 'strict'
// durability (localforage on devices).
export interface CachedState {
  /** The log index the state reflects. */
  readonly appliedIndex: number;
  /** The state machine's snapshot bytes at that index. */
  readonly state: Uint8Array;
}

export interface StateCache {
  load(): Promise<CachedState | null>;
  save(state: CachedState): Promise<void>;
  clear(): Promise<void>;
}
