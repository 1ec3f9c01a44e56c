// The project's own CSV, for teams that keep ownership in a spreadsheet: a parties file and a
// relationships file (see README-csv.md). Streamed row by row; a bad row is an issue with file:line.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { CsvError, parse as parseCsv } from 'csv-parse';
import { InputError } from '../errors.ts';
import type {
  IngestItem,
  Interest,
  Party,
  PartyKind,
  RecordStatus,
  Relationship,
  ShareInput,
  SourceRef,
} from '../model/types.ts';
import { issueItem } from './issues.ts';
import { unreadable } from './json-stream.ts';

export const PARTY_COLUMNS = [
  'id',
  'kind',
  'name',
  'alternate_names',
  'identifiers',
  'headquarters',
  'incorporation',
  'residence',
  'nationality',
  'tax_residency',
  'listed',
  'statement_date',
  'record_status',
] as const;

export const RELATIONSHIP_COLUMNS = [
  'id',
  'subject',
  'interested_party',
  'interest_type',
  'share_exact',
  'share_min',
  'share_max',
  'share_exclusive_min',
  'share_exclusive_max',
  'direct_or_indirect',
  'start_date',
  'end_date',
  'statement_date',
  'record_status',
] as const;

const KINDS: readonly PartyKind[] = [
  'entity',
  'state',
  'stateBody',
  'unknownEntity',
  'anonymousEntity',
  'person',
  'unknownPerson',
  'anonymousPerson',
];
const STATUSES: readonly string[] = ['new', 'updated', 'closed'];
const REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
const DATE =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
const SHARE_COLUMNS: Array<[string, keyof ShareInput]> = [
  ['share_exact', 'exact'],
  ['share_min', 'minimum'],
  ['share_max', 'maximum'],
  ['share_exclusive_min', 'exclusiveMinimum'],
  ['share_exclusive_max', 'exclusiveMaximum'],
];

type Row = Record<string, string>;
export type CsvTable = 'parties' | 'relationships';

/** A bad cell: refuses the row. */
class RowError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(reason);
  }
}

