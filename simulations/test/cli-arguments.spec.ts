// The command line: seed lists and options, with errors as values; scenarios by name; the wall-clock figures.
import { parseCliArguments, parseSeeds } from '../src/cli-arguments.js';
import { wallClockFigures } from '../src/report.js';
import { findScenario } from '../src/scenario-registry.js';

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
    const parsed = parseCliArguments(['--scenario', 'raft', '--seeds', '1..3', '--nodes', '3', '--faults', 'heavy', '--json', '--trace', '--clinics', '2', '--voter-policy', 'on']);
    expect(parsed).toEqual({
      ok: true,
      arguments: { scenario: 'raft', seeds: [1, 2, 3], nodes: 3, faults: 'heavy', json: true, verbose: false, trace: true, clinics: 2, voterPolicy: true },
    });
    expect(parseCliArguments([]).ok && parseCliArguments([])).toEqual(jasmine.objectContaining({ arguments: jasmine.objectContaining({ voterPolicy: false }) }));
    expect(parseCliArguments(['--voter-policy', 'yes'])).toEqual({ ok: false, error: "--voter-policy must be on or off, got 'yes'" });
    expect(parseCliArguments(['--clinics', '9'])).withContext('past clinicsPerRunMax').toEqual(jasmine.objectContaining({ ok: false }));
  });

  it('reads --devices as the node count, and refuses it next to a different --nodes', () => {
    const parsed = parseCliArguments(['--scenario', 'clinic-session', '--devices', '3']);
    expect(parsed.ok && parsed.arguments.nodes).toBe(3);
    expect(parseCliArguments(['--devices', '3', '--nodes', '3']).ok).toBeTrue();
    expect(parseCliArguments(['--devices', '3', '--nodes', '5']).ok).toBeFalse();
  });

  it('finds the clinic scenario by its name and by its former name, clinic-day', () => {
    expect(findScenario('clinic-session')?.name).toBe('clinic-session');
    expect(findScenario('clinic-day')).toBe(findScenario('clinic-session'));
    expect(findScenario('clinic-week')).toBeUndefined();
  });

  it('refuses unknown options and bad node counts', () => {
    expect(parseCliArguments(['--bogus', '1']).ok).toBeFalse();
    expect(parseCliArguments(['--nodes', '0']).ok).toBeFalse();
    expect(parseCliArguments(['--seeds']).ok).toBeFalse();
  });
});

describe('wallClockFigures', () => {
  it('says how many times faster than real time the virtual clock ran', () => {
    expect(wallClockFigures(7_200_000, 20_000)).toEqual({ wallClockMs: 20_000, virtualHours: 2, virtualToWallClockRatio: 360 });
  });

  it('has no ratio for a run that took no measurable time', () => {
    expect(wallClockFigures(1_000, 0).virtualToWallClockRatio).toBeNull();
  });
});
