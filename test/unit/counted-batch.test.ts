import { describe, expect, it } from 'vitest';
import { CountedBatch, type CountedMove } from '#shared/adapters/dashboard-repo.ts';

/** A repo whose commits take a while and can be told to lose some moves once. */
function slowRepo(options: { lose?: Set<string> } = {}) {
  const commits: string[][] = [];
  let running = 0;
  let overlapped = false;
  return {
    commits,
    overlapped: () => overlapped,
    async commit<T>(moves: readonly CountedMove<T>[]) {
      running++;
      if (running > 1) overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      const lost = moves.filter((move) => options.lose?.delete(move.key));
      const committed = moves.filter((move) => !lost.includes(move));
      commits.push(committed.map((move) => move.key));
      return { committed, lost };
    },
  };
}

const move = (key: string): CountedMove<string> => ({
  key,
  items: [],
  tahapId: '2026-1',
  desaCode: '62.03.01.2001',
  delta: { foodDelivered: 1 },
  payload: key,
});

describe('a counted batch added to by rows judged at once', () => {
  it('commits every move exactly once, one flush at a time, even when rows add while a flush runs', async () => {
    const repo = slowRepo();
    const batch = new CountedBatch<string>(repo, { size: 3, redo: async () => undefined });
    const keys = Array.from({ length: 20 }, (_, index) => `KK${index}`);
    await Promise.all(keys.map((key) => batch.add(move(key))));
    await batch.flush();
    expect(repo.commits.flat().sort()).toEqual([...keys].sort());
    expect(repo.overlapped()).toBe(false);
  });

  it('holds a move while it is being committed, so a later row of that family waits for it', async () => {
    const repo = slowRepo();
    const batch = new CountedBatch<string>(repo, { size: 100, redo: async () => undefined });
    await batch.add(move('KK1'));
    const flushing = batch.flush();
    expect(batch.holds('KK1')).toBe(true);
    await flushing;
    expect(batch.holds('KK1')).toBe(false);
  });

  it('hands a lost move to redo and commits what redo decides', async () => {
    const repo = slowRepo({ lose: new Set(['KK2']) });
    const redone: string[] = [];
    const batch = new CountedBatch<string>(repo, {
      size: 100,
      redo: async (lost) => {
        redone.push(lost.key);
        return move(lost.key);
      },
    });
    for (const key of ['KK1', 'KK2', 'KK3']) await batch.add(move(key));
    await batch.flush();
    expect(redone).toEqual(['KK2']);
    expect(repo.commits).toEqual([['KK1', 'KK3'], ['KK2']]);
  });
});
