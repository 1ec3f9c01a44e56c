// Streams a GLEIF golden-copy file in any of its renderings (XML, JSON, CSV) to model statements.
import { createReadStream } from 'node:fs';
import { CsvError, parse as parseCsv } from 'csv-parse';
import { InputError } from '../errors.ts';
import type { IngestItem, SourceRef } from '../model/types.ts';
import { mapGleifRecord, type GleifPeriod, type GleifRecord } from './gleif-map.ts';
import { RECORD_ELEMENTS, localName, nodeFromJson, recordFromNode } from './gleif-node.ts';
import { gleifXmlRecords } from './gleif-xml.ts';
import { issueItem } from './issues.ts';
import { firstChar, jsonArrayRecords, unreadable } from './json-stream.ts';

export type GleifRendering = 'xml' | 'json' | 'csv';

function fromRecord(rec: GleifRecord | { missing: string }, source: SourceRef): IngestItem[] {
  if ('missing' in rec)
    return [issueItem(source, `GLEIF record without ${rec.missing}`, { field: rec.missing })];
  return mapGleifRecord(rec, source);
}

async function* readXml(file: string): AsyncGenerator<IngestItem> {
  for await (const { node, line, contentDate } of gleifXmlRecords(file)) {
    yield* fromRecord(recordFromNode(node, contentDate), { file, line });
  }
}

/** The record element a JSON record stands for, from its members. */
function jsonElement(value: Record<string, unknown>): { name: string; body: unknown } | undefined {
  const keys = Object.keys(value).map(localName);
  if (keys.length === 1 && RECORD_ELEMENTS.has(keys[0]!))
    return { name: keys[0]!, body: Object.values(value)[0] };
  if (keys.includes('Relationship')) return { name: 'RelationshipRecord', body: value };
  if (keys.includes('ExceptionCategory')) return { name: 'Exception', body: value };
  if (keys.includes('LEI') || keys.includes('Entity')) return { name: 'LEIRecord', body: value };
  return undefined;
}

async function* readJson(file: string): AsyncGenerator<IngestItem> {
  for await (const rec of jsonArrayRecords(file)) {
    const source = { file, line: rec.line };
    let value: unknown;
    try {
      value = JSON.parse(rec.text);
    } catch (err) {
      yield issueItem(source, `not valid JSON: ${(err as Error).message}`);
      continue;
    }
    const element =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? jsonElement(value as Record<string, unknown>)
        : undefined;
    if (element === undefined) {
      yield issueItem(source, 'not a GLEIF LEI, relationship or reporting exception record');
      continue;
    }
    yield* fromRecord(recordFromNode(nodeFromJson(element.name, element.body)[0]!), source);
  }
}

type Row = Record<string, string>;

const cell = (row: Row, ...names: string[]): string | undefined => {
  for (const n of names) {
    const v = row[n]?.trim();
    if (v) return v;
  }
  return undefined;
};

function numbered(row: Row, prefix: string, suffix = ''): string[] {
  const out: string[] = [];
  for (let i = 1; ; i++) {
    const key = `${prefix}.${i}${suffix}`;
    if (!(key in row)) return out;
    const v = row[key]?.trim();
    if (v) out.push(v);
  }
}

type CsvKind = 'lei' | 'relationship' | 'exception';

function csvKind(header: string[]): CsvKind | undefined {
  if (header.includes('Relationship.StartNode.NodeID')) return 'relationship';
  if (header.includes('Exception.Category') || header.includes('ExceptionCategory')) return 'exception';
  if (header.includes('LEI') && header.includes('Entity.LegalName')) return 'lei';
  return undefined;
}

function optional<T extends object>(base: T, extra: Record<string, string | undefined>): T {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (base as Record<string, unknown>)[k] = v;
  return base;
}

