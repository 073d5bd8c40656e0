import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { awsErrorName } from '../aws-shared/backoff.js';

/** Creates a bucket if missing: CDK's job in AWS, done here for the emulator runtime and tests. */
export const ensureBucket = async (client: S3Client, bucket: string): Promise<void> => {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(awsErrorName(error))) throw error;
  }
};
