// MemoryStateCache: the shared cache contract.
import { MemoryStateCache } from '../../src/storage/memory-state-cache.js';
import { describeStateCacheContract } from './state-cache-contract.js';

describeStateCacheContract('memory', () => {
  const cache = new MemoryStateCache();
  return { open: () => cache, dispose: async () => undefined };
});
