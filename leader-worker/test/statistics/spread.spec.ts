import { spread } from '../../src/statistics/spread.js';

describe('statistics: spread', () => {
  it('gives the median and the range, whatever the order', () => {
    expect(spread([9, 1, 5])).toEqual({ median: 5, min: 1, max: 9 });
    expect(spread([4])).toEqual({ median: 4, min: 4, max: 4 });
  });

  it('takes the upper median of an even count, so the figure is one that was measured', () => {
    expect(spread([1, 2, 3, 10]).median).toBe(3);
  });

  it('refuses no values rather than inventing a figure', () => {
    expect(() => spread([])).toThrowError(RangeError);
  });
});
