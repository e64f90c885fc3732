// The specs that also run in real Chromium (`npm run test:browser`). Add a spec here when it must hold in
// the browser too: it may use only what both Node 20 and Chrome provide (no node:* modules, no DOM) and
// Jasmine's globals, because Node's Jasmine runs the same file. Order here does not matter: Jasmine shuffles.
import './seeded-random-cross-engine.spec.js';
import '../wire/peer-message-codec.spec.js';
import '../transport/link-frames.spec.js';
import '../device-identity/link-handshake.spec.js';
import '../transport/peer-presence.spec.js';
import '../transport/in-memory-network.spec.js';
import '../transport/broadcast-channel-transport.spec.js';
import '../storage/indexeddb-raft-storage.spec.js';
import '../storage/indexeddb-outbox-storage.spec.js';
import '../storage/indexeddb-storage-reserve.spec.js';
import '../storage/memory-storage-reserve.spec.js';
import '../storage/localforage-state-cache.spec.js';
import '../storage/storage-errors.spec.js';
import '../storage/memory-raft-storage.spec.js';
import '../storage/memory-outbox-storage.spec.js';
import '../storage/memory-state-cache.spec.js';
import '../transport/message-port-transport.spec.js';
import '../worker/clinic-client.spec.js';
import '../worker/clinic-worker-service.spec.js';
import '../worker/device-lock.spec.js';
// Chromium only (real Workers): not a *.spec.ts, so Node's Jasmine leaves it out.
import '../worker/clinic-workers.chromium-spec.js';
import '../transport/peerjs-transport.chromium-spec.js';
import '../device-identity/device-enrollment.chromium-spec.js';
