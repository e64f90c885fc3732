// The fencing check alone, for modules that must not register the lease routes again (the chart copy's
// projection): `imports: [LeaseFencingModule]`, then inject `LeaseFencing`.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LeaseFencingConflictEntity } from './lease-fencing-conflict.entity.js';
import { LeaseFencing } from './lease-fencing.js';

@Module({
  imports: [TypeOrmModule.forFeature([LeaseFencingConflictEntity])],
  providers: [LeaseFencing],
  exports: [LeaseFencing],
})
export class LeaseFencingModule {}
