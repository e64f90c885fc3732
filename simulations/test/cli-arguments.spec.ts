// The command line: seed lists and options, with errors as values.
import { parseCliArguments, parseSeeds } from '../src/cli-arguments.js';

describe('parseSeeds', () => {
  it('reads a number, a range and a comma list', () => {
    expect(parseSeeds('17')).toEqual([17]);
    expect(parseSeeds('1..4')).toEqual([1, 2, 3, 4]);
    expect(parseSeeds('3,9,20..22')).toEqual([3, 9, 20, 21, 22]);
  });

  it('explains what it cannot read', () => {
    expect(parseSeeds('5..2')).toContain('empty');
    expect(parseSeeds('x')).toContain('cannot read');
    expect(parseSeeds('1..2000000')).toContain('more than');
  });
});

describe('parseCliArguments', () => {
  it('reads every option', () => {
    const parsed = parseCliArguments(['--scenario', 'raft', '--seeds', '1..3', '--nodes', '3', '--faults', 'heavy', '--json', '--trace']);
    expect(parsed).toEqual({
      ok: true,
      arguments: { scenario: 'raft', seeds: [1, 2, 3], nodes: 3, faults: 'heavy', json: true, verbose: false, trace: true },
    });
  });

  it('reads --devices as the node count, and refuses it next to a different --nodes', () => {
    const parsed = parseCliArguments(['--scenario', 'clinic-day', '--devices', '3']);
    expect(parsed.ok && parsed.arguments.nodes).toBe(3);
    expect(parseCliArguments(['--devices', '3', '--nodes', '3']).ok).toBeTrue();
    expect(parseCliArguments(['--devices', '3', '--nodes', '5']).ok).toBeFalse();
  });

  it('refuses unknown options and bad node counts', () => {
    expect(parseCliArguments(['--bogus', '1']).ok).toBeFalse();
    expect(parseCliArguments(['--nodes', '0']).ok).toBeFalse();
    expect(parseCliArguments(['--seeds']).ok).toBeFalse();
  });
});
