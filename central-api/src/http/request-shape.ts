// Refuses requests whose input the validators cannot judge, before any route runs:
// - a body that is not JSON (another content type): the JSON parser leaves it unread, and the route would
//   answer that its fields are missing instead of saying what is wrong;
// - nesting deeper than the named limit: class-transformer and class-validator recurse, and a deep enough
//   body overflowed their stack (a 500);
// - field names that are dropped without a word before validation (Nest's ValidationPipe deletes
//   `__proto__`, `constructor` and `prototype` at every depth; class-transformer skips `toString` and the
//   other members of Object.prototype), so an unknown field of such a name was accepted instead of refused.
import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Characters of a refused Content-Type shown back in the message. */
const shownContentTypeCharactersMax = 100;

/** The first problem with the shape of a parsed JSON value, or null. Iterative: depth costs no stack. */
export function jsonShapeProblem(value: unknown, depthMax: number, what = 'The request body'): string | null {
  if (!isContainer(value)) return null;
  const pending: { readonly value: object; readonly depth: number }[] = [{ value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.depth > depthMax) return `${what} nests objects and arrays more than ${depthMax} levels deep`;
    const container = next.value as Record<string, unknown>;
    // Only containers are queued: most values are strings and numbers, and an upload holds thousands.
    if (Array.isArray(container)) {
      for (const child of container) if (isContainer(child)) pending.push({ value: child, depth: next.depth + 1 });
      continue;
    }
    for (const key of Object.keys(container)) {
      if (isDroppedBeforeValidation(key)) return `property ${key} should not exist`;
      const child = container[key];
      if (isContainer(child)) pending.push({ value: child, depth: next.depth + 1 });
    }
  }
  return null;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function isDroppedBeforeValidation(key: string): boolean {
  return key === 'prototype' || Object.prototype.hasOwnProperty.call(Object.prototype, key);
}

/** Express middleware, after the JSON body parser (which leaves `body` undefined when it did not read it). */
export function refuseUnjudgeableRequests(depthMax: number) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    if (hasBody(request) && request.body === undefined) {
      const contentType = JSON.stringify((request.headers['content-type'] ?? 'none').slice(0, shownContentTypeCharactersMax));
      next(new UnsupportedMediaTypeException(`The request body must be JSON sent as "Content-Type: application/json", not ${contentType}`));
      return;
    }
    const problem = jsonShapeProblem(request.body, depthMax) ?? jsonShapeProblem(request.query, depthMax, 'The query');
    next(problem === null ? undefined : new BadRequestException(problem));
  };
}

function hasBody(request: Request): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}
