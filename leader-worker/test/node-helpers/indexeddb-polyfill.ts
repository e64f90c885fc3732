// Node only: gives Node the IndexedDB a browser has (fake-indexeddb), so the storage specs run unchanged in
// Node and in Chromium. Registered as a Jasmine helper for the Node run only; Chromium uses its own.
if (typeof indexedDB === 'undefined') await import('fake-indexeddb/auto');
