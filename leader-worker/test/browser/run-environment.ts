// What a spec in the page may ask of the run: where the runner's PeerServer listens, and to stop or start it.
// in-page.ts fills it in from the RunConfig before any spec runs. Page only.
import { signalingControlFunctionName, type SignalingControl, type SignalingEndpoint } from './page-protocol.js';

let signaling: SignalingEndpoint | null = null;

export function setSignalingEndpoint(endpoint: SignalingEndpoint): void {
  signaling = endpoint;
}

export function signalingEndpoint(): SignalingEndpoint {
  if (signaling === null) throw new Error('no signaling endpoint: the specs were not started by run-in-chromium.js');
  return signaling;
}

/** Stops or starts the runner's PeerServer (same port), and resolves once it has. */
export function controlSignaling(action: SignalingControl): Promise<void> {
  const control = (globalThis as unknown as Record<string, ((action: SignalingControl) => Promise<void>) | undefined>)[signalingControlFunctionName];
  if (control === undefined) throw new Error(`the runner did not expose ${signalingControlFunctionName}`);
  return control(action);
}
