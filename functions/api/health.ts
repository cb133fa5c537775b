import { json, publicHandler } from '#shared/http/public-handler.ts';

/** `GET /health`: public liveness probe; says nothing about data. */
export const handler = publicHandler(async () =>
  json(200, { status: 'ok', service: 'khbs-bkk', time: new Date().toISOString() }),
);
