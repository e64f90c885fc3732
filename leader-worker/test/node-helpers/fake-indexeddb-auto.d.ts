// fake-indexeddb's "auto" entry installs the IndexedDB globals and exports nothing; its package map gives
// that entry no types under module resolution "nodenext".
declare module 'fake-indexeddb/auto';
