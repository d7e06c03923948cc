import { medianRange } from '../../bench/figures';

describe('medianRange', () => {
  it('shows the median of repeated trials with their least and greatest', () => {
    expect(medianRange([31, 25, 27])).toBe('27 (25–31)');
    expect(medianRange([1.5, 2.25, 1.25, 3], 2)).toBe('1.88 (1.25–3.00)');
  });

  it('says "none" for no trials rather than a number', () => {
    expect(medianRange([])).toBe('none');
  });
});
