// The OpenAPI document of the API, served as JSON at /api/docs-json and browsable at /api/docs.
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const openApiPath = 'api/docs';

export function serveOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Clinic Mesh central API')
    .setDescription('Clinics, devices and (to come) log ingest, leases and the downstream feed of Clinic Mesh.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The admin token or a device credential' })
    .build();
  SwaggerModule.setup(openApiPath, app, () => SwaggerModule.createDocument(app, config), { jsonDocumentUrl: `${openApiPath}-json` });
}
