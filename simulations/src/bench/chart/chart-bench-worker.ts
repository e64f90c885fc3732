// The chart bench inside a dedicated Worker of Chromium, where a device's clinic node (and so its chart state
// machine) runs. chart-browser.ts bundles this file; the page forwards what it posts to the runner.
import { runChartBench, type ChartBenchResult, type ChartBenchSetup } from './chart-bench.js';

/** The page sends one request; the worker answers with log lines, then its result (or the error it hit). */
export interface ChartBenchRequest {
  readonly setup: ChartBenchSetup;
  readonly runtimeName: string;
}

export type ChartBenchReport =
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'result'; readonly result: ChartBenchResult }
  | { readonly type: 'error'; readonly message: string };

const report = (message: ChartBenchReport): void => postMessage(message);

addEventListener('message', (event: MessageEvent<ChartBenchRequest>) => {
  const { setup, runtimeName } = event.data;
  try {
    const result = runChartBench(setup, (line) => report({ type: 'log', line }), { name: runtimeName, now: () => performance.now() });
    report({ type: 'result', result });
  } catch (error) {
    report({ type: 'error', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
  }
});
