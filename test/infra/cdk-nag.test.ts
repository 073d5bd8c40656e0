import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { placeholderCode } from '../../infra/lambda-code.js';
import { StampedeStack, type StampedeStackProps } from '../../infra/stampede.stack.js';
import { CDK_CONTEXT } from './synth.js';

interface Report {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

/**
 * cdk-nag's AwsSolutions and Serverless packs over the synthesized stack. Findings the stack
 * accepts are acknowledged with a reason in infra/nag-acknowledgements.ts; any other finding,
 * error or warning, fails here (synth throws on errors; warnings only reach the report).
 */
const nag = (props: Partial<StampedeStackProps> = {}, addToStack?: (stack: StampedeStack) => void): string[] => {
  const outdir = mkdtempSync(join(tmpdir(), 'stampede-nag-'));
  try {
    const app = new App({ context: CDK_CONTEXT, outdir, builtinCloudFormationValidation: false });
    const stack = new StampedeStack(app, 'Nag', { code: placeholderCode, ...props });
    addToStack?.(stack);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    try {
      app.synth();
    } catch (error) {
      if (!String(error).includes('ValidationFailed')) throw error;
    }
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
    return report.pluginReports.flatMap((p) =>
      p.violations.flatMap((v) =>
        v.violatingConstructs.map((c) => `${v.severity} ${v.ruleName} at ${c.constructPath}`),
      ),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

describe('cdk-nag (AwsSolutions + Serverless)', { timeout: 180_000 }, () => {
  it('the default stack has no finding that is not acknowledged with a reason', () => {
    expect(nag()).toEqual([]);
  });

  it('with identity configured, neither', () => {
    expect(nag({ identity: { issuerUrl: 'https://issuer.example.com/', audience: 'stampede' } })).toEqual([]);
  });

  it('a new unacknowledged finding fails (a topic that allows plain HTTP, added to the stack)', () => {
    const findings = nag({}, (stack) => new sns.Topic(stack, 'Unencrypted', { enforceSSL: false }));
    expect(findings).toEqual(
      expect.arrayContaining([expect.stringMatching(/AwsSolutions-SNS3 at Nag\/Unencrypted\//)]),
    );
  });
});
