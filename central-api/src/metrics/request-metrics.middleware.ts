// Times every request, including those refused before a route runs (body too large, unknown route, 401).
import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service.js';

/** The label of requests that matched no route: their paths are not labels, or anyone could add series. */
export const unmatchedRoute = 'unmatched';

export function requestMetricsMiddleware(metrics: MetricsService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const startNs = process.hrtime.bigint();
    response.on('finish', () => {
      const durationSeconds = Number(process.hrtime.bigint() - startNs) / 1e9;
      metrics.observeRequest(request.method, routePattern(request), response.statusCode, durationSeconds);
    });
    next();
  };
}

function routePattern(request: Request): string {
  const path: unknown = request.route?.path;
  return typeof path === 'string' ? `${request.baseUrl}${path}` : unmatchedRoute;
}
