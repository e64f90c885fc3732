// Bounds on what one HTTP request may bring.
export const httpLimits = {
  /**
   * How long an idle connection stays open. Node's default (5 s) closes a leader's connection between two
   * uploads, and each new one costs a TCP handshake: a 300 ms round trip on a rural 3G link. Above the 60 s
   * idle timeout of common proxies and load balancers, so they close first and never hit a closed socket.
   */
  keepAliveTimeoutMs: 65_000,
  /**
   * The largest JSON body accepted; past it the request is refused with 413 before it is parsed. Sized for
   * the biggest request planned: a batch of committed log entries from a clinic leader.
   */
  jsonBodyBytesMax: 1024 * 1024,
  /**
   * The deepest nesting of objects and arrays in a JSON body or query. Our deepest body nests 3 levels (an
   * upload's entries[i].change); the validators recurse, and a body nested a few thousand levels overflowed
   * their stack (a 500). Checked before any validator runs.
   */
  jsonNestingDepthMax: 32,
  /**
   * Answers smaller than this go uncompressed: gzip's header and trailer (18 bytes) and the CPU are not worth it
   * on an acknowledgement. Feed pages and chart reads (kilobytes of JSON with repeated keys) shrink several times.
   */
  compressAnswersFromBytes: 1024,
};
