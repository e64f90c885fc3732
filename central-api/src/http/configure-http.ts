// The HTTP conventions of the API, applied the same way by `npm start` and by the end-to-end tests.
import type { Server, ServerResponse } from 'node:http';
import { ValidationPipe } from '@nestjs/common';
import compression from 'compression';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MetricsService } from '../metrics/metrics.service.js';
import { requestMetricsMiddleware } from '../metrics/request-metrics.middleware.js';
import { ErrorResponseFilter } from './error-response.filter.js';
import { httpLimits } from './http-limits.js';
import { serveOpenApi } from './openapi.js';
import { refuseUnjudgeableRequests } from './request-shape.js';
import { answerUnparsableRequests } from './unparsable-requests.js';
import { convertLogBatchBody, logBatchMediaType } from '../sync/log-batch-body.js';

/** Health and metrics sit at the root, where probes and Prometheus look for them; the API under /api. */
export const apiPrefix = 'api';
const routesOutsidePrefix = ['health', 'metrics'];

/**
 * server.close() closes the connections idle at that moment, but not one busy then (a long-poll answering), nor
 * one opened with no request on it yet: each stays open for keepAliveTimeout, and a stop would wait a minute.
 * From close() on, once no request is in flight, every connection left is closed.
 */
function closeConnectionsOnceQuietOnClose(server: Server): void {
  let closing = false;
  let requestsInFlight = 0;
  const closeIfQuiet = (): void => {
    if (closing && requestsInFlight === 0) server.closeAllConnections();
  };
  const close = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void) => {
    closing = true;
    const closed = close(callback);
    setImmediate(closeIfQuiet);
    return closed;
  };
  server.on('request', (_request, response: ServerResponse) => {
    requestsInFlight++;
    // 'close' follows both a response sent and one whose client went away.
    response.once('close', () => {
      requestsInFlight--;
      setImmediate(closeIfQuiet);
    });
  });
}

/** For an app created with `bodyParser: false`: the JSON parser is added here, with our limit. */
export function configureHttp(app: NestExpressApplication): void {
  app.use(requestMetricsMiddleware(app.get(MetricsService))); // first, to time refused requests too
  // Answers gzip'd for clients that accept it (Chrome's fetch always does): the clinic pays for every byte of
  // its feed and chart reads over a cellular link. The `compression` package (Express's own) rather than our
  // code: it negotiates Accept-Encoding, sets Vary, and skips what is already compressed.
  app.use(compression({ threshold: httpLimits.compressAnswersFromBytes }));
  app.useBodyParser('json', { limit: httpLimits.jsonBodyBytesMax });
  // The uplink's binary upload body (MessagePack), read into the JSON body's shape before anything judges it.
  app.useBodyParser('raw', { type: logBatchMediaType, limit: httpLimits.jsonBodyBytesMax, inflate: true });
  app.use(convertLogBatchBody);
  app.use(refuseUnjudgeableRequests(httpLimits.jsonNestingDepthMax));
  app.disable('x-powered-by');
  // No ETag: no client revalidates API answers, and it is 45 bytes on every answer over the clinic's cellular link.
  app.set('etag', false);
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = httpLimits.keepAliveTimeoutMs;
  // Must outlast keepAliveTimeout, or a request arriving on an idle connection can be cut off (Node's rule).
  server.headersTimeout = httpLimits.keepAliveTimeoutMs + 1_000;
  closeConnectionsOnceQuietOnClose(server);
  app.setGlobalPrefix(apiPrefix, { exclude: routesOutsidePrefix });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      // A body that is not a JSON object (an array, a string) is refused rather than validated as empty.
      forbidUnknownValues: true,
    }),
  );
  app.useGlobalFilters(new ErrorResponseFilter());
  answerUnparsableRequests(app.getHttpServer());
  serveOpenApi(app);
}
