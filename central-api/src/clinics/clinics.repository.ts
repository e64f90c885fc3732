// Reads and writes clinics.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { ClinicEntity } from './clinic.entity.js';
import type { ChartPolicy } from './clinic-limits.js';

@Injectable()
export class ClinicsRepository {
  constructor(@InjectRepository(ClinicEntity) private readonly rows: Repository<ClinicEntity>) {}

  async insert(name: string, chartPolicy: ChartPolicy): Promise<ClinicEntity> {
    const result = await this.rows.createQueryBuilder().insert().values({ name, chartPolicy }).returning('*').execute();
    return this.rows.create(result.generatedMaps[0] as ClinicEntity);
  }

  async findById(id: string): Promise<ClinicEntity | undefined> {
    return (await this.rows.findOneBy({ id })) ?? undefined;
  }

  /** The clinics of `ids` that exist (in no particular order). */
  async findManyByIds(ids: readonly string[]): Promise<ClinicEntity[]> {
    return ids.length === 0 ? [] : this.rows.findBy({ id: In([...ids]) });
  }
}
