// The HTTP conventions of the API, applied the same way by `npm start` and by the end-to-end tests.
import { ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MetricsService } from '../metrics/metrics.service.js';
import { requestMetricsMiddleware } from '../metrics/request-metrics.middleware.js';
import { ErrorResponseFilter } from './error-response.filter.js';
import { httpLimits } from './http-limits.js';
import { serveOpenApi } from './openapi.js';
import { refuseUnjudgeableRequests } from './request-shape.js';
import { answerUnparsableRequests } from './unparsable-requests.js';

/** Health and metrics sit at the root, where probes and Prometheus look for them; the API under /api. */
export const apiPrefix = 'api';
const routesOutsidePrefix = ['health', 'metrics'];

/** For an app created with `bodyParser: false`: the JSON parser is added here, with our limit. */
export function configureHttp(app: NestExpressApplication): void {
  app.use(requestMetricsMiddleware(app.get(MetricsService))); // first, to time refused requests too
  app.useBodyParser('json', { limit: httpLimits.jsonBodyBytesMax });
  app.use(refuseUnjudgeableRequests(httpLimits.jsonNestingDepthMax));
  app.disable('x-powered-by');
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