const cell = (row: Row, name: string): string | undefined => {
  const v = row[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
};

const list = (v: string | undefined): string[] =>
  v === undefined
    ? []
    : v
        .split(/[;|]/)
        .map((x) => x.trim())
        .filter((x) => x !== '');

function codes(row: Row, name: string): string[] | undefined {
  const out = list(cell(row, name)).map((c) => c.toUpperCase());
  for (const c of out) {
    if (!REGION.test(c)) throw new RowError(name, `${JSON.stringify(c)} is not an ISO 3166 code (CN, UA-43)`);
  }
  return out.length > 0 ? [...new Set(out)] : undefined;
}

function date(row: Row, name: string): string | undefined {
  const v = cell(row, name);
  if (v !== undefined && !DATE.test(v))
    throw new RowError(name, `${JSON.stringify(v)} is not a date (YYYY-MM-DD)`);
  return v;
}

function status(row: Row): RecordStatus {
  const v = cell(row, 'record_status') ?? 'new';
  if (!STATUSES.includes(v)) throw new RowError('record_status', `must be one of ${STATUSES.join(', ')}`);
  return v as RecordStatus;
}

function listed(row: Row): boolean | undefined {
  const v = cell(row, 'listed')?.toLowerCase();
  if (v === undefined) return undefined;
  if (['true', 'yes', 'y', '1'].includes(v)) return true;
  if (['false', 'no', 'n', '0'].includes(v)) return false;
  throw new RowError('listed', `${JSON.stringify(v)} is not true or false`);
}

function party(row: Row): Party {
  const id = cell(row, 'id')!;
  const kind = (cell(row, 'kind') ?? 'entity') as PartyKind;
  if (!KINDS.includes(kind)) throw new RowError('kind', `must be one of ${KINDS.join(', ')}`);
  const p: Party = { id, kind };
  const name = cell(row, 'name');
  if (name !== undefined) p.name = name;
  const alternateNames = list(cell(row, 'alternate_names'));
  if (alternateNames.length > 0) p.alternateNames = alternateNames;
  const identifiers = list(cell(row, 'identifiers')).map((x) => {
    const at = x.indexOf(':');
    if (at <= 0) throw new RowError('identifiers', `${JSON.stringify(x)} is not scheme:id (XI-LEI:5493...)`);
    return { scheme: x.slice(0, at).trim(), id: x.slice(at + 1).trim() };
  });
  if (identifiers.length > 0) p.identifiers = identifiers;
  for (const [col, key] of [
    ['headquarters', 'headquarters'],
    ['incorporation', 'incorporation'],
    ['residence', 'residence'],
    ['nationality', 'nationality'],
    ['tax_residency', 'taxResidency'],
  ] as const) {
    const v = codes(row, col);
    if (v !== undefined) p[key] = v;
  }
  const l = listed(row);
  if (l !== undefined) p.listed = l;
  return p;
}

/** Share cells as stated: a number when it reads as one, else the text (the evaluator flags it). */
function share(row: Row, warn: (field: string, reason: string) => void): ShareInput | undefined {
  let out: ShareInput | undefined;
  for (const [col, key] of SHARE_COLUMNS) {
    const v = cell(row, col);
    if (v === undefined) continue;
    const n = Number(v.replace(/%$/, ''));
    out ??= {};
    if (Number.isFinite(n)) out[key] = n;
    else {
      out[key] = v;
      warn(col, `${JSON.stringify(v)} is not a number: counted as [0, 100] and flagged invalid-share`);
    }
  }
  return out;
}

function interest(row: Row, warn: (field: string, reason: string) => void): Interest {
  const i: Interest = {};
  const type = cell(row, 'interest_type');
  if (type !== undefined) i.type = type;
  const s = share(row, warn);
  if (s !== undefined) i.share = s;
  const doi = cell(row, 'direct_or_indirect');
  if (doi !== undefined) {
    if (doi !== 'direct' && doi !== 'indirect' && doi !== 'unknown')
      throw new RowError('direct_or_indirect', 'must be direct, indirect or unknown');
    i.directOrIndirect = doi;
  }
  const start = date(row, 'start_date');
  const end = date(row, 'end_date');
  if (start !== undefined) i.startDate = start;
  if (end !== undefined) i.endDate = end;
  return i;
}

const UNSPECIFIED_REASONS: readonly string[] = [
  'noBeneficialOwners',
  'subjectUnableToConfirmOrIdentifyBeneficialOwner',
  'interestedPartyHasNotProvidedInformation',
  'subjectExemptFromDisclosure',
  'interestedPartyExemptFromDisclosure',
  'unknown',
  'informationUnknownToPublisher',
];

/** `unspecified:<reason>` (a BODS unspecified reason) names an undisclosed interested party. */
function interestedParty(v: string): Relationship['interestedParty'] {
  if (!v.startsWith('unspecified:')) return v;
  const reason = v.slice('unspecified:'.length).trim();
  if (!UNSPECIFIED_REASONS.includes(reason))
    throw new RowError(
      'interested_party',
      `unspecified reason must be one of ${UNSPECIFIED_REASONS.join(', ')}`,
    );
  return { reason };
}

export function csvTable(header: string[]): CsvTable | undefined {
  if (header.includes('subject') && header.includes('interested_party')) return 'relationships';
  if (header.includes('id') && !header.includes('subject')) return 'parties';
  return undefined;
}

function checkHeader(file: string, header: string[], table: CsvTable): void {
  const known: readonly string[] = table === 'parties' ? PARTY_COLUMNS : RELATIONSHIP_COLUMNS;
  const unknown = header.filter((h) => !known.includes(h));
  if (unknown.length > 0) {
    throw new InputError(
      `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in a ${table} CSV`,
      {
        file,
        line: 1,
      },
    );
  }
  const required = table === 'parties' ? ['id'] : ['id', 'subject', 'interested_party'];
  const missing = required.filter((r) => !header.includes(r));
  if (missing.length > 0) throw new InputError(`missing column ${missing.join(', ')}`, { file, line: 1 });
}

/** A relationship being assembled from consecutive rows that share an id (one interest per row). */
interface Pending {
  rel: Relationship;
  statementDate: string | undefined;
  recordStatus: RecordStatus;
  source: SourceRef;
}

function relationshipItem(p: Pending): IngestItem {
  // Ids are built from the row's content keys, so the same row in two files counts once.
  return {
    kind: 'statement',
    statement: {
      statementId: `csv-${p.rel.id}-${p.statementDate ?? 'undated'}`,
      ...(p.statementDate !== undefined ? { statementDate: p.statementDate } : {}),
      recordId: p.rel.id,
      recordStatus: p.recordStatus,
      recordType: 'relationship',
      record: p.rel,
      source: p.source,
    },
  };
}

/** Reads a parties or relationships CSV (README-csv.md). */
export async function* readProjectCsv(file: string): AsyncGenerator<IngestItem> {
  const parser = createReadStream(file).pipe(
    parseCsv({
      columns: (h: string[]) => h.map((c) => c.trim()),
      bom: true,
      info: true,
      skip_empty_lines: true,
    }),
  );
  let table: CsvTable | undefined;
  let pending: Pending | undefined;
  const done = new Set<string>();
  const name = basename(file);
  try {
    for await (const { record: row, info } of parser as AsyncIterable<{
      record: Row;
      info: { lines: number };
    }>) {
      const source: SourceRef = { file, line: info.lines };
      if (table === undefined) {
        table = csvTable(Object.keys(row));
        if (table === undefined)
          throw new InputError('not a channelguard parties or relationships CSV (README-csv.md)', {
            file,
            line: 1,
          });
        checkHeader(file, Object.keys(row), table);
      }
      const id = cell(row, 'id');
      const subject = cell(row, 'subject');
      const affects = table === 'parties' ? (id ? [id] : undefined) : subject ? [subject] : undefined;
      const refuse = (field: string, reason: string) =>
        issueItem(source, `row refused: ${field}: ${reason}`, {
          record: id,
          field,
          ...(affects ? { affects } : {}),
        });
      const warnings: IngestItem[] = [];
      const warn = (field: string, reason: string) =>
        warnings.push(
          issueItem(source, `${field}: ${reason}`, {
            record: id,
            field,
            severity: 'warning',
            ...(affects ? { affects } : {}),
          }),
        );
      try {
        if (id === undefined) throw new RowError('id', 'is empty');
        if (table === 'parties') {
          if (done.has(id)) throw new RowError('id', `${id} is already stated in ${name}`);
          done.add(id);
          const statementDate = date(row, 'statement_date');
          yield {
            kind: 'statement',
            statement: {
              statementId: `csv-${id}-${statementDate ?? 'undated'}`,
              ...(statementDate !== undefined ? { statementDate } : {}),
              recordId: id,
              recordStatus: status(row),
              recordType: 'party',
              record: party(row),
              source,
            },
          };
          continue;
        }
        const holder = cell(row, 'interested_party');
        if (subject === undefined) throw new RowError('subject', 'is empty');
        if (holder === undefined) throw new RowError('interested_party', 'is empty');
        const i = interest(row, warn);
        if (pending !== undefined && pending.rel.id === id) {
          if (
            pending.rel.subject !== subject ||
            JSON.stringify(pending.rel.interestedParty) !== JSON.stringify(interestedParty(holder))
          )
            throw new RowError('id', `${id} names another subject or interested party than its row above`);
          pending.rel.interests.push(i);
        } else {
          if (pending !== undefined) yield relationshipItem(pending);
          pending = undefined;
          if (done.has(id))
            throw new RowError('id', `${id} is stated again; rows of one relationship must be consecutive`);
          done.add(id);
          pending = {
            rel: { id, subject, interestedParty: interestedParty(holder), interests: [i] },
            statementDate: date(row, 'statement_date'),
            recordStatus: status(row),
            source,
          };
        }
      } catch (err) {
        if (!(err instanceof RowError)) throw err;
        yield refuse(err.field, err.message);
      }
      yield* warnings;
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    if (err instanceof CsvError) {
      const line = (err as { lines?: number }).lines;
      throw new InputError(
        `not readable CSV: ${(err as Error).message}`,
        { file, ...(line ? { line } : {}) },
        { cause: err },
      );
    }
    throw unreadable(file, err);
  }
  if (pending !== undefined) yield relationshipItem(pending);
}
