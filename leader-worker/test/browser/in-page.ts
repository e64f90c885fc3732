// The page side of the Chromium run, bundled by run-in-chromium.ts after jasmine-core's browser runtime has
// installed Jasmine's globals: it registers the manifest's specs, then waits for the runner to start them,
// and reports every step back through the function the runner exposed.
import './browser-specs.js';
import { setSignalingEndpoint } from './run-environment.js';
import { reportFunctionName, startFunctionName, type FailureReport, type PageEvent, type RunConfig } from './page-protocol.js';

interface PageGlobals {
  [reportFunctionName]?: (event: PageEvent) => Promise<void>;
  [startFunctionName]?: (config: RunConfig) => void;
}

const page = globalThis as typeof globalThis & PageGlobals;

function failuresOf(expectations: readonly { message: string; stack?: string }[]): FailureReport[] {
  return expectations.map(({ message, stack }) => ({ message, stack: stack ?? '' }));
}

/** Returns the runner's promise, so Jasmine waits for each report and the runner gets them in order. */
function report(event: PageEvent): Promise<void> {
  const send = page[reportFunctionName];
  if (send === undefined) throw new Error(`the runner did not expose ${reportFunctionName}`);
  return send(event);
}

page[startFunctionName] = (config) => {
  jasmine.DEFAULT_TIMEOUT_INTERVAL = config.specTimeoutMs;
  setSignalingEndpoint(config.signaling);
  const env = jasmine.getEnv();
  const filter = config.filter;
  env.configure({
    random: true,
    ...(config.seed === null ? {} : { seed: config.seed }),
    ...(filter === null ? {} : { specFilter: (spec: jasmine.Spec) => spec.getFullName().includes(filter) }),
  });
  env.addReporter({
    jasmineStarted: (info) => report({ type: 'started', totalSpecsDefined: info.totalSpecsDefined, seed: String(info.order.seed) }),
    specStarted: (result) => report({ type: 'specStarted', fullName: result.fullName }),
    specDone: (result) => report({ type: 'specDone', fullName: result.fullName, status: result.status, failures: failuresOf(result.failedExpectations) }),
    suiteDone: (result) =>
      result.failedExpectations.length === 0 ? undefined : report({ type: 'suiteFailed', fullName: result.fullName, failures: failuresOf(result.failedExpectations) }),
    jasmineDone: (details) =>
      report({ type: 'done', overallStatus: details.overallStatus, incompleteReason: details.incompleteReason ?? '', failures: failuresOf(details.failedExpectations) }),
  });
  void env.execute();
};
