// Where PeerServer is mounted and its bounds. Clinics' PeerJS clients use
// `new Peer(peerId, { host, port, path: peerServerSettings.path, key: peerServerSettings.key, token })`.
export const peerServerSettings = {
  /** Mounted here, beside /api (not under it): the client asks `${path}/${key}/id` and opens `${path}/${key}`. */
  path: '/peerjs',
  key: 'peerjs',
  /** Peers registered on one API process at once: a few devices per clinic, for thousands of clinics. */
  peersConnectedMax: 20_000,
  /** A peer that sent no heartbeat for this long is dropped (the PeerJS client sends one every 5 s). */
  aliveTimeoutMs: 60_000,
};
