import { encode } from '@msgpack/msgpack';
import { chartStateMachines } from '../../src/node/chart-replica.js';
import type { ChartStateMachine } from '../../src/chart/index.js';
import { encodePeerMessage } from '../../src/wire/peer-message-codec.js';
import { registerPatient } from '../chart/chart-harness.js';
import { ClinicHarness } from './clinic-harness.js';
import { noteStateMachines, type NoteResult, type NoteStateMachine } from './note-state-machine.js';

const ids = ['tablet-1', 'tablet-2', 'desktop-1'];

function notesOf(harness: ClinicHarness<NoteResult>, id: string): readonly string[] {
  return (harness.node(id).state as NoteStateMachine).notes;
}

async function clinic(): Promise<ClinicHarness<NoteResult>> {
  const harness = new ClinicHarness(ids, noteStateMachines());
  await harness.start();
  return harness;
}

describe('ClinicNode (the driver)', () => {
  it('applies a write proposed on a follower on every device and answers the proposer with the result', async () => {
    const harness = await clinic();
    const leader = await harness.electLeader();
    const follower = ids.find((id) => id !== leader)!;
    const outcome = harness.node(follower).propose({ clientId: 'nurse-ann', sequence: 1, text: 'BP 120/80' });
    await harness.scheduler.advance(200);
    expect(await outcome).toEqual(jasmine.objectContaining({ type: 'applied', result: { type: 'applied', position: 0 } }));
    for (const id of ids) expect(notesOf(harness, id)).withContext(id).toEqual(['BP 120/80']);
  });

  it('takes commands kept elsewhere (central\'s feed) straight into the leader\'s log, in order, with no outbox; a follower does not', async () => {
    const harness = await clinic();
    const leader = await harness.electLeader();
    const follower = ids.find((id) => id !== leader)!;
    const feedItems = [1, 2, 3].map((sequence) => ({ clientId: 'central-feed', sequence, text: `lab result ${sequence}` }));
    expect(harness.node(follower).proposeFromElsewhere(feedItems)).withContext('only the leader orders the log').toBe('notTaken');
    expect(harness.node(leader).proposeFromElsewhere(feedItems)).toBe('taken');
    expect(harness.node(leader).pendingWrites()).withContext('central keeps them: no second copy in the outbox').toEqual([]);
    // A second copy (a retry, a new leader reading the feed again) applies once.
    expect(harness.node(leader).proposeFromElsewhere(feedItems.slice(1))).toBe('taken');
    await harness.scheduler.advance(200);
    for (const id of ids) expect(notesOf(harness, id)).withContext(id).toEqual(['lab result 1', 'lab result 2', 'lab result 3']);
    await harness.node(leader).stop();
    expect(harness.node(leader).proposeFromElsewhere(feedItems)).withContext('a stopped node').toBe('notTaken');
  });

  it('an acknowledged write survives every device of the clinic losing power at once', async () => {
    const harness = await clinic();
    const leader = await harness.electLeader();
    const outcome = harness.node(leader).propose({ clientId: 'clinician-1', sequence: 1, text: 'amoxicillin 500 mg' });
    await harness.scheduler.advance(200);
    expect((await outcome).type).toBe('applied');
    for (const id of ids) await harness.crashAndRestart(id);
    await harness.electLeader();
    await harness.scheduler.advance(500);
    for (const id of ids) expect(notesOf(harness, id)).withContext(id).toEqual(['amoxicillin 500 mg']);
  });

  it('a device cut off from the clinic keeps accepting writes as pending, then applies them once when the LAN is back', async () => {
    const harness = await clinic();
    const leader = await harness.electLeader();
    const cutOff = ids.find((id) => id !== leader)!;
    harness.isolate(cutOff);
    const first = harness.node(cutOff).propose({ clientId: 'pharmacy', sequence: 1, text: 'dispensed 20 tablets' });
    const second = harness.node(cutOff).propose({ clientId: 'pharmacy', sequence: 2, text: 'counselled on dosing' });
    await harness.scheduler.advance(2000);
    expect(await first).toEqual({ type: 'pending' });
    expect(await second).toEqual({ type: 'pending' });
    expect(harness.node(cutOff).pendingWrites().map((item) => item.sequence)).toEqual([1, 2]);

    harness.heal();
    await harness.scheduler.advance(8000);
    for (const id of ids) expect(notesOf(harness, id)).withContext(id).toEqual(['dispensed 20 tablets', 'counselled on dosing']);
    expect(harness.node(cutOff).pendingWrites()).toEqual([]);
  });

  it('outbox writes survive a power loss of the cut-off device and are applied exactly once after it', async () => {
    const harness = await clinic();
    const leader = await harness.electLeader();
    const cutOff = ids.find((id) => id !== leader)!;
    harness.isolate(cutOff);
    const outcome = harness.node(cutOff).propose({ clientId: 'triage', sequence: 1, text: 'temperature 38.9' });
    await harness.scheduler.advance(2000);
    expect(await outcome).toEqual({ type: 'pending' });

    const restarted = await harness.crashAndRestart(cutOff);
    expect(restarted.pendingWrites().map((item) => item.sequence)).toEqual([1]);
    harness.heal();
    await harness.scheduler.advance(8000);
    for (const id of ids) expect(notesOf(harness, id)).withContext(id).toEqual(['temperature 38.9']);
    expect(restarted.pendingWrites()).toEqual([]);
  });

  it('holds a client\'s writes in the outbox rather than run past the state machine\'s duplicate window', async () => {
    // With a window of 4, a write lost in flight (sequence 1) followed by seven more would be taken for a
    // copy once sequence 8 committed, and never applied. The driver must keep 5..8 back until 1 applies.
    const harness = new ClinicHarness(ids, noteStateMachines(4));
    await harness.start();
    const leader = await harness.electLeader();
    const pharmacy = ids.find((id) => id !== leader)!;
    harness.network.cutOneWay(pharmacy, leader);
    const lost = harness.node(pharmacy).propose({ clientId: 'pharmacy', sequence: 1, text: 'dispense 1' });
    await harness.scheduler.advance(10);
    harness.network.healOneWay(pharmacy, leader);
    const later = [2, 3, 4, 5, 6, 7, 8].map((sequence) => harness.node(pharmacy).propose({ clientId: 'pharmacy', sequence, text: `dispense ${sequence}` }));
    await harness.scheduler.advance(15_000);
    expect(await lost).toEqual({ type: 'pending' });
    for (const outcome of await Promise.all(later)) expect(outcome.type === 'applied' || outcome.type === 'pending').toBeTrue();
    for (const id of ids) {
      expect([...notesOf(harness, id)].sort()).withContext(id).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((sequence) => `dispense ${sequence}`));
    }
    expect(harness.node(pharmacy).pendingWrites()).toEqual([]);
  });

  it('with no leader at all, a write goes to the outbox at once instead of waiting', async () => {
    const harness = await clinic();
    harness.isolate('tablet-1');
    const outcome = harness.node('tablet-1').propose({ clientId: 'registration', sequence: 1, text: 'new patient' });
    await harness.scheduler.advance(10);
    expect(await outcome).toEqual({ type: 'pending' });
  });

  it('a retried proposal (same client and sequence) is applied once', async () => {
    const harness = await clinic();
    const leader = await harness.electLeader();
    const first = harness.node(leader).propose({ clientId: 'nurse-ann', sequence: 5, text: 'weight 61 kg' });
    await harness.scheduler.advance(200);
    expect((await first).type).toBe('applied');
    const retry = harness.node(leader).propose({ clientId: 'nurse-ann', sequence: 5, text: 'weight 61 kg' });
    await harness.scheduler.advance(200);
    expect(await retry).toEqual(jasmine.objectContaining({ type: 'applied', result: { type: 'duplicate', position: 0 } }));
    for (const id of ids) expect(notesOf(harness, id)).withContext(id).toEqual(['weight 61 kg']);
  });

  it('a full disk everywhere is reported to the clinician, nothing is acknowledged, and a retry applies the write once', async () => {
    const harness = await clinic();
    const leader = await harness.electLeader();
    await harness.scheduler.advance(500);
    for (const id of ids) harness.disk(id).setCapacityBytes(harness.disk(id).usedBytes());
    const write = { clientId: 'clinician-1', sequence: 1, text: 'x'.repeat(200) };
    const outcome = harness.node(leader).propose(write);
    await harness.scheduler.advance(2000);
    expect(await outcome).toEqual(jasmine.objectContaining({ type: 'failed', reason: 'storageFull', message: jasmine.stringMatching(/retry/) }));
    for (const id of ids) expect(notesOf(harness, id)).withContext(id).toEqual([]);
    // Peers were asked and did not answer: not pending as far as anyone was told (the device keeps it in memory,
    // to store or hand over later, in case a peer did take it).
    expect(harness.node(leader).pendingWrites()).toEqual([]);

    for (const id of ids) harness.disk(id).setCapacityBytes(null);
    const retry = harness.node(leader).propose(write);
    await harness.scheduler.advance(3000);
    expect((await retry).type).toBe('applied');
    for (const id of ids) expect(notesOf(harness, id)).withContext(id).toEqual(['x'.repeat(200)]);
  });

  it('a full disk spends the storage reserve: the device goes on storing writes itself and says storage is low', async () => {
    const harness = new ClinicHarness(ids, noteStateMachines(), {}, 64 * 1024);
    await harness.start();
    const leader = await harness.electLeader();
    const full = ids.find((id) => id !== leader)!;
    await harness.scheduler.advance(500);
    expect(harness.node(full).status().storageLow).toBeFalse();
    harness.disk(full).setCapacityBytes(harness.disk(full).usedBytes());
    const outcomes = [1, 2, 3].map((sequence) => harness.node(full).propose({ clientId: 'lab', sequence, text: `result ${sequence}` }));
    await harness.scheduler.advance(1000);
    for (const outcome of outcomes) expect((await outcome).type).toBe('applied');
    for (const id of ids) expect(notesOf(harness, id)).withContext(id).toEqual(['result 1', 'result 2', 'result 3']);
    expect(harness.node(full).status()).toEqual(jasmine.objectContaining({ storageLow: true, storageFailure: null, writesHandedOff: 0 }));

    // Space is freed: the node takes its reserve again at its next try.
    harness.disk(full).setCapacityBytes(null);
    await harness.scheduler.advance(61_000);
    expect(harness.node(full).status().storageLow).toBeFalse();
  });

  it('a device whose disk is full hands the write to a peer: pending there, then applied once everywhere', async () => {
    const harness = await clinic();
    const leader = await harness.electLeader();
    const full = ids.find((id) => id !== leader)!;
    await harness.scheduler.advance(500);
    harness.disk(full).setCapacityBytes(harness.disk(full).usedBytes());
    const outcome = harness.node(full).propose({ clientId: 'pharmacy', sequence: 1, text: 'dispensed amoxicillin' });
    await harness.scheduler.advance(2000);
    expect(await outcome).toEqual({ type: 'pending', heldBy: leader });
    for (const id of ids.filter((id) => id !== full)) expect(notesOf(harness, id)).withContext(id).toEqual(['dispensed amoxicillin']);
    // The full device cannot apply it yet (it cannot store the log), but shows it as pending, held by a peer.
    expect(harness.node(full).status()).toEqual(jasmine.objectContaining({ storageFailure: 'full', writesHandedOff: 1 }));
    expect(harness.node(full).pendingWrites().map((item) => item.sequence)).toEqual([1]);

    // Space is freed and the app restarts: the device catches up and holds the write once.
    harness.disk(full).setCapacityBytes(null);
    await harness.crashAndRestart(full);
    await harness.scheduler.advance(3000);
    for (const id of ids) expect(notesOf(harness, id)).withContext(id).toEqual(['dispensed amoxicillin']);
  });

  it('a full device hands over its earlier pending writes with the new one, so they still apply in save order', async () => {
    const harness = await clinic();
    const leader = await harness.electLeader();
    const device = ids.find((id) => id !== leader)!;
    harness.isolate(device);
    const first = harness.node(device).propose({ clientId: 'clinician-2', sequence: 1, text: 'diagnosis: malaria' });
    await harness.scheduler.advance(2000);
    expect(await first).toEqual({ type: 'pending' });
    harness.disk(device).setCapacityBytes(harness.disk(device).usedBytes());
    harness.heal();
    const second = harness.node(device).propose({ clientId: 'clinician-2', sequence: 2, text: 'artemether-lumefantrine prescribed' });
    await harness.scheduler.advance(3000);
    // Cut off long enough, it no longer knows a leader and asks every peer: any of them may hold it.
    const handedOff = await second;
    expect(handedOff.type).toBe('pending');
    expect(ids.filter((id) => id !== device)).toContain(handedOff.type === 'pending' ? handedOff.heldBy! : '');
    for (const id of ids.filter((id) => id !== device)) {
      expect(notesOf(harness, id)).withContext(id).toEqual(['diagnosis: malaria', 'artemether-lumefantrine prescribed']);
    }
  });

  it('a request to hold writes from a device that lies about its identity is dropped and nothing is stored', async () => {
    const harness = await clinic();
    const leader = await harness.electLeader();
    const liar = ids.find((id) => id !== leader)!;
    const before = harness.node(leader).status().droppedPeerMessages;
    const intruder = harness.network.connect('intruder');
    const write = { clientId: 'intruder', sequence: 1, command: encode({ clientId: 'intruder', sequence: 1, text: 'forged' }) };
    intruder.send(leader, encodePeerMessage({ type: 'holdWrites', from: liar, to: leader, requestId: 1, writes: [write] }));
    await harness.scheduler.advance(1000);
    expect(harness.node(leader).status().droppedPeerMessages - before).toBe(1);
    for (const id of ids) expect(notesOf(harness, id)).withContext(id).toEqual([]);
  });

  it('does not hold a write whose command carries another identity than it was sent under', async () => {
    const harness = await clinic();
    const leader = await harness.electLeader();
    const before = harness.node(leader).status().droppedPeerMessages;
    const peer = harness.network.connect('tablet-9');
    // Sent as visitor#1 but the command says visitor#2: once applied it would never be seen as this write.
    const write = { clientId: 'visitor', sequence: 1, command: encode({ clientId: 'visitor', sequence: 2, text: 'mislabelled' }) };
    peer.send(leader, encodePeerMessage({ type: 'holdWrites', from: 'tablet-9', to: leader, requestId: 1, writes: [write] }));
    await harness.scheduler.advance(1000);
    expect(harness.node(leader).status().droppedPeerMessages - before).toBe(1);
    expect(harness.node(leader).pendingWrites()).toEqual([]);
    for (const id of ids) expect(notesOf(harness, id)).withContext(id).toEqual([]);
  });

  it('drops malformed peer messages and messages whose sender lies about its identity, and keeps working', async () => {
    const harness = await clinic();
    const leader = await harness.electLeader();
    const victim = ids.find((id) => id !== leader)!;
    const liar = ids.find((id) => id !== leader && id !== victim)!;
    const before = harness.node(victim).status().droppedPeerMessages;
    const intruder = harness.network.connect('intruder');
    intruder.send(victim, new Uint8Array([0xc1, 0xff, 0x00]));
    intruder.send(victim, encode({ type: 'timeoutNow' }));
    // A message that claims to come from a clinic device, sent by another party.
    intruder.send(victim, encodePeerMessage({ type: 'timeoutNow', from: liar, to: victim, term: 99 }));
    await harness.scheduler.advance(100);
    expect(harness.node(victim).status().droppedPeerMessages - before).toBe(3);
    expect(harness.node(victim).status().term).toBeLessThan(99);
    const outcome = harness.node(victim).propose({ clientId: 'lab', sequence: 1, text: 'malaria RDT negative' });
    await harness.scheduler.advance(300);
    expect((await outcome).type).toBe('applied');
  });

  it('replicates the chart: a patient registered at the desk is found on the nurse\'s tablet', async () => {
    const harness = new ClinicHarness(ids, chartStateMachines('clinic-7'));
    await harness.start();
    const leader = await harness.electLeader();
    const desk = ids.find((id) => id !== leader)!;
    const nurse = ids.find((id) => id !== leader && id !== desk)!;
    const outcome = harness.node(desk).propose({
      clientId: 'desk-tablet',
      sequence: 1,
      recordedAt: 1_790_000_000_000,
      author: { deviceId: desk, userName: 'Grace' },
      command: registerPatient(),
    });
    await harness.scheduler.advance(300);
    const result = await outcome;
    expect(result.type === 'applied' && result.result.type).withContext(JSON.stringify(result)).toBe('applied');
    const found = (harness.node(nurse).state as ChartStateMachine).searchPatients('ami');
    expect(found.map((hit) => hit.name.family)).toEqual(['Okello']);
  });
});
