// Scripts the Chromium runner serves beside the specs, by URL path, so a spec can start them. Shared by the
// runner (Node) and the specs (in the page): nothing here may need Node.

/** The bundled Worker entry, leader-worker/src/worker/clinic-worker.ts: `new Worker(clinicWorkerScriptPath)`. */
export const clinicWorkerScriptPath = '/clinic-worker.js';
