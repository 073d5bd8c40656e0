import { InMemoryRecommendationModelStore } from '../../src/adapters/in-memory/recommendation-model-store-adapter-in-memory.js';
import { recommendationModelStoreContract } from './recommendation-model-store.contract.js';

recommendationModelStoreContract('in-memory', async () => new InMemoryRecommendationModelStore());
