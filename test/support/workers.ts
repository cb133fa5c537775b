/**
 * Test files run two at a time (the machines have two cores): the pool's `maxWorkers` for every
 * project, and the number of emulator sets the integration project starts (one per worker).
 */
export const TEST_WORKERS = 2;
