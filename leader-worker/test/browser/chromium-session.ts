// What every run in real Chromium needs, shared by the spec runner (run-in-chromium.ts) and the Chromium
// benchmark (simulations/src/bench/chart-browser.ts): esbuild bundles of compiled entry points, a tiny HTTP
// server on 127.0.0.1, and Debian's Chromium launched headless through playwright-core.
import { access } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

export const chromiumArgs = [
  '--no-sandbox', // CI runs as root, where Chromium's sandbox refuses to start
  '--disable-gpu',
  '--disable-dev-shm-usage',
  // This machine's network is closed: without these Chromium keeps trying to reach Google's hosts.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // WebRTC between pages on 127.0.0.1 (the PeerJS specs to come); it also needs camera and microphone granted.
  '--allow-loopback-in-peer-connection',
];

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** Where bundles would live if written: their source maps' paths are relative to this directory. */
export const bundleDirectory = path.join(repositoryRoot, 'dist', 'browser-bundle');

export interface Bundle {
  readonly code: string;
  readonly sourceMap: string;
}

/** Bundles one compiled entry point (and all it imports) into a classic script for a page or a Worker. */
export async function bundleForBrowser(entryPoint: string, name: string): Promise<Bundle> {
  const result = await build({
    entryPoints: [entryPoint],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    sourcemap: 'external',
    outfile: path.join(bundleDirectory, name),
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.js'));
  const sourceMap = result.outputFiles.find((file) => file.path.endsWith('.js.map'));
  if (code === undefined || sourceMap === undefined) throw new Error(`esbuild produced no bundle for ${entryPoint}`);
  return { code: code.text, sourceMap: sourceMap.text };
}

/**
 * Headers that make the page and its workers cross-origin isolated. Chromium then coarsens performance.now()
 * to 5 µs instead of 100 µs: what a benchmark of sub-millisecond calls needs.
 */
const crossOriginIsolationHeaders = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

export interface ServeOptions {
  readonly crossOriginIsolated?: boolean;
}

/** Serves `files` by URL path ('/' is the page, anything else a script) on a free port of 127.0.0.1. */
export async function serve(files: ReadonlyMap<string, string>, options: ServeOptions = {}): Promise<{ readonly server: Server; readonly origin: string }> {
  const isolation = options.crossOriginIsolated === true ? crossOriginIsolationHeaders : {};
  const server = createServer((request, response) => {
    const body = files.get(request.url ?? '');
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    const type = request.url === '/' ? 'text/html' : 'text/javascript';
    response.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', ...isolation }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

/** CHROME_BIN picks another binary (default Debian's /usr/bin/chromium). */
export function chromiumExecutable(): string {
  return process.env['CHROME_BIN'] ?? '/usr/bin/chromium';
}

/** Launches headless Chromium; rejects with how to get one when there is none. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumExecutable();
  try {
    await access(executablePath);
  } catch {
    throw new Error(`No Chromium at ${executablePath}: install Debian's (apt-get install -y chromium) or set CHROME_BIN.`);
  }
  return chromium.launch({ executablePath, headless: true, args: chromiumArgs });
}
