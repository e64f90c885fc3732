// Chrome reports stack frames in the served bundle (http://127.0.0.1:PORT/specs.js:4711:13), which nobody
// can read. This maps each such frame back to the TypeScript source through the bundle's source map
// (esbuild chains tsc's maps), and leaves every other frame as it was.
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';

export class BundleStacks {
  private readonly sourceMap: SourceMap;

  /**
   * @param bundleUrl where the page loads the bundle from, as it appears in stack frames
   * @param sourceMapJson the bundle's source map
   * @param sourceMapDirectory the directory the map's `sources` are relative to
   * @param repositoryRoot mapped paths are printed relative to it
   */
  constructor(
    private readonly bundleUrl: string,
    sourceMapJson: string,
    private readonly sourceMapDirectory: string,
    private readonly repositoryRoot: string,
  ) {
    this.sourceMap = new SourceMap(JSON.parse(sourceMapJson) as SourceMapPayload);
  }

  map(stack: string): string {
    const framePattern = new RegExp(`${escapeForRegExp(this.bundleUrl)}:(\\d+):(\\d+)`, 'g');
    return stack.replace(framePattern, (frame, line: string, column: string) => {
      const origin = this.sourceMap.findOrigin(Number(line), Number(column));
      if (!('fileName' in origin)) return frame;
      const file = path.relative(this.repositoryRoot, path.resolve(this.sourceMapDirectory, origin.fileName));
      return `${file}:${origin.lineNumber}:${origin.columnNumber}`;
    });
  }
}

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
