// Refuses request bodies and queries whose shape the validators cannot judge: nesting deeper than the named
// limit (class-transformer and class-validator recurse, and a deep enough body overflowed their stack: a 500),
// and field names that are dropped without a word before validation (Nest's ValidationPipe deletes
// `__proto__`, `constructor` and `prototype` at every depth; class-transformer skips `toString` and the other
// members of Object.prototype), so an unknown field of such a name was accepted instead of refused.
import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** The first problem with the shape of a parsed JSON value, or null. Iterative: depth costs no stack. */
export function jsonShapeProblem(value: unknown, depthMax: number, what = 'The request body'): string | null {
  const pending: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > depthMax) return `${what} nests objects and arrays more than ${depthMax} levels deep`;
    if (!Array.isArray(next.value)) {
      const key = Object.keys(next.value).find(isDroppedBeforeValidation);
      if (key !== undefined) return `property ${key} should not exist`;
    }
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return null;
}

function isDroppedBeforeValidation(key: string): boolean {
  return key === 'prototype' || Object.prototype.hasOwnProperty.call(Object.prototype, key);
}

/** Express middleware, after the JSON body parser: 400 for a body or query `jsonShapeProblem` refuses. */
export function refuseUnjudgeableRequests(depthMax: number) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    const problem = jsonShapeProblem(request.body, depthMax) ?? jsonShapeProblem(request.query, depthMax, 'The query');
    next(problem === null ? undefined : new BadRequestException(problem));
  };
}
