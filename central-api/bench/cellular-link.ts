// An emulated cellular link for the benchmarks: a TCP proxy on 127.0.0.1 in front of a server, which counts the
// bytes that cross it each way (what the clinic pays for), delays every chunk by half the round trip each way,
// paces each direction to its bandwidth, and can be cut (connections refused and dropped) and restored.
// A proxy rather than a wrapper around fetch: HTTP headers, TLS-less framing and keep-alive are all counted.
import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface LinkShape {
  /** Added to every exchange: half on the way up, half on the way down. */
  readonly roundTripMs: number;
  /** Bytes per second from the clinic to central (null: unlimited). */
  readonly upBytesPerSecond: number | null;
  /** Bytes per second from central to the clinic (null: unlimited). */
  readonly downBytesPerSecond: number | null;
}

/** No delay, no pacing: a link that only counts. */
export const countingOnly: LinkShape = { roundTripMs: 0, upBytesPerSecond: null, downBytesPerSecond: null };
/** A rural 3G link as the issue sets it: 300 ms round trip; about 0.4 Mbit/s up and 1.5 Mbit/s down. */
export const emulated3g: LinkShape = { roundTripMs: 300, upBytesPerSecond: 50_000, downBytesPerSecond: 190_000 };

/**
 * One direction: chunks delivered in the order sent, each no sooner than its delay and its turn on the wire.
 * One timer for the queue's head, never a timer per chunk: Node fires timers of different durations set in one
 * tick by their durations, not by when they were set, so a 5-byte chunk (HTTP's "0\r\n\r\n" end of a chunked
 * body) timed a fraction of a millisecond behind a large one could overtake it, and the client read a body cut
 * short (a gzip'd page that decoded to nothing) as a whole one.
 */
class PacedDirection {
  private wireFreeAtMs = 0;
  private readonly queue: { readonly atMs: number; readonly deliver: () => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  bytes = 0;

  constructor(
    private readonly oneWayMs: () => number,
    private readonly bytesPerSecond: () => number | null,
  ) {}

  send(chunk: Buffer, deliver: (chunk: Buffer) => void): void {
    this.bytes += chunk.length;
    const rate = this.bytesPerSecond();
    const onWireMs = rate === null ? 0 : (chunk.length / rate) * 1000;
    this.wireFreeAtMs = Math.max(this.wireFreeAtMs, performance.now()) + onWireMs;
    this.enqueue(this.wireFreeAtMs + this.oneWayMs(), () => deliver(chunk));
  }

  /** `then` runs once everything sent before it has been delivered (a connection's end follows its last bytes). */
  afterQueued(then: () => void): void {
    this.enqueue(Math.max(this.wireFreeAtMs, performance.now()) + this.oneWayMs(), then);
  }

  private enqueue(atMs: number, deliver: () => void): void {
    // Never earlier than what is already queued: the order sent is the order delivered.
    this.queue.push({ atMs: Math.max(atMs, this.queue.at(-1)?.atMs ?? 0), deliver });
    this.pump();
  }

  private pump(): void {
    if (this.timer !== null) return;
    const nowMs = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.atMs <= nowMs) this.queue.shift()!.deliver();
    const head = this.queue[0];
    if (head === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(1, Math.ceil(head.atMs - nowMs)));
  }
}

/** The start of an HTTP/1.1 request line in a chunk from the clinic (requests are small: one starts a chunk). */
const requestLine = /^(GET|POST|PUT|DELETE|PATCH) (\S+) HTTP\/1\.1\r\n/;
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export class CellularLink {
  /** Requests seen, by method and path (ids and query left out), to say what the bytes were spent on. */
  readonly requests = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private isDown = false;
  private readonly up: PacedDirection;
  private readonly down: PacedDirection;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private shape: LinkShape,
  ) {
    this.up = new PacedDirection(() => this.shape.roundTripMs / 2, () => this.shape.upBytesPerSecond);
    this.down = new PacedDirection(() => this.shape.roundTripMs / 2, () => this.shape.downBytesPerSecond);
  }

  /** A link on a free port of 127.0.0.1 to `targetPort` there. */
  static async open(targetPort: number, shape: LinkShape): Promise<CellularLink> {
    // The server needs the link to accept connections, and the link needs the server's port: made in that order.
    const opened: { link?: CellularLink } = {};
    const server = createServer((clinicSide) => opened.link!.accept(clinicSide, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    opened.link = new CellularLink(server, (server.address() as AddressInfo).port, shape);
    return opened.link;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get bytesUp(): number {
    return this.up.bytes;
  }

  get bytesDown(): number {
    return this.down.bytes;
  }

  reshape(shape: LinkShape): void {
    this.shape = shape;
  }

  /** The link is gone (no signal): open connections drop, new ones are refused until restore(). */
  cut(): void {
    this.isDown = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.isDown = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private countRequest(chunk: Buffer): void {
    const line = requestLine.exec(chunk.subarray(0, 300).toString('latin1'));
    if (line === null) return;
    const key = `${line[1]} ${line[2]!.split('?')[0]!.replace(uuid, ':id')}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  private accept(clinicSide: Socket, targetPort: number): void {
    if (this.isDown) {
      clinicSide.destroy();
      return;
    }
    const centralSide = connect(targetPort, '127.0.0.1');
    const sides = [
      { socket: clinicSide, other: centralSide, direction: this.up },
      { socket: centralSide, other: clinicSide, direction: this.down },
    ];
    for (const { socket, other, direction } of sides) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => direction.send(chunk, (paced) => other.destroyed || other.write(paced)));
      // A side that finished sending is ended on the other side once its last bytes crossed, as TCP would.
      socket.on('end', () => direction.afterQueued(() => other.end()));
      socket.on('close', (hadError) => {
        this.sockets.delete(socket);
        // A reset drops what was on the way; a clean close already ended the other side after its bytes.
        if (hadError) other.destroy();
        else direction.afterQueued(() => other.destroy());
      });
    }
    clinicSide.on('data', (chunk: Buffer) => this.countRequest(chunk));
  }
}
