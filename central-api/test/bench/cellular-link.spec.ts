// The benches' emulated cellular link must carry bytes as TCP does: in order and whole, however the chunk sizes
// mix, and a side's end only after its last bytes. It once timed each chunk with its own timer, and a 5-byte
// chunk could overtake a large one before it: HTTP's end of a chunked body arrived first and a page read empty.
import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { CellularLink } from '../../bench/cellular-link.js';

describe('the benches\' emulated cellular link', () => {
  let target: Server;
  let targetPort: number;
  let received: Promise<Buffer>;

  beforeEach(async () => {
    let deliver: (bytes: Buffer) => void = () => undefined;
    received = new Promise((resolve) => (deliver = resolve));
    // Sends what the test scripts, then ends: the far side of the link.
    target = createServer((socket: Socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => deliver(Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetPort = (target.address() as AddressInfo).port;
  });

  afterEach(async () => {
    await new Promise((resolve) => target.close(resolve));
  });

  it('delivers large and tiny chunks in the order sent, then the end, over a paced link', async () => {
    const link = await CellularLink.open(targetPort, { roundTripMs: 40, upBytesPerSecond: 2_000_000, downBytesPerSecond: 2_000_000 });
    try {
      const socket = connect(link.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const sent: Buffer[] = [];
      for (let chunk = 0; chunk < 200; chunk++) {
        // Alternating 4 KB and 3-byte chunks, each numbered, written in one tick: the tiny ones pace fastest.
        const bytes = chunk % 2 === 0 ? Buffer.alloc(4_096, chunk % 251) : Buffer.from([chunk % 251, 0xff, chunk % 251]);
        sent.push(bytes);
        socket.write(bytes);
        // Separate writes, so the link sees separate chunks (not one coalesced by the kernel).
        if (chunk % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
      }
      socket.end();
      const arrived = await received;
      expect(arrived.length).toBe(Buffer.concat(sent).length);
      expect(arrived.equals(Buffer.concat(sent))).withContext('bytes arrived in the order sent').toBeTrue();
      expect(link.bytesUp).toBe(arrived.length);
    } finally {
      await link.close();
    }
  });
});
