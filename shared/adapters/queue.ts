import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsClient } from './clients.ts';

/** SQS behind one call: send a JSON message (validated by the caller's schema before it gets here). */
export class MessageQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = sqsClient,
  ) {}

  async send(message: object): Promise<string | undefined> {
    const out = await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }),
    );
    return out.MessageId;
  }
}
