// A full consistency check of the store, for tests and the simulator (O(state); never on the apply path):
// every index agrees with the records it indexes. A failure is a bug and throws InvariantViolation.
import { assert } from '../invariants/assert.js';
import { listedKinds } from './chart-lists.js';
import { hourMs, visitOpenedAt, type ChartStore } from './chart-store.js';

export function checkStoreInvariants(store: ChartStore): void {
  assert(store.patients.size === store.patientsByOrdinal.length, 'every patient has one ordinal');
  let listedRecords = 0;
  let nestedRecords = 0;
  let visits = 0;
  store.patientsByOrdinal.forEach((entry, ordinal) => {
    assert(entry.ordinal === ordinal, 'ordinals are positions');
    assert(store.patients.get(entry.patient.patientId) === entry, 'patients map and ordinals agree');
    assert(store.entities.get(entry.patient.patientId)?.kind === 'patient', 'every patient id is registered');
    assert(entry.lease === null || entry.lease.epoch <= entry.leaseEpoch, 'a lease epoch never exceeds the fencing epoch');
    for (const kind of listedKinds) {
      for (const [id, record] of entry.lists[kind] ?? []) {
        listedRecords++;
        const ref = store.entities.get(id);
        assert(ref !== undefined && ref.kind === kind && ref.patientId === entry.patient.patientId, `${kind} ${id} is registered to its patient`);
        assert(record.patientId === entry.patient.patientId, `${kind} ${id} names its patient`);
        assert(Object.isFrozen(record), `${kind} ${id} is frozen`);
      }
    }
    for (const prescription of entry.lists.prescription?.values() ?? []) {
      for (const dispense of prescription.dispenses) {
        nestedRecords++;
        assert(store.entities.get(dispense.dispenseId)?.parentId === prescription.prescriptionId, 'a dispense is registered under its prescription');
      }
    }
    for (const order of entry.lists.labOrder?.values() ?? []) {
      for (const result of order.results) {
        nestedRecords++;
        assert(store.entities.get(result.labResultId)?.parentId === order.labOrderId, 'a lab result is registered under its order');
      }
    }
    for (const visit of entry.lists.visit?.values() ?? []) {
      const bucket = store.visitsByHour.get(Math.floor(visitOpenedAt(visit) / hourMs)) ?? [];
      const filed = bucket.filter((visitId) => visitId === visit.visitId).length;
      if (visit.atClinicId === undefined) {
        visits++;
        assert(filed === 1, 'a visit of this clinic is filed once, in the hour it opened');
      } else {
        assert(filed === 0, "another clinic's visit is in no queue");
      }
      assert(visit.moves.length === 0 || visit.moves[visit.moves.length - 1]!.to === visit.station, "a visit's last move is to its station");
    }
    for (const conflictId of entry.conflictIds) assert(store.conflicts.get(conflictId)?.patientId === entry.patient.patientId, "a patient's conflicts are theirs");
  });
  assert(store.entities.size === store.patients.size + listedRecords + nestedRecords, 'the id registry holds exactly the records');
  let bucketed = 0;
  for (const bucket of store.visitsByHour.values()) bucketed += bucket.length;
  assert(bucketed === visits, "the hour index holds exactly this clinic's visits");
  const open = [...store.conflicts.values()].filter((conflict) => conflict.status === 'open').map((conflict) => conflict.conflictId);
  assert(open.length === store.openConflictIds.size && open.every((conflictId, index) => [...store.openConflictIds][index] === conflictId), 'open conflicts are listed in order');
  for (const conflict of store.conflicts.values()) {
    assert((conflict.status === 'open') === (conflict.resolution === null), 'a conflict is open iff it has no resolution');
  }
}
