// Finding and reading channelguard.yaml: --config FILE, else CHANNELGUARD_CONFIG, else
// ./channelguard.yaml when it exists, else defaults only. I/O lives here; resolve.ts is pure.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, isMap, isSeq, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../errors.ts';
import { parseConfigFile, resolveConfig } from './resolve.ts';
import { CONFIG_FILE_NAME, type ChannelguardConfig } from './schema.ts';

export interface LoadConfigOptions {
  /** --config FILE (relative to cwd) */
  file?: string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Reads, validates and resolves the configuration; throws ConfigError naming file, line and key. */
export async function loadConfig(options: LoadConfigOptions): Promise<ChannelguardConfig> {
  const explicit = options.file ?? nonEmpty(options.env['CHANNELGUARD_CONFIG']);
  const file = resolve(options.cwd, explicit ?? CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing && explicit === undefined) return resolveConfig({}, { env: options.env, cwd: options.cwd });
    const how = options.file !== undefined ? '--config' : 'CHANNELGUARD_CONFIG';
    throw new ConfigError(
      `${file}: cannot read the config file (${how}): ${missing ? 'no such file' : (err as Error).message}`,
      how,
      { cause: err },
    );
  }
  const { doc, lineOf } = parseYaml(text, file);
  const parsed = parseConfigFile(doc, { file, lineOf });
  return resolveConfig(parsed, { env: options.env, cwd: options.cwd, file, lineOf });
}

/** Parses YAML keeping positions, so a bad key is reported with its line. */
export function parseYaml(
  text: string,
  file: string,
): { doc: unknown; lineOf: (path: readonly PropertyKey[]) => number | undefined } {
  const lineCounter = new LineCounter();
  const document: Document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const err = document.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line;
    throw new ConfigError(
      `${file}${line ? `:${line}` : ''}: not valid YAML: ${err.message.split('\n')[0]}`,
      undefined,
      {
        cause: err,
      },
    );
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    // the key's own position: walk to the parent map and find the pair
    let node: unknown = document.contents;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => String((p.key as { value?: unknown } | null)?.value) === String(seg),
        );
        if (!pair) return undefined;
        if (i === path.length - 1) {
          const range = (pair.key as { range?: [number, number, number] } | null)?.range;
          return range ? lineCounter.linePos(range[0]).line : undefined;
        }
        node = pair.value;
      } else if (isSeq(node)) {
        node = node.items[Number(seg)];
      } else return undefined;
    }
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  return { doc: document.toJS() as unknown, lineOf };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
