// Builds a ready (initialised, not yet listening) central API app: `npm start` and the end-to-end tests
// build it the same way.
import { type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type AppSettings } from './app.module.js';
import { configureHttp } from './http/configure-http.js';
import { answerUnknownRoute } from './http/unknown-routes.js';

export interface CentralAppOptions extends AppSettings {
  readonly logLevels: LogLevel[];
  /** Mounts more beside the API before its routes (an app's pages); unknown paths still get the API's 404. */
  readonly mountBesideApi?: (app: NestExpressApplication) => void;
}

export async function createCentralApp(options: CentralAppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bodyParser: false, // configureHttp adds the JSON parser with our size limit, and no other parser
    logger: options.logLevels,
    abortOnError: false, // throw on a wiring error instead of exiting the process
  });
  try {
    configureHttp(app);
    options.mountBesideApi?.(app);
    await app.init();
    app.use(answerUnknownRoute);
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}
