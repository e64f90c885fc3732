// The OpenAPI document of the API, served as JSON at /api/docs-json and browsable at /api/docs. It is
// written for client generators: every operation has a summary, an operationId that reads as a method name,
// its security (bearer, or explicitly none), and its error answers with their schema.
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponse } from './dto/error.response.js';
import { withHttpConventions } from './openapi-conventions.js';

export const openApiPath = 'api/docs';

/** The name of the bearer scheme in the document. */
export const bearerSchemeName = 'bearer';

const tags: readonly (readonly [name: string, description: string])[] = [
  ['auth', 'who a credential belongs to'],
  ['charts', "central's copy of a clinic's charts"],
  ['clinics', 'clinics and the enrollment of their devices'],
  ['enrollment', 'devices enrolling with one-time codes: their certificates and the clinic\'s trust anchor'],
  ['feed', 'what central sends down to a clinic: lab results, registrations, other clinics\' changes'],
  ['leases', 'chart lockout leases with fencing epochs'],
  ['operations', 'health, and monitoring for central staff'],
  ['signaling', 'PeerJS ids and tokens for the devices of a clinic'],
  ['sync', "upload of a clinic's committed log"],
];

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Clinic Mesh central API')
    .setDescription('Clinics and their devices, log ingest with central\'s copy of the charts, chart leases, the downstream feed, signaling and operations of Clinic Mesh. Every error answers JSON `{ statusCode, error, message }`.')
    .setVersion('0.1.0')
    // Relative: the API is reached wherever it runs, and the document is served by the API itself.
    .addServer('/', 'the server that served this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The admin token or a device credential' }, bearerSchemeName)
    // Like the guard, which lets no route be called without a credential unless it says @Public().
    .addSecurityRequirements(bearerSchemeName);
  for (const [name, description] of tags) builder.addTag(name, description);
  return withHttpConventions(SwaggerModule.createDocument(app, builder.build(), { extraModels: [ErrorResponse] }));
}

export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup(openApiPath, app, () => buildOpenApiDocument(app), { jsonDocumentUrl: `${openApiPath}-json` });
}
