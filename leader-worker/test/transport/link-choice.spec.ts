import { dialsUnprompted, readDialSequence, replacesKeptLink, type LinkTraits } from '../../src/transport/link-choice.js';

/** The link an end keeps after its handshakes finish in `order`, adopting each as the transport does. */
function keptAfter(order: readonly LinkTraits[]): LinkTraits {
  let kept = order[0]!;
  for (const candidate of order.slice(1)) if (replacesKeptLink(kept, candidate)) kept = candidate;
  return kept;
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

describe('transport: link choice', () => {
  const life = 'life-1';

  it('lets only the smaller id dial unprompted', () => {
    expect(dialsUnprompted('a', 'b')).toBeTrue();
    expect(dialsUnprompted('b', 'a')).toBeFalse();
  });

  it('keeps the same link at both ends when two dials by one device finish in opposite orders', () => {
    // The failure this rule fixed: b kept the first dial while a kept the second, and each took the other for silent.
    const first: LinkTraits = { remoteLife: life, dialer: 'a', dialSequence: 1 };
    const second: LinkTraits = { remoteLife: life, dialer: 'a', dialSequence: 2 };
    expect(keptAfter([first, second])).toBe(second);
    expect(keptAfter([second, first])).toBe(second);
  });

  it('keeps the link the smaller id dialed when both dialed at once, whichever finished first', () => {
    const byA: LinkTraits = { remoteLife: life, dialer: 'a', dialSequence: 7 };
    const byB: LinkTraits = { remoteLife: life, dialer: 'b', dialSequence: 1 };
    expect(keptAfter([byA, byB])).toBe(byA);
    expect(keptAfter([byB, byA])).toBe(byA);
  });

  it('chooses the same link among any set of links of the same lives, in every order', () => {
    const links: LinkTraits[] = [
      { remoteLife: life, dialer: 'a', dialSequence: 1 },
      { remoteLife: life, dialer: 'a', dialSequence: 3 },
      { remoteLife: life, dialer: 'b', dialSequence: 2 },
      { remoteLife: life, dialer: 'b', dialSequence: 5 },
    ];
    const choices = new Set(permutations(links).map(keptAfter));
    expect([...choices]).toEqual([links[1]!]);
  });

  it('never replaces a link with itself, and of two distinct links exactly one replaces the other', () => {
    const links: LinkTraits[] = [];
    for (const dialer of ['a', 'b']) for (const dialSequence of [1, 2, 3]) links.push({ remoteLife: life, dialer, dialSequence });
    for (const kept of links) {
      expect(replacesKeptLink(kept, kept)).withContext(JSON.stringify(kept)).toBeFalse();
      for (const candidate of links) {
        if (candidate === kept) continue;
        expect(replacesKeptLink(kept, candidate)).withContext(`${JSON.stringify(kept)} vs ${JSON.stringify(candidate)}`).toBe(!replacesKeptLink(candidate, kept));
      }
    }
  });

  it('takes a link of a new life over the old one, whatever dialed it', () => {
    const old: LinkTraits = { remoteLife: 'life-1', dialer: 'a', dialSequence: 9 };
    const restarted: LinkTraits = { remoteLife: 'life-2', dialer: 'b', dialSequence: 1 };
    expect(replacesKeptLink(old, restarted)).toBeTrue();
  });

  it('reads a dial sequence only from metadata it could have written', () => {
    expect(readDialSequence({ dialSequence: 4 })).toBe(4);
    expect(readDialSequence({ dialSequence: 0 })).toBe(0);
    for (const bad of [undefined, null, 4, 'x', {}, { dialSequence: -1 }, { dialSequence: 1.5 }, { dialSequence: '2' }, { dialSequence: 2 ** 60 }]) {
      expect(readDialSequence(bad)).withContext(JSON.stringify(bad) ?? 'undefined').toBeNull();
    }
  });
});
