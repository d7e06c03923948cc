import { formatChange, medianInterval, pairedRatios, pairedSchedule, ratioOfRatios, twinRatios, twinSchedule } from '../../bench/paired';

describe('the paired benchmark arithmetic', () => {
  describe('pairedSchedule', () => {
    it('puts "off" before, between and after the others, each cycle holding each other configuration once', () => {
      let state = 0;
      const random = () => (state = (state + 0.37) % 1);
      const blocks = pairedSchedule('off', ['a', 'b'], 3, random);
      expect(blocks).toHaveLength(1 + 3 * 2 * 2);
      expect(blocks.filter((_, index) => index % 2 === 0).every((config) => config === 'off')).toBe(true);
      for (let cycle = 0; cycle < 3; cycle++) {
        expect([blocks[1 + cycle * 4], blocks[3 + cycle * 4]].sort()).toEqual(['a', 'b']);
      }
    });

    it('draws the order of each cycle from the random source', () => {
      expect(pairedSchedule('off', ['a', 'b'], 1, () => 0.99)).toEqual(['off', 'a', 'off', 'b', 'off']);
      expect(pairedSchedule('off', ['a', 'b'], 1, () => 0)).toEqual(['off', 'b', 'off', 'a', 'off']);
    });
  });

  describe('pairedRatios', () => {
    it('sets each block against the mean of the "off" blocks on either side, so a linear drift cancels', () => {
      // The machine slows by 10 a block; "a" costs 5%, "b" 10%.
      const base = (index: number) => 1000 - 10 * index;
      const configs = ['off', 'a', 'off', 'b', 'off', 'b', 'off', 'a', 'off'];
      const cost: Record<string, number> = { off: 1, a: 0.95, b: 0.9 };
      const blocks = configs.map((config, index) => ({ config, value: base(index) * cost[config]! }));
      const ratios = pairedRatios(blocks, 'off');
      expect(ratios.get('a')!.map((ratio) => ratio.toFixed(6))).toEqual(['0.950000', '0.950000']);
      expect(ratios.get('b')!.map((ratio) => ratio.toFixed(6))).toEqual(['0.900000', '0.900000']);
      expect(ratios.has('off')).toBe(false);
    });

    it('uses the one neighbour there is at an end, and skips a block with none', () => {
      expect(
        pairedRatios(
          [
            { config: 'a', value: 90 },
            { config: 'off', value: 100 },
          ],
          'off',
        ).get('a'),
      ).toEqual([0.9]);
      expect(pairedRatios([{ config: 'a', value: 90 }], 'off').size).toBe(0);
    });
  });

  describe('twinSchedule', () => {
    it('holds every configuration once a cycle, as two blocks: twin 0 on, then twin 1 on', () => {
      let state = 0;
      const random = () => (state = (state + 0.37) % 1);
      const blocks = twinSchedule(['off', 'a', 'b'], 4, random);
      expect(blocks).toHaveLength(4 * 3 * 2);
      for (let cycle = 0; cycle < 4; cycle++) {
        const own = blocks.slice(cycle * 6, cycle * 6 + 6);
        expect(own.map((block) => block.on)).toEqual([0, 1, 0, 1, 0, 1]);
        expect(own.filter((_, index) => index % 2 === 1).every((block, index) => block.config === own[index * 2]!.config)).toBe(true);
        expect(own.map((block) => block.config).sort()).toEqual(['a', 'a', 'b', 'b', 'off', 'off']);
      }
    });

    it('draws the order of each cycle from the random source', () => {
      expect(twinSchedule(['off', 'a'], 1, () => 0.99).map((block) => block.config)).toEqual(['off', 'off', 'a', 'a']);
      expect(twinSchedule(['off', 'a'], 1, () => 0).map((block) => block.config)).toEqual(['a', 'a', 'off', 'off']);
    });
  });

  describe('twinRatios', () => {
    it('sets the twin that ran the configuration over the other, so a steady difference between the twins cancels over a swapped pair', () => {
      // Twin 1 needs 4% more than twin 0 whatever it runs; "a" costs 5%.
      const values = (config: string, on: 0 | 1): [number, number] => {
        const cost = config === 'a' ? 1.05 : 1;
        return on === 0 ? [100 * cost, 104] : [100, 104 * cost];
      };
      const blocks = twinSchedule(['off', 'a'], 2, () => 0.5).map((block) => ({ ...block, values: values(block.config, block.on) }));
      const ratios = twinRatios(blocks);
      expect(ratios.get('a')!.map((ratio) => ratio.toFixed(4))).toEqual(['1.0096', '1.0920', '1.0096', '1.0920']);
      const [low, high] = ratios.get('a')!;
      expect(Math.sqrt(low! * high!).toFixed(6)).toBe('1.050000');
      expect(ratios.get('off')!.map((ratio) => ratio.toFixed(4))).toEqual(['0.9615', '1.0400', '0.9615', '1.0400']);
    });
  });

  it('ratioOfRatios divides pairwise, up to the shorter list', () => {
    expect(ratioOfRatios([0.9, 0.8, 0.7], [0.95, 0.8])).toEqual([0.9 / 0.95, 1]);
  });

  describe('medianInterval', () => {
    it('gives the sign-test interval: for 12 values the 3rd and 10th, covering 96.1%', () => {
      // Binomial(12, ½): P(B ≤ 2) = 79/4096, so 1 − 2·79/4096; P(B ≤ 3) = 299/4096 would cover only 85.4%.
      const values = [12, 3, 7, 1, 9, 11, 5, 2, 10, 4, 8, 6];
      expect(medianInterval(values)).toEqual({ median: 6.5, low: 3, high: 10, coverage: 1 - (2 * 79) / 4096, n: 12 });
    });

    it('narrows as the sample grows and widens as the confidence asked rises', () => {
      const values = Array.from({ length: 40 }, (_, index) => index + 1);
      const at95 = medianInterval(values);
      expect(at95.coverage).toBeGreaterThanOrEqual(0.95);
      expect([at95.low, at95.high]).toEqual([14, 27]);
      const at99 = medianInterval(values, 0.99);
      expect(at99.low).toBeLessThan(at95.low);
      expect(at99.high).toBeGreaterThan(at95.high);
    });

    it('says when too few values allow the confidence asked: 5 give the whole range at 93.75%', () => {
      expect(medianInterval([5, 1, 4, 2, 3])).toEqual({ median: 3, low: 1, high: 5, coverage: 1 - 2 / 32, n: 5 });
      expect(medianInterval([]).n).toBe(0);
    });
  });

  it('formatChange shows a ratio interval as percentages', () => {
    expect(formatChange({ median: 0.969, low: 0.95, high: 1.012, coverage: 0.961, n: 12 })).toBe('−3.1% (96% interval −5.0% to +1.2%, n 12)');
  });
});