function csvRecord(kind: CsvKind, row: Row): GleifRecord | { missing: string } {
  if (kind === 'lei') {
    const lei = cell(row, 'LEI');
    if (lei === undefined) return { missing: 'LEI' };
    const addr = (p: string) =>
      optional({}, { country: cell(row, `${p}.Country`), region: cell(row, `${p}.Region`) });
    return optional(
      {
        kind: 'lei' as const,
        lei,
        otherNames: numbered(row, 'Entity.OtherEntityNames.OtherEntityName'),
        legalAddress: addr('Entity.LegalAddress'),
        headquartersAddress: addr('Entity.HeadquartersAddress'),
      },
      {
        legalName: cell(row, 'Entity.LegalName'),
        legalJurisdiction: cell(row, 'Entity.LegalJurisdiction'),
        entityCategory: cell(row, 'Entity.EntityCategory'),
        entityStatus: cell(row, 'Entity.EntityStatus'),
        registrationStatus: cell(row, 'Registration.RegistrationStatus'),
        lastUpdateDate: cell(row, 'Registration.LastUpdateDate'),
      },
    );
  }
  if (kind === 'relationship') {
    const startNode = cell(row, 'Relationship.StartNode.NodeID');
    const endNode = cell(row, 'Relationship.EndNode.NodeID');
    const relationshipType = cell(row, 'Relationship.RelationshipType');
    if (startNode === undefined) return { missing: 'Relationship.StartNode.NodeID' };
    if (endNode === undefined) return { missing: 'Relationship.EndNode.NodeID' };
    if (relationshipType === undefined) return { missing: 'Relationship.RelationshipType' };
    const periods: GleifPeriod[] = [];
    for (let i = 1; `Relationship.Period.${i}.periodType` in row; i++) {
      const p = `Relationship.Period.${i}`;
      periods.push(
        optional(
          {},
          {
            startDate: cell(row, `${p}.startDate`),
            endDate: cell(row, `${p}.endDate`),
            periodType: cell(row, `${p}.periodType`),
          },
        ),
      );
    }
    return optional(
      { kind: 'relationship' as const, startNode, endNode, relationshipType, periods },
      {
        relationshipStatus: cell(row, 'Relationship.RelationshipStatus'),
        registrationStatus: cell(row, 'Registration.RegistrationStatus'),
        lastUpdateDate: cell(row, 'Registration.LastUpdateDate'),
      },
    );
  }
  const lei = cell(row, 'LEI');
  const category = cell(row, 'Exception.Category', 'ExceptionCategory');
  const reason = cell(row, 'Exception.Reason.1', 'Exception.Reason', 'ExceptionReason.1', 'ExceptionReason');
  if (lei === undefined) return { missing: 'LEI' };
  if (category === undefined) return { missing: 'Exception.Category' };
  if (reason === undefined) return { missing: 'Exception.Reason.1' };
  return { kind: 'exception', lei, category, reason };
}

async function* readCsv(file: string): AsyncGenerator<IngestItem> {
  const parser = createReadStream(file).pipe(
    parseCsv({ columns: true, bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  let kind: CsvKind | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Row; info: { lines: number } }>) {
      if (kind === undefined) {
        kind = csvKind(Object.keys(record));
        if (kind === undefined)
          throw new InputError('not a GLEIF golden-copy CSV: no LEI, relationship or exception columns', {
            file,
            line: 1,
          });
      }
      yield* fromRecord(csvRecord(kind, record), { file, line: info.lines });
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    const line = (err as { lines?: number }).lines;
    if (err instanceof CsvError)
      throw new InputError(
        `not readable CSV: ${(err as Error).message}`,
        { file, ...(line ? { line } : {}) },
        { cause: err },
      );
    throw unreadable(file, err);
  }
}

/** The rendering of a GLEIF file, from its first character. */
export async function gleifRendering(file: string): Promise<GleifRendering> {
  const { char } = await firstChar(file);
  if (char === '<') return 'xml';
  if (char === '{' || char === '[') return 'json';
  if (char === '') throw new InputError('empty file', { file, line: 1 });
  return 'csv';
}

/**
 * Reads a GLEIF Level 1 (LEI-CDF), Level 2 relationship (RR-CDF 2.1) or reporting exceptions file,
 * as XML, JSON or CSV. Record by record: memory does not grow with the file.
 */
export async function* readGleif(file: string, rendering?: GleifRendering): AsyncGenerator<IngestItem> {
  switch (rendering ?? (await gleifRendering(file))) {
    case 'xml':
      return yield* readXml(file);
    case 'json':
      return yield* readJson(file);
    case 'csv':
      return yield* readCsv(file);
  }
}
