// The error filter's answers for failures that are not HTTP errors: an overloaded pool is a 503 the client may
// retry, anything else a bare 500 that says nothing of the internals.
import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, Logger } from '@nestjs/common';
import { ErrorResponseFilter } from '../../src/http/error-response.filter.js';

interface Answer {
  status?: number;
  headers: Record<string, string>;
  body?: unknown;
}

function answerTo(exception: unknown): Answer {
  const answer: Answer = { headers: {} };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => void (answer.headers[name] = value),
    status(code: number) {
      answer.status = code;
      return this;
    },
    json: (body: unknown) => void (answer.body = body),
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new ErrorResponseFilter().catch(exception, host);
  return answer;
}

describe('ErrorResponseFilter', () => {
  beforeEach(() => spyOn(Logger.prototype, 'error'));

  it('answers 503 with Retry-After when no database connection came free in time', () => {
    const answer = answerTo(new Error('timeout exceeded when trying to connect'));
    expect(answer.status).toBe(503);
    expect(answer.headers['Retry-After']).toBe('1');
    expect(answer.body).toEqual(jasmine.objectContaining({ statusCode: 503, error: 'Service Unavailable', message: jasmine.stringMatching(/busy.*retry/) }));
  });

  it('answers any other unexpected failure with a bare 500, and an HTTP error as itself', () => {
    const failure = answerTo(new Error('relation "secret_table" does not exist'));
    expect(failure).toEqual({ status: 500, headers: {}, body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' } });
    expect(answerTo(new BadRequestException('name must be a string')).body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'name must be a string' });
  });
});
