import { describe, expect, it } from 'vitest';
import { mapInOrder } from '#shared/in-order.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapInOrder', () => {
  it('keeps the items order whatever order the calls end in, and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapInOrder([30, 5, 20, 1, 10, 2, 15], 3, async (ms, index) => {
      running++;
      most = Math.max(most, running);
      await tick(ms);
      running--;
      return `${index}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10', '5:2', '6:15']);
    expect(most).toBe(3);
  });

  it('starts the next call as soon as one ends (a window, not fixed slices)', async () => {
    const started: number[] = [];
    const began = Date.now();
    await mapInOrder([60, 5, 5, 5], 2, async (ms, index) => {
      started[index] = Date.now() - began;
      await tick(ms);
    });
    // Items 2 and 3 start while item 0 is still running.
    expect(started[3]).toBeLessThan(40);
  });

  it('rejects with the first failure, after the calls in flight have settled, and starts no more', async () => {
    const calls: number[] = [];
    let settled = 0;
    await expect(
      mapInOrder([1, 2, 3, 4, 5, 6], 2, async (item) => {
        calls.push(item);
        await tick(item === 2 ? 1 : 10);
        settled++;
        if (item === 2) throw new Error('two failed');
        return item;
      }),
    ).rejects.toThrow('two failed');
    expect(settled).toBe(calls.length);
    expect(calls.length).toBeLessThan(6);
  });

  it('refuses a limit below 1 and returns nothing for no items', async () => {
    await expect(mapInOrder([1], 0, async (item) => item)).rejects.toThrow('bad limit');
    expect(await mapInOrder([], 4, async (item) => item)).toEqual([]);
  });
});
