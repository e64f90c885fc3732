// The only platform API the pure core uses: UTF-8 text encoding, for the chart's canonical snapshot bytes.
// Chrome (page and Worker) and Node both provide it; declaring just this keeps every other platform global
// (DOM, Node) out of the pure project's reach.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
