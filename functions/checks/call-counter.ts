import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** DynamoDB API calls made through one client, in all and by operation (`Query`, `BatchWriteItem`…). */
export interface CallCounter {
  readonly total: number;
  readonly byOperation: Readonly<Record<string, number>>;
}

/**
 * Counts every command sent through `client` (and every DocumentClient made from it: they share its
 * middleware stack), once per command however often the SDK retries it. For the benchmark and tests,
 * which give the checks their own client; not for the shared client of a process that runs other
 * functions too, whose calls would be counted with them.
 */
export function countCalls(client: DynamoDBClient): CallCounter {
  const byOperation: Record<string, number> = {};
  const counter = {
    total: 0,
    byOperation,
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counter.total++;
      const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
      byOperation[operation] = (byOperation[operation] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'khbsCallCounter' },
  );
  return counter;
}
