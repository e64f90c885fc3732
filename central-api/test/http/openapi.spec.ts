// The OpenAPI document as client generators read it, built by the real app and served where clients fetch
// it: Redocly's recommended rules find nothing, every operation has what a generated client needs, and the
// security it documents is the guard's.
import type { OpenAPIObject, OperationObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { lintOpenApi } from '../support/openapi-lint.js';
import { call, startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-postgres.js';

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operation: OperationObject;
}

const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;

function operationsOf(document: OpenAPIObject): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    methods.flatMap((method) => (item[method] === undefined ? [] : [{ method: method.toUpperCase(), path, operation: item[method] }])),
  );
}

function schemaOf(document: OpenAPIObject, response: ResponseObject): SchemaObject | undefined {
  const schema = response.content?.['application/json']?.schema;
  if (schema === undefined || !('$ref' in schema)) return schema as SchemaObject | undefined;
  return document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')] as SchemaObject | undefined;
}

/** The names of a schema's properties, its parents' included (allOf). */
function propertyNames(document: OpenAPIObject, schema: SchemaObject | undefined): string[] {
  if (schema === undefined) return [];
  const inherited = (schema.allOf ?? []).flatMap((part) => propertyNames(document, schemaOf(document, { description: '', content: { 'application/json': { schema: part } } })));
  return [...inherited, ...Object.keys(schema.properties ?? {})];
}

describe('the OpenAPI document, as client generators read it', () => {
  let database: TestDatabase;
  let api: TestApp;
  let document: OpenAPIObject;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApp(database.url);
    document = (await call(api.baseUrl, 'GET', '/api/docs-json')).body as OpenAPIObject;
  });

  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  it("passes Redocly's recommended rules with no error and no warning", async () => {
    const problems = await lintOpenApi(document);
    expect(problems.map((problem) => `${problem.severity} ${problem.ruleId} at ${problem.pointer}: ${problem.message}`)).toEqual([]);
  }, 120_000);

  it('is linted by rules that bite: a summary, the servers and an error answer taken away are each reported', async () => {
    const broken = structuredClone(document);
    const [first] = operationsOf(broken);
    delete first!.operation.summary;
    for (const status of Object.keys(first!.operation.responses)) if (status.startsWith('4')) delete first!.operation.responses[status];
    broken.servers = [];
    const rules = (await lintOpenApi(broken)).map((problem) => problem.ruleId);
    expect(rules).toEqual(jasmine.arrayWithExactContents(['operation-summary', 'operation-4xx-response', 'no-empty-servers']));
  }, 120_000);

  it('names every operation with a summary and a unique operationId a generated method can take as its name', () => {
    const operations = operationsOf(document);
    expect(operations.length).withContext('the API has its routes').toBeGreaterThanOrEqual(20);
    for (const { method, path, operation } of operations) {
      expect(operation.operationId).withContext(`${method} ${path}`).toMatch(/^[a-z]+(?:[A-Z][a-z]+)+$/);
      expect(operation.summary?.length ?? 0).withContext(`${method} ${path}: a summary`).toBeGreaterThan(10);
    }
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).withContext('operationIds are unique').toBe(ids.length);
  });

  it('gives every success a JSON schema (but a 204) and every error the error schema', () => {
    for (const { method, path, operation } of operationsOf(document)) {
      for (const [status, answer] of Object.entries(operation.responses)) {
        const where = `${method} ${path} ${status}`;
        const schema = schemaOf(document, answer as ResponseObject);
        if (status === '204') {
          expect(schema).withContext(where).toBeUndefined();
        } else if (status.startsWith('2')) {
          expect(schema).withContext(where).toBeDefined();
        } else {
          expect(propertyNames(document, schema)).withContext(where).toEqual(jasmine.arrayContaining(['statusCode', 'error', 'message']));
        }
      }
      expect(Object.keys(operation.responses)).withContext(`${method} ${path}: the conventional answers`).toEqual(jasmine.arrayContaining(['400', '500', '503']));
    }
  });

  it('documents as secured exactly the operations the guard refuses without a credential', async () => {
    const someId = '00000000-0000-4000-8000-000000000000';
    for (const { method, path, operation } of operationsOf(document)) {
      const secured = (operation.security ?? document.security ?? []).length > 0;
      const answer = await call(api.baseUrl, method, path.replace(/\{\w+\}/g, someId));
      expect(answer.status === 401).withContext(`${method} ${path} (documented ${secured ? 'secured' : 'public'}) answered ${answer.status}`).toBe(secured);
      if (secured) expect(Object.keys(operation.responses)).withContext(`${method} ${path}`).toEqual(jasmine.arrayContaining(['401', '403']));
    }
  });
});
