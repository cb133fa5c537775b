import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { dynamoClient } from '../adapters/clients/dynamodb.ts';
import { env } from '../config/env.ts';
import { BadRequestError, ConflictError } from '../errors.ts';
import type { ApiResult } from './public-handler.ts';

/**
 * `Idempotency-Key` on POST routes (interfaces.md §3): the same key from the same person on the same
 * route gets the same answer, and the action runs once. Powertools Idempotency keeps the records in
 * the main table (static partition `IDEMPOTENCY`, TTL 24 h); a key reused with a different body is
 * refused. Only successful answers are kept: a refused request may be retried with the same key.
 */
const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;

interface IdempotentCall {
  /** caller + route + path + the client's key: what makes two requests "the same". */
  readonly key: string;
  /** The body, to refuse one key reused for a different request. */
  readonly body: string;
}

let runner: ((call: IdempotentCall, action: () => Promise<ApiResult>) => Promise<ApiResult>) | undefined;
let config: IdempotencyConfig | undefined;

function idempotentRunner() {
  if (runner) return runner;
  config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: 24 * 3600,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: env().tableName,
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    staticPkValue: 'IDEMPOTENCY',
    expiryAttr: 'expiresAt',
    awsSdkV3Client: dynamoClient,
  });
  const wrapped = makeIdempotent(
    async (_call: IdempotentCall, action: () => Promise<ApiResult>): Promise<ApiResult> => action(),
    { persistenceStore, config, dataIndexArgument: 0 },
  );
  runner = wrapped;
  return wrapped;
}

/**
 * Runs `action` once per idempotency key. Without a key the action simply runs: state conditions
 * still stop a repeated request from acting twice, it just gets a 409 instead of the first answer.
 */
export async function withIdempotencyKey(
  headerValue: string | undefined,
  scope: { sub: string; routeKey: string; path: string; body: string | undefined },
  context: Context,
  action: () => Promise<ApiResult>,
): Promise<ApiResult> {
  if (headerValue === undefined) return action();
  if (!KEY_PATTERN.test(headerValue)) {
    throw new BadRequestError(
      'Header Idempotency-Key harus 8–128 karakter huruf, angka, titik, titik dua, _ atau -.',
    );
  }
  const run = idempotentRunner();
  config?.registerLambdaContext(context);
  try {
    return await run(
      { key: `${scope.sub}|${scope.routeKey}|${scope.path}|${headerValue}`, body: scope.body ?? '' },
      action,
    );
  } catch (error) {
    if (error instanceof IdempotencyValidationError) {
      throw new ConflictError('Idempotency-Key ini sudah dipakai untuk permintaan dengan isi yang berbeda.');
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new ConflictError(
        'Permintaan dengan Idempotency-Key ini sedang diproses. Coba lagi sebentar lagi.',
      );
    }
    throw error;
  }
}
