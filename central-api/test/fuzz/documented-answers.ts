// What the OpenAPI document says each operation may answer. A client generated from it knows only those
// statuses, so every answer a fuzzed request gets from a documented operation must be among them.
import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import type { FuzzRequest } from './http-exchange.js';

export interface DocumentedAnswers {
  /** Why the status is not what the document says the request's operation answers; null when it is. */
  problem(request: FuzzRequest, status: number): string | null;
}

interface DocumentedOperation {
  readonly method: string;
  readonly pattern: RegExp;
  readonly operation: OperationObject;
}

const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;
/** The body parser's answers to a body: documented for operations that take one. */
const bodyStatuses = new Set([413, 415]);

export function documentedAnswers(document: OpenAPIObject): DocumentedAnswers {
  const operations: DocumentedOperation[] = Object.entries(document.paths).flatMap(([template, item]) =>
    methods.flatMap((method) => {
      const operation = item[method];
      // A path parameter is one segment, as the router takes it (percent-encoded slashes included).
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`);
      return operation === undefined ? [] : [{ method: method.toUpperCase(), pattern, operation }];
    }),
  );
  return {
    problem(request, status) {
      const path = request.path.split('?')[0] ?? '';
      // Unknown routes and methods, other spellings of a path (the router ignores case and a trailing slash):
      // no operation of the document, so nothing it promised.
      const documented = operations.find(({ method, pattern }) => method === request.method && pattern.test(path));
      if (documented === undefined) return null;
      if (documented.operation.responses[String(status)] !== undefined) return null;
      // A body sent to an operation that takes none is outside what any client of the document sends.
      if (bodyStatuses.has(status) && documented.operation.requestBody === undefined && request.body !== undefined) return null;
      return `${status} is not among the answers the OpenAPI document gives ${documented.operation.operationId ?? path}`;
    },
  };
}
