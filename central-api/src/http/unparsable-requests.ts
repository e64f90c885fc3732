// Requests Node's HTTP parser refuses before express sees them (a request line and headers over Node's size
// limit, bytes that are not HTTP) got Node's bare status line without a body; they now get the API's JSON
// error like every other refusal.
import { type Server, STATUS_CODES, maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';

const statusByParserError: Readonly<Record<string, number>> = { HPE_HEADER_OVERFLOW: 431, ERR_HTTP_REQUEST_TIMEOUT: 408 };

const messageByStatus: Readonly<Record<number, string>> = {
  431: `The request line and headers are larger than the limit of ${maxHeaderSize} bytes`,
  408: 'The request did not arrive in time',
  400: 'The request is not valid HTTP/1.1',
};

/** Replaces Node's default answer (Node leaves the answer to this listener once one is registered). */
export function answerUnparsableRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection the client reset has no one to answer.
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const statusCode = statusByParserError[error.code ?? ''] ?? 400;
    const body = JSON.stringify({ statusCode, error: STATUS_CODES[statusCode], message: messageByStatus[statusCode] });
    socket.end(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
