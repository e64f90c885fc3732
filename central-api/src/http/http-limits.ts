// Bounds on what one HTTP request may bring.
export const httpLimits = {
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
};
