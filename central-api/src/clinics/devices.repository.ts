// Reads and writes enrolled devices.
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { IsNull, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { ClinicEntity } from './clinic.entity.js';
import { DeviceEntity } from './device.entity.js';

export interface NewDevice {
  readonly clinicId: string;
  readonly name: string;
  readonly credentialHash: Buffer;
  /** With a certificate (POST /api/enrollments): its public key and the certificate's serial. */
  readonly certificate?: { readonly publicKey: Buffer; readonly serial: number };
}

/** Expected outcomes of an enrollment; only a broken database throws. */
export type EnrollmentOutcome =
  | { readonly kind: 'enrolled'; readonly device: DeviceEntity }
  | { readonly kind: 'clinic-not-found' }
  | { readonly kind: 'clinic-full' };

@Injectable()
export class DevicesRepository {
  constructor(
    @InjectRepository(DeviceEntity) private readonly rows: Repository<DeviceEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Adds the device unless its clinic already has `devicesMax`; the clinic row is locked, so racing enrollments count right. */
  enroll(device: NewDevice, devicesMax: number): Promise<EnrollmentOutcome> {
    return this.dataSource.transaction((manager) => this.enrollIn(manager, device, devicesMax));
  }

  /**
   * The same, inside the caller's transaction (enrollment with a code uses the code in it too): the caller
   * commits or rolls back, and must roll back on anything but 'enrolled' if it changed other rows.
   */
  async enrollIn(manager: EntityManager, device: NewDevice, devicesMax: number): Promise<EnrollmentOutcome> {
    const clinic = await manager.findOne(ClinicEntity, { where: { id: device.clinicId }, lock: { mode: 'pessimistic_write' } });
    if (clinic === null) return { kind: 'clinic-not-found' };
    const devices = await manager.countBy(DeviceEntity, { clinicId: device.clinicId });
    if (devices >= devicesMax) return { kind: 'clinic-full' };
    const row = {
      clinicId: device.clinicId,
      name: device.name,
      credentialHash: device.credentialHash,
      publicKey: device.certificate?.publicKey ?? null,
      certificateSerial: device.certificate?.serial ?? null,
    };
    const result = await manager.createQueryBuilder().insert().into(DeviceEntity).values(row).returning('*').execute();
    return { kind: 'enrolled', device: manager.create(DeviceEntity, result.generatedMaps[0] as DeviceEntity) };
  }

  /** The device with this credential, unless it was revoked. */
  async findByCredentialHash(credentialHash: Buffer): Promise<DeviceEntity | undefined> {
    return (await this.rows.findOneBy({ credentialHash, revokedAt: IsNull() })) ?? undefined;
  }

  /**
   * Marks the device of `clinicId` revoked, once: the first revocation's time and reason stay. Undefined when
   * the clinic has no such device.
   */
  async revoke(clinicId: string, deviceId: string, reason: string): Promise<{ readonly device: DeviceEntity; readonly revokedNow: boolean } | undefined> {
    const updated = await this.rows
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()', revokedReason: reason })
      .where('id = :deviceId AND clinic_id = :clinicId AND revoked_at IS NULL', { deviceId, clinicId })
      .execute();
    const device = await this.rows.findOneBy({ id: deviceId, clinicId });
    if (device === null) return undefined;
    return { device, revokedNow: (updated.affected ?? 0) > 0 };
  }

  /** Oldest first, at most `devicesMax` (the enrollment limit). */
  listByClinic(clinicId: string, devicesMax: number): Promise<DeviceEntity[]> {
    return this.rows.find({ where: { clinicId }, order: { createdAt: 'ASC', id: 'ASC' }, take: devicesMax });
  }

  /** Sets last_seen_at to now unless it was set less than `intervalMs` ago. */
  async recordSeen(deviceId: string, intervalMs: number): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .update()
      .set({ lastSeenAt: () => 'now()' })
      .where('id = :deviceId', { deviceId })
      .andWhere("(last_seen_at IS NULL OR last_seen_at < now() - make_interval(secs => :intervalSeconds))", { intervalSeconds: intervalMs / 1000 })
      .execute();
  }
}
