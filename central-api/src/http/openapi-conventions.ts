// The answers a route may give because of how the API is built rather than what the route does: the global
// guard (401, 403), validation pipe and request-shape check (400), JSON body parser (413, 415, for routes
// that take a body), Node's HTTP parser (431) and error filter (500, 503 when out of database connections).
// They are set up once for every route (configure-http.ts), so they are documented once here, for every
// operation of the OpenAPI document; a route's own answers (404, 409, ...) stay on its controller, and win
// where both name a status.
import { maxHeaderSize } from 'node:http';
import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';
import { httpLimits } from './http-limits.js';

export const errorSchemaName = 'ErrorResponse';

const errorContent = { 'application/json': { schema: { $ref: `#/components/schemas/${errorSchemaName}` } } };
const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const answers = {
  invalid: { status: '400', description: 'The request failed validation: a path id, the query or the body (wrong types, unknown fields at any depth, nested too deep)' },
  unauthenticated: { status: '401', description: 'No credential, or not a valid one ("Authorization: Bearer <token>")' },
  forbidden: { status: '403', description: 'A valid credential this route is not for, or a device reaching another clinic' },
  tooLarge: { status: '413', description: `A body over ${httpLimits.jsonBodyBytesMax} bytes` },
  notJson: { status: '415', description: 'A body that is not JSON' },
  headersTooLarge: { status: '431', description: `A request line and headers over Node's limit of ${maxHeaderSize} bytes (a very long query, say)` },
  failed: { status: '500', description: 'Central failed unexpectedly (logged there); the request may be retried' },
  busy: { status: '503', description: 'Central is busy (no database connection came free in time): nothing was stored, retry after Retry-After seconds' },
} as const;

const retryAfter = { 'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer' } } };

/** The document with every operation's conventional answers added, and every error answer given the error schema. */
export function withHttpConventions(document: OpenAPIObject): OpenAPIObject {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of httpMethods) {
      const operation = pathItem[method];
      if (operation !== undefined) addConventionalAnswers(operation, isSecured(operation, document));
    }
  }
  return document;
}

/** An operation's own `security` wins over the document's; an empty list means anyone may call it. */
function isSecured(operation: OperationObject, document: OpenAPIObject): boolean {
  return (operation.security ?? document.security ?? []).length > 0;
}

function addConventionalAnswers(operation: OperationObject, secured: boolean): void {
  const conventional = [
    answers.invalid, // every route judges its query, even one that takes no parameters
    ...(secured ? [answers.unauthenticated, answers.forbidden] : []),
    ...(operation.requestBody !== undefined ? [answers.tooLarge, answers.notJson] : []),
    answers.headersTooLarge,
    answers.failed,
    answers.busy,
  ];
  for (const { status, description } of conventional) {
    operation.responses[status] ??= { description, ...(status === answers.busy.status ? { headers: retryAfter } : {}) };
  }
  for (const [status, response] of Object.entries(operation.responses)) {
    const answer = response as ResponseObject;
    if (Number(status) >= 400 && answer.content === undefined) answer.content = errorContent;
  }
}
