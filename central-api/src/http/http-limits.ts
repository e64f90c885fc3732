// Bounds on what one HTTP request may bring.
export const httpLimits = {
  /**
   * The largest JSON body accepted; past it the request is refused with 413 before it is parsed. Sized for
   * the biggest request planned: a batch of committed log entries from a clinic leader.
   */
  jsonBodyBytesMax: 1024 * 1024,
};
