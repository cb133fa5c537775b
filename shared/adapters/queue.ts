import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsClient } from './clients/sqs.ts';

/** The message attribute that names a message's outbox item (`shared/adapters/outbox.ts`). */
export const OUTBOX_ID_ATTRIBUTE = 'outboxId';

/** SQS behind one call: send a JSON message (validated by the caller's schema before it gets here). */
export class MessageQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = sqsClient,
  ) {}

  /** Sends `message` as JSON; `outboxId` names the outbox item it comes from (a message attribute). */
  async send(message: object, outboxId?: string): Promise<string | undefined> {
    const out = await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        ...(outboxId
          ? { MessageAttributes: { [OUTBOX_ID_ATTRIBUTE]: { DataType: 'String', StringValue: outboxId } } }
          : {}),
      }),
    );
    return out.MessageId;
  }
}
