import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A function the local Invoke API can start asynchronously. */
export type AsyncInvokeTarget = (event: unknown) => void;

export interface LocalLambdaApi {
  /** `http://127.0.0.1:<port>`: the value of `AWS_ENDPOINT_URL_LAMBDA` for the SDK. */
  readonly url: string;
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * The part of Lambda's Invoke API the functions use, on loopback: `POST
 * /2015-03-31/functions/{name}/invocations` with `X-Amz-Invocation-Type: Event` hands the payload to
 * the named function's local trigger (which queues and retries it as Lambda would) and answers 202.
 * The real `LambdaClient` talks to it through `AWS_ENDPOINT_URL_LAMBDA`, so the re-drive code is the
 * code that runs in AWS. Synchronous invocation is not offered: nothing in this service uses it.
 */
export async function startLocalLambdaApi(
  targets: Readonly<Record<string, AsyncInvokeTarget>>,
): Promise<LocalLambdaApi> {
  const server: Server = createServer((request, response) => {
    void handle(request, response, targets);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  targets: Readonly<Record<string, AsyncInvokeTarget>>,
): Promise<void> {
  const reply = (status: number, body: unknown, type?: string) => {
    response.writeHead(status, {
      'content-type': 'application/json',
      ...(type ? { 'x-amzn-errortype': type } : {}),
    });
    response.end(JSON.stringify(body));
  };
  const match = INVOKE_PATH.exec(request.url?.split('?')[0] ?? '');
  if (request.method !== 'POST' || !match?.[1])
    return reply(404, { message: 'Not found' }, 'ResourceNotFoundException');
  const name = decodeURIComponent(match[1]).split(':').at(-1) ?? '';
  const target = targets[name];
  if (!target) return reply(404, { Message: `Function not found: ${name}` }, 'ResourceNotFoundException');
  if (request.headers['x-amz-invocation-type'] !== 'Event') {
    return reply(
      400,
      { Message: 'Only asynchronous (Event) invocation is offered locally' },
      'InvalidParameterValueException',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    return reply(400, { Message: 'Payload is not JSON' }, 'InvalidRequestContentException');
  }
  try {
    target(payload);
  } catch (error) {
    return reply(500, { Message: (error as Error).message }, 'ServiceException');
  }
  response.writeHead(202);
  response.end();
}
