import { PeerPresence } from '../../src/transport/peer-presence.js';

describe('transport: PeerPresence', () => {
  let changes: string[];
  let presence: PeerPresence;

  beforeEach(() => {
    changes = [];
    presence = new PeerPresence({ silentIntervalsMax: 2, peersMax: 2 }, (peerId, reachable) => changes.push(`${peerId} ${reachable ? 'up' : 'down'}`));
  });

  it('reports a peer once when first heard, not on every frame', () => {
    presence.heard('a');
    presence.heard('a');
    expect(changes).toEqual(['a up']);
  });

  it('reports a peer down only after more than silentIntervalsMax silent ticks', () => {
    presence.heard('a');
    presence.tick();
    presence.tick();
    expect(presence.isReachable('a')).toBeTrue();
    presence.tick();
    expect(changes).toEqual(['a up', 'a down']);
    expect(presence.isReachable('a')).toBeFalse();
  });

  it('restarts the count whenever the peer is heard', () => {
    presence.heard('a');
    for (let round = 0; round < 10; round++) {
      presence.tick();
      presence.tick();
      presence.heard('a');
    }
    expect(changes).toEqual(['a up']);
  });

  it('reports a goodbye at once, and only for a known peer', () => {
    presence.heard('a');
    presence.left('a');
    presence.left('b');
    expect(changes).toEqual(['a up', 'a down']);
  });

  it('refuses a peer past peersMax until a slot frees', () => {
    expect(presence.heard('a')).toBeTrue();
    expect(presence.heard('b')).toBeTrue();
    expect(presence.heard('c')).toBeFalse();
    presence.left('a');
    expect(presence.heard('c')).toBeTrue();
    expect(changes).toEqual(['a up', 'b up', 'a down', 'c up']);
  });

  it('forgets everyone silently on clear', () => {
    presence.heard('a');
    presence.clear();
    presence.tick();
    presence.tick();
    presence.tick();
    expect(changes).toEqual(['a up']);
    expect(presence.isReachable('a')).toBeFalse();
  });
});
