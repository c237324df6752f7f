/**
 * @module soc/pipelines/engine/compile
 * Loads a pipeline's YAML and compiles it once into closures. The YAML:
 *   id: nginx                # [a-z0-9][a-z0-9._-]*
 *   name: Nginx access and error logs
 *   description: …           # optional
 *   priority: 100            # optional: higher is tried first when choosing by match
 *   match: { … }             # optional condition over the raw event (see condition.ts)
 *   processors: [ { <type>: { <options>, if?, on_failure?, ignore_failure?, tag? } }, … ]
 *   on_failure: [ … ]        # optional: runs when a processor fails; otherwise the event is tagged _parse_error
 * An unknown processor or option, a pattern that does not compile, a bad value: a PipelineSourceError with
 * the line and column.
 */

import { YAMLMap } from 'yaml';
import { type Condition, compileCondition } from './condition.ts';
import { fieldProcessors } from './processors-fields.ts';
import { parseProcessors } from './processors-parse.ts';
import {
  type CompiledPipeline,
  type CompileEnv,
  failureMessage,
  type GeoLookup,
  type ProcessorCompiler,
  type RunCtx,
  type Step,
  StepFailure,
} from './types.ts';
import { isSeq, MapReader, type Node, parseSource } from './yaml-reader.ts';

const processors: Record<string, ProcessorCompiler> = { ...parseProcessors, ...fieldProcessors };

/** Names of every processor, for the editor and messages. */
export const processorNames = Object.keys(processors).sort();

/** A pipeline id: lower-case letters, digits, `.`, `_`, `-`. */
export const PIPELINE_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * A compiled processor as the run loop sees it: its condition, its work, and what happens when it fails.
 * Kept as plain records run by one loop (not closures wrapping closures): the hot path makes one call per
 * processor that applies.
 */
interface Proc {
  readonly cond: Condition | null;
  readonly exec: Step;
  /** `type` or `type [tag]`, put in front of a failure's message. */
  readonly label: string;
  readonly onFailure: readonly Proc[] | null;
  readonly ignoreFailure: boolean;
}

function compileSteps(node: Node | undefined, env: CompileEnv, what: string): Proc[] {
  if (node === undefined) return [];
  if (!isSeq(node)) throw env.source.error(node, `${what} must be a list of processors`);
  return node.items.map((item) => compileProcessor(item as Node, env));
}

function runSteps(procs: readonly Proc[], doc: Record<string, unknown>, run: RunCtx): void {
  const raw = run.raw;
  for (let i = 0; i < procs.length; i++) {
    const p = procs[i] as Proc;
    if (p.cond !== null && !p.cond(doc, raw)) continue;
    try {
      p.exec(doc, run);
    } catch (err) {
      if (p.onFailure !== null) {
        run.lastError = `${p.label}: ${failureMessage(err)}`;
        runSteps(p.onFailure, doc, run);
      } else if (!p.ignoreFailure) {
        // The processor's name goes with the message so an operator knows which step failed.
        throw new StepFailure(`${p.label}: ${failureMessage(err)}`);
      }
    }
    if (run.dropped) return;
  }
}

function compileProcessor(node: Node, env: CompileEnv): Proc {
  const outer = MapReader.of(node, env.source, 'processor');
  const keys = outer.keys();
  if (keys.length !== 1) {
    throw env.source.error(node, 'a processor is a mapping with one key, its type (for example "grok:")');
  }
  const type = keys[0] as string;
  const compiler = processors[type];
  if (!compiler) {
    throw env.source.error(
      outer.keyNode(type),
      `unknown processor "${type}" (known: ${processorNames.join(', ')})`,
    );
  }
  const optionsNode = outer.node_(type);
  // `drop:` alone (no options) is allowed; every other processor needs its mapping.
  const r =
    optionsNode === undefined || (optionsNode as { value?: unknown }).value === null
      ? MapReader.of(emptyMap(node), env.source, `processor ${type}`)
      : MapReader.of(optionsNode, env.source, `processor ${type}`);
  const cond = r.has('if') ? compileCondition(r.node_('if'), env.source) : null;
  const onFailure = r.has('on_failure')
    ? compileSteps(r.node_('on_failure'), env, `${type}: on_failure`)
    : null;
  const ignoreFailure = r.bool('ignore_failure', false);
  const tag = r.str('tag');
  const exec = compiler(r, env);
  r.done();
  return { cond, exec, label: tag ? `${type} [${tag}]` : type, onFailure, ignoreFailure };
}

/** A stand-in empty mapping for `drop:` written without options (positions still point at the processor). */
function emptyMap(at: Node): Node {
  const m = new YAMLMap();
  m.range = at.range;
  return m;
}

/** A loaded pipeline: its compiled form and what the list shows. */
export interface LoadedPipeline extends CompiledPipeline {
  /** Count of top-level processors. */
  readonly processorCount: number;
}

/** What loading needs: a GeoIP lookup (or null) and how to find other pipelines at run time. */
export interface LoadEnv {
  geoip: GeoLookup | null;
  pipeline: CompileEnv['pipeline'];
}

/** Parses and compiles a pipeline source; throws PipelineSourceError with the position of the problem. */
export function loadPipeline(text: string, env: LoadEnv): LoadedPipeline {
  const { root, source } = parseSource(text);
  const r = MapReader.of(root, source, 'pipeline');
  const id = r.str('id', true);
  if (!PIPELINE_ID.test(id))
    throw r.error('id', 'id: lower-case letters, digits, ".", "_" and "-" (at most 64)');
  const name = r.str('name', true).normalize('NFC');
  const description = (r.str('description') ?? '').normalize('NFC');
  const priority = r.int('priority', 50, -1000, 1000);
  const match = r.has('match') ? compileCondition(r.node_('match'), source) : null;
  const cenv: CompileEnv = { source, geoip: env.geoip, pipeline: env.pipeline };
  if (!r.has('processors')) throw r.error(null, 'pipeline: "processors" is required');
  const steps = compileSteps(r.node_('processors'), cenv, 'processors');
  const onFailure = r.has('on_failure') ? compileSteps(r.node_('on_failure'), cenv, 'on_failure') : null;
  r.done();
  const run = onFailure
    ? (doc: Record<string, unknown>, ctx: RunCtx) => {
        try {
          runSteps(steps, doc, ctx);
        } catch (err) {
          ctx.lastError = failureMessage(err);
          runSteps(onFailure, doc, ctx);
        }
      }
    : (doc: Record<string, unknown>, ctx: RunCtx) => runSteps(steps, doc, ctx);
  return { id, name, description, priority, match, run, processorCount: steps.length };
}
