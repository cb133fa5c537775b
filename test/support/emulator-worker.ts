import { useEmulatorEnv } from './env.ts';

// Setup file of the `integration` project: runs in the worker before each test file is imported,
// so even a module that creates its SDK clients at import time (a handler imported at the top of a
// file) talks to this worker's emulators, never to another worker's.
useEmulatorEnv();
