import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { placeholderCode } from '../../infra/lambda-code.js';
import { StampedeStack, type StampedeStackProps } from '../../infra/stampede.stack.js';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: unknown;
}

export interface Synthesized {
  readonly stack: StampedeStack;
  readonly template: Template;
  readonly json: { Resources: Record<string, CfnResource>; Outputs?: Record<string, unknown> };
}

/**
 * Synthesizes the stack with placeholder code (the bundles are the build tests' business).
 * The built-in CloudFormation validation (a WASM linter, ~8 s) is off here; one test runs it.
 */
/** cdk.json's context (feature flags): the template under test is the one `cdk synth` makes. */
export const CDK_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }
).context;

export const synthesize = (
  props: Partial<StampedeStackProps> = {},
  builtinCloudFormationValidation = false,
): Synthesized => {
  // An explicit cloud assembly directory, removed once the template is read (without one the CDK
  // leaves a `cdk.out*` directory in the system's temp folder per synthesis).
  const outdir = mkdtempSync(join(tmpdir(), 'stampede-synth-'));
  try {
    const app = new App({ builtinCloudFormationValidation, context: CDK_CONTEXT, outdir });
    const stack = new StampedeStack(app, 'Test', { code: placeholderCode, ...props });
    const template = Template.fromStack(stack);
    return { stack, template, json: template.toJSON() as Synthesized['json'] };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

export const resourcesOf = (s: Synthesized, type: string): [string, CfnResource][] =>
  Object.entries(s.json.Resources).filter(([, r]) => r.Type === type);

/** The logical id a `{ Ref }` or `{ Fn::GetAtt: [id, …] }` points to. */
export const refId = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return v.Ref ?? v['Fn::GetAtt']?.[0];
};

/** The function whose Description is "Stampede <name>". */
export const functionNamed = (s: Synthesized, name: string): [string, Record<string, unknown>] => {
  const found = resourcesOf(s, 'AWS::Lambda::Function').find(
    ([, r]) => r.Properties?.['Description'] === `Stampede ${name}`,
  );
  if (found === undefined) throw new Error(`no function ${name} in the template`);
  return [found[0], found[1].Properties ?? {}];
};

/** The event source mapping(s) of a function. */
export const mappingsOf = (s: Synthesized, functionId: string): Record<string, unknown>[] =>
  resourcesOf(s, 'AWS::Lambda::EventSourceMapping')
    .map(([, r]) => r.Properties ?? {})
    .filter((p) => refId(p['FunctionName']) === functionId);
