import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits before retry `attempt` (1, 2, …): exponential backoff with full jitter, a random wait up to
 * `baseMs × 2^attempt` capped at `capMs`, so that many callers retrying at once spread out (AWS's
 * advice for throttling, unprocessed batch items and lost conditional races).
 */
export function jitteredBackoff(attempt: number, baseMs: number, capMs: number): Promise<void> {
  return sleep(Math.random() * Math.min(capMs, baseMs * 2 ** attempt));
}
