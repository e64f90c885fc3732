// A cheap tablet, emulated: Chrome's CPU throttling (DevTools Protocol). `Emulation.setCPUThrottlingRate` on a
// page slows that page's main thread. The node runs in a Worker, so the page's session also auto-attaches to
// its workers (paused at their start) and sends each the same command before letting it run; but as measured
// with Chromium 150 (the bench's fixed-work probe: 4.0x slower on the page, 1.1x in a Worker) a dedicated
// worker is not slowed by it. The bench prints the probe, so its "throttled" figures say what they are.
import type { CDPSession } from 'playwright-core';

interface AttachedToTarget {
  readonly sessionId: string;
  readonly targetInfo: { readonly type: string };
  readonly waitingForDebugger: boolean;
}

/** Throttles the page behind `devtools` and the Workers it starts from now on by `rate` (4: four times slower). */
export async function throttleCpu(devtools: CDPSession, rate: number): Promise<void> {
  let messageId = 0;
  const sendToTarget = (sessionId: string, method: string, params: object): Promise<unknown> =>
    devtools.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: ++messageId, method, params }) });
  devtools.on('Target.attachedToTarget', (event: AttachedToTarget) => {
    void (async () => {
      if (event.targetInfo.type === 'worker') await sendToTarget(event.sessionId, 'Emulation.setCPUThrottlingRate', { rate });
      if (event.waitingForDebugger) await sendToTarget(event.sessionId, 'Runtime.runIfWaitingForDebugger', {});
    })().catch((error: unknown) => console.log(`throttling a worker failed: ${String(error)}`));
  });
  await devtools.send('Emulation.setCPUThrottlingRate', { rate });
  await devtools.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
}
