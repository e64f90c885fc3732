// Authentication for every route: the global guard, admin token and device credential checks, and GET /api/me.
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { AdminCredentialEntity } from './admin-credential.entity.js';
import { AdminCredentialsRepository } from './admin-credentials.repository.js';
import { AdminTokenService } from './admin-token.service.js';
import { type AuthOptions, authOptionsToken } from './auth-options.js';
import { AuthGuard } from './auth.guard.js';
import { Authenticator } from './authenticator.service.js';
import { LastSeenRecorder } from './last-seen-recorder.js';
import { MeController } from './me.controller.js';

@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      // The authenticator is the one place a revocation must reach at once (its cache of recent devices).
      global: true,
      imports: [TypeOrmModule.forFeature([AdminCredentialEntity]), ClinicsModule],
      controllers: [MeController],
      providers: [
        { provide: authOptionsToken, useValue: options },
        { provide: APP_GUARD, useClass: AuthGuard },
        AdminCredentialsRepository,
        AdminTokenService,
        Authenticator,
        LastSeenRecorder,
      ],
      exports: [AdminTokenService, Authenticator],
    };
  }
}
