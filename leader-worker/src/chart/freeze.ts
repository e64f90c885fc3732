// Records handed out by queries are the state itself (no copying on the hot path), so they are frozen:
// a caller cannot change one device's chart behind the log's back.

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
