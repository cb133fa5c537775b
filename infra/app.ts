import { buildKhbsApp } from './khbs-app.ts';

/** `cdk synth` / `cdk deploy` entry (see `cdk.json`). */
const { app } = buildKhbsApp();
app.synth();
