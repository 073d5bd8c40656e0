import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ResourceInUseException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';

/** Creates a Kinesis stream (if missing) and waits until it is ACTIVE: CDK's job in AWS, done here for emulators and tests. */
export const ensureStream = async (client: KinesisClient, streamName: string, shardCount: number): Promise<void> => {
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 400; attempt++) {
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Kinesis stream ${streamName} did not become ACTIVE; check the Kinesis endpoint`);
};
