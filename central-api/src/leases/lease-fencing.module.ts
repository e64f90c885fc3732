// The fencing check alone, for modules that must not register the lease routes again (log ingest):
// `imports: [LeaseFencingModule]`, then inject `LeaseFencing`.
import { Module } from '@nestjs/common';
import { LeaseFencing } from './lease-fencing.js';

@Module({
  providers: [LeaseFencing],
  exports: [LeaseFencing],
})
export class LeaseFencingModule {}
