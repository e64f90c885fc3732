// One grant of a chart lease as stored: a row of `chart_leases`. Renewals move expires_at; a release sets
// released_at; nothing else changes once granted.
import { Column, Entity, PrimaryGeneratedColumn, type ValueTransformer } from 'typeorm';

/** bigint arrives from pg as a string; epochs stay far below 2^53. */
export const bigintToNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'chart_leases' })
export class ChartLeaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  /** The fencing epoch: one more than the patient's previous grant, whichever clinic held it. */
  @Column({ type: 'bigint', transformer: bigintToNumber })
  epoch!: number;

  @Column({ name: 'granted_at', type: 'timestamptz' })
  grantedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;
}
