// The JSON 404 for paths outside /api. Nest answers unknown paths under the global prefix itself, but leaves
// the rest to express, whose answer is an HTML page.
import type { Request, Response } from 'express';
import type { ErrorResponseBody } from './error-response.filter.js';

/** Registered after every route (after app.init()), so it sees only requests no route took. */
export function answerUnknownRoute(request: Request, response: Response): void {
  const body: ErrorResponseBody = { statusCode: 404, error: 'Not Found', message: `Cannot ${request.method} ${request.path}` };
  response.status(404).json(body);
}
