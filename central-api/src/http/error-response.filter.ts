// Every error leaves as JSON `{ statusCode, error, message }` (plus any fields a route adds, such as the
// expected index of a refused batch). A process out of database connections answers 503 with Retry-After (the
// client's retry is right, and nothing was stored); other failures that are not HTTP errors are logged and
// become a bare 500.
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';

export interface ErrorResponseBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  readonly [extra: string]: unknown;
}

@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (isConnectionWaitTimeout(exception)) {
      if (response.headersSent) return;
      response.setHeader('Retry-After', String(overloadRetryAfterSeconds));
      response.status(HttpStatus.SERVICE_UNAVAILABLE).json({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE, error: reasonPhrase(503), message: 'The server is busy: no database connection came free in time. Nothing was stored; retry shortly',
      } satisfies ErrorResponseBody);
      return;
    }
    const body = exception instanceof HttpException ? httpErrorBody(exception) : this.unexpectedErrorBody(exception);
    if (response.headersSent) return; // a streamed response failed midway: nothing more can be said
    response.status(body.statusCode).json(body);
  }

  private unexpectedErrorBody(exception: unknown): ErrorResponseBody {
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: reasonPhrase(500), message: 'Internal server error' };
  }
}

/** What a client told the server is busy should wait before trying again. */
const overloadRetryAfterSeconds = 1;

/**
 * pg's pool gives up on a request that waited databaseLimits.connectionWaitMs for a connection with this
 * error: every connection was busy (the process is overloaded), and the request's work never started.
 */
function isConnectionWaitTimeout(exception: unknown): boolean {
  return exception instanceof Error && exception.message === 'timeout exceeded when trying to connect';
}

function httpErrorBody(exception: HttpException): ErrorResponseBody {
  const statusCode = exception.getStatus();
  const response = exception.getResponse();
  const fields: Record<string, unknown> = typeof response === 'object' && response !== null ? { ...response } : {};
  const message =
    bodyParserMessage(exception.cause) ?? messageOf(fields['message']) ?? (typeof response === 'string' ? response : exception.message);
  delete fields['statusCode'];
  delete fields['error'];
  delete fields['message'];
  return { ...fields, statusCode, error: reasonPhrase(statusCode), message };
}

/** ValidationPipe gives one message per broken rule: they are joined, so `message` is always one string. */
function messageOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join('; ');
  return undefined;
}

/**
 * The JSON body parser's own words do not say what was wrong with the body: an oversize body does not get
 * the limit, malformed JSON gets only the parser's complaint, and a body that fails to decompress only
 * zlib's ("incorrect header check").
 */
function bodyParserMessage(cause: unknown): string | undefined {
  const error = cause as { type?: unknown; limit?: unknown; code?: unknown; message?: unknown } | undefined;
  if (error?.type === 'entity.too.large') return `The request body is larger than the limit of ${String(error.limit)} bytes`;
  if (error?.type === 'entity.parse.failed') return `The request body is not valid JSON: ${String(error.message)}`;
  if (typeof error?.code === 'string' && error.code.startsWith('Z_')) return `The request body could not be decompressed as its Content-Encoding says: ${String(error.message)}`;
  return undefined;
}

function reasonPhrase(statusCode: number): string {
  return STATUS_CODES[statusCode] ?? 'Error';
}
