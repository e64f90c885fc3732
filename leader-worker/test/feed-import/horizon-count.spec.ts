// The horizon download's count on the device: only what the clinic log decided, and the last patient as soon
// as the last page is decided.
import { HorizonCount, horizonCheckpointsMax } from '../../src/feed-import/horizon-count.js';

const progress = (patientsReceived: number, patientsReceivedWithPage: number, revision = 1, queueing = true) =>
  ({ revision, patientsTotal: 10, patientsReceived, patientsReceivedWithPage, queueing });

describe('the horizon download as a device counts it', () => {
  it('knows nothing before central reports, then counts at the furthest position the log decided', () => {
    const count = new HorizonCount();
    expect(count.at(100)).toBeNull();
    // Read after 0: 0 received there, 3 once items 1..40 are decided; read ahead after 40: 3 there, 7 at 80.
    count.reported(progress(0, 3), 0, 40);
    count.reported(progress(3, 7), 40, 80);
    expect(count.at(0)).toEqual({ revision: 1, patientsTotal: 10, patientsReceived: 0, queueing: true });
    expect(count.at(39)?.patientsReceived).withContext('the first page is not decided yet').toBe(0);
    expect(count.at(40)?.patientsReceived).toBe(3);
    expect(count.at(79)?.patientsReceived).withContext('read ahead is not received').toBe(3);
    expect(count.at(80)?.patientsReceived).toBe(7);
    expect(count.at(500)?.patientsReceived).toBe(7);
  });

  it('takes the last report for a position and for what central is doing', () => {
    const count = new HorizonCount();
    count.reported(progress(0, 2), 0, 20);
    // Central finished queueing, and the same page, read again, now ends further.
    count.reported({ ...progress(0, 5), queueing: false }, 0, 50);
    expect(count.at(20)).toEqual({ revision: 1, patientsTotal: 10, patientsReceived: 2, queueing: false });
    expect(count.at(50)?.patientsReceived).toBe(5);
    count.reported(progress(6, 6), 50, 50);
    expect(count.at(50)?.patientsReceived).withContext('the newer count at 50').toBe(6);
  });

  it('starts over for a new revision, whose patients are others', () => {
    const count = new HorizonCount();
    count.reported(progress(4, 9), 40, 90);
    count.reported(progress(0, 1, 2), 90, 95);
    expect(count.at(90)).toEqual({ revision: 2, patientsTotal: 10, patientsReceived: 0, queueing: true });
    expect(count.at(95)?.patientsReceived).toBe(1);
    expect(count.at(40)?.patientsReceived).withContext('the old revision\'s counts are gone').toBe(0);
  });

  it('keeps a bounded number of positions, dropping the oldest', () => {
    const count = new HorizonCount();
    // Pages end where the next begins: horizonCheckpointsMax + 1 positions, 0 to horizonCheckpointsMax * 10.
    for (let page = 0; page < horizonCheckpointsMax; page++) count.reported(progress(100 + page, 101 + page), page * 10, page * 10 + 10);
    expect(count.at(5)?.patientsReceived).withContext('position 0 forgotten: the oldest is long decided in practice').toBe(0);
    expect(count.at(10)?.patientsReceived).toBe(101);
    expect(count.at(horizonCheckpointsMax * 10)?.patientsReceived).toBe(100 + horizonCheckpointsMax);
    expect(() => count.reported(progress(1, 1), 30, 20)).toThrow();
  });
});
