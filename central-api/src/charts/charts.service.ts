// Reading central's copy of a clinic's charts: patient search and one patient's chart.
import { Injectable, NotFoundException } from '@nestjs/common';
import { ClinicsRepository } from '../clinics/clinics.repository.js';
import { ChartCopyService } from '../chart-copy/chart-copy.service.js';
import { toPatientChartResponse, toPatientSearchResponse } from './chart-mapping.js';
import type { PatientChartResponse, PatientSearchResponse } from './dto/chart.responses.js';
import type { SearchPatientsQuery } from './dto/search-patients.query.js';

@Injectable()
export class ChartsService {
  constructor(
    private readonly clinics: ClinicsRepository,
    private readonly copies: ChartCopyService,
  ) {}

  async searchPatients(clinicId: string, search: SearchPatientsQuery): Promise<PatientSearchResponse> {
    await this.requireClinic(clinicId);
    return this.copies.read(clinicId, (machine, appliedIndex) => toPatientSearchResponse(machine.searchPatients(search.query, search.limit), appliedIndex));
  }

  async openChart(clinicId: string, patientId: string): Promise<PatientChartResponse> {
    await this.requireClinic(clinicId);
    const chart = await this.copies.read(clinicId, (machine, appliedIndex) => {
      const found = machine.openChart(patientId);
      return found === null ? null : toPatientChartResponse(found, appliedIndex);
    });
    if (chart === null) throw new NotFoundException(`Clinic ${clinicId} has no patient ${patientId} (as far as central holds its log)`);
    return chart;
  }

  private async requireClinic(clinicId: string): Promise<void> {
    if ((await this.clinics.findById(clinicId)) === undefined) throw new NotFoundException(`Clinic ${clinicId} does not exist`);
  }
}
