import 'reflect-metadata';
import { Logger } from '@aws-lambda-powertools/logger';
import { Container, ContainerModule } from 'inversify';
import { realSleeper, systemClock, uuidIds } from '../../adapters/system/system-clock.js';
import { TOKENS } from './tokens.js';

/** What every root binds: the logger (from the root's own settings), the system clock, ids and sleeper. */
export const kernelModule = (logger: Logger): ContainerModule =>
  new ContainerModule(({ bind }) => {
    bind(TOKENS.Logger).toConstantValue(logger);
    bind(TOKENS.Clock).toConstantValue(systemClock);
    bind(TOKENS.Ids).toConstantValue(uuidIds);
    bind(TOKENS.Sleeper).toConstantValue(realSleeper);
  });

/**
 * A composition root: the kernel and the listed modules (features, then the ports of one
 * technology), nothing else. A port no module binds is not defaulted: resolving a handler that
 * needs it fails at init with inversify's error naming the token.
 */
export const composeRoot = (logger: Logger, ...modules: readonly ContainerModule[]): Container => {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(kernelModule(logger), ...modules);
  return container;
};

/** A Lambda's logger, from its validated settings. */
export const lambdaLogger = (c: { readonly POWERTOOLS_SERVICE_NAME: string; readonly LOG_LEVEL: string }): Logger =>
  new Logger({ serviceName: c.POWERTOOLS_SERVICE_NAME, logLevel: c.LOG_LEVEL as 'INFO' });
