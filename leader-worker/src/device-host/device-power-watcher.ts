// What the page knows of its device's power and visibility, for the node's voter policy: the Battery API
// (Chrome has it; a desktop on mains reports charging), and the Page Lifecycle (visibilitychange, freeze,
// pagehide): a hidden page's timers slow down and Android freezes or kills it, so it should not lead.
// Page only: workers have neither the Battery API nor visibility.
import type { DevicePower } from '../voter-policy/voter-policy-decisions.js';

interface BatteryManagerLike extends EventTarget {
  readonly charging: boolean;
  readonly level: number;
}

/** Calls `report` now and on every change; returns the function that stops watching. */
export function watchDevicePower(report: (power: DevicePower) => void): () => void {
  let battery: BatteryManagerLike | null = null;
  let frozen = false;
  let stopped = false;
  const send = (): void => {
    if (stopped) return;
    report({
      // Without the Battery API nothing is known: count it as mains, so no device is judged on a guess.
      onMains: battery?.charging ?? true,
      batteryLevel: battery?.level ?? null,
      hidden: frozen || document.visibilityState === 'hidden',
    });
  };
  const onFreeze = (): void => {
    frozen = true;
    send();
  };
  const onResume = (): void => {
    frozen = false;
    send();
  };
  document.addEventListener('visibilitychange', send);
  document.addEventListener('freeze', onFreeze);
  document.addEventListener('resume', onResume);
  window.addEventListener('pagehide', onFreeze);
  window.addEventListener('pageshow', onResume);
  const getBattery = (navigator as Navigator & { getBattery?: () => Promise<BatteryManagerLike> }).getBattery;
  if (getBattery !== undefined) {
    getBattery.call(navigator).then((manager) => {
      battery = manager;
      manager.addEventListener('chargingchange', send);
      manager.addEventListener('levelchange', send);
      send();
    }, () => undefined);
  }
  send();
  return () => {
    stopped = true;
    document.removeEventListener('visibilitychange', send);
    document.removeEventListener('freeze', onFreeze);
    document.removeEventListener('resume', onResume);
    window.removeEventListener('pagehide', onFreeze);
    window.removeEventListener('pageshow', onResume);
    battery?.removeEventListener('chargingchange', send);
    battery?.removeEventListener('levelchange', send);
  };
}
