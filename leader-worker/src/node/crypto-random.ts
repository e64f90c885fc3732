// Randomness seeded from the platform, for what runs on a device (the node's election timeouts, a transport's
// life id, backoff jitter): every device draws differently, so elections split rarely and retries spread.
import { SeededRandom } from '../raft/seeded-random.js';
import type { RandomSource } from '../raft/types.js';

export function randomFromCrypto(): RandomSource {
  const [high, low] = crypto.getRandomValues(new Uint32Array(2));
  // 53 bits, the most a seed (a safe integer) holds.
  return new SeededRandom((high! & 0x1fffff) * 0x100000000 + low!);
}
