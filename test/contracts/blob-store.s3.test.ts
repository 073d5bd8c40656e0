import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { beforeAll } from 'vitest';
import { S3BlobStore } from '../../src/adapters/s3/blob-store-adapter-s3.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { blobStoreContract } from './blob-store.contract.js';

const { s3 } = emulatorClients();
const bucket = uniqueName('blobs');
beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

let n = 0;
// A fresh prefix per test keeps tests apart in the shared bucket.
blobStoreContract('S3 (fauxqs)', () => new S3BlobStore(s3, bucket, { prefix: `t${++n}/` }));
