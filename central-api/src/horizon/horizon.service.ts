// Reading and setting a clinic's sync horizon. Setting one starts its download (HorizonFiller) and answers at
// once: a large horizon takes minutes to queue, and its progress is on GET and on every feed page.
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { ClinicsRepository } from '../clinics/clinics.repository.js';
import type { HorizonResponse } from './dto/horizon.responses.js';
import type { HorizonRequest } from './dto/horizon.request.js';
import { HorizonFiller } from './horizon-filler.js';
import { defaultHorizon } from './horizon-limits.js';
import { toHorizonResponse } from './horizon-mapping.js';
import { HorizonRepository } from './horizon.repository.js';

@Injectable()
export class HorizonService {
  constructor(
    private readonly clinics: ClinicsRepository,
    private readonly horizons: HorizonRepository,
    private readonly filler: HorizonFiller,
  ) {}

  async get(clinicId: string): Promise<HorizonResponse> {
    await this.requireClinic(clinicId);
    return toHorizonResponse(clinicId, (await this.horizons.find(clinicId)) ?? { ...defaultHorizon, revision: 0 }, await this.horizons.fill(clinicId));
  }

  async set(clinicId: string, request: HorizonRequest): Promise<HorizonResponse> {
    await this.requireClinic(clinicId);
    if (request.fromClinicIds.includes(clinicId)) throw new BadRequestException('fromClinicIds: a clinic holds its own patients already; list only other clinics');
    const known = new Set((await this.clinics.findManyByIds(request.fromClinicIds)).map((clinic) => clinic.id));
    const unknown = request.fromClinicIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new BadRequestException(`fromClinicIds: no clinic ${unknown.join(', ')}`);
    const stored = await this.horizons.save(clinicId, request);
    void this.filler.request(clinicId);
    return toHorizonResponse(clinicId, stored, await this.horizons.fill(clinicId));
  }

  private async requireClinic(clinicId: string): Promise<void> {
    if ((await this.clinics.findById(clinicId)) === undefined) throw new NotFoundException(`Clinic ${clinicId} does not exist`);
  }
}
