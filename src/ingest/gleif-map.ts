// GLEIF golden-copy records -> model statements. Pure: the XML, JSON and CSV extractors all
// produce these record shapes, so the three renderings map identically.
import type { Interest, IngestItem, Party, SourceRef, UnspecifiedParty } from '../model/types.ts';
import { issueItem } from './issues.ts';

export interface GleifAddress {
  country?: string;
  region?: string;
}

/** Level 1 LEI-CDF record: the fields the control rule and the reports use. */
export interface GleifLeiRecord {
  kind: 'lei';
  lei: string;
  legalName?: string;
  otherNames: string[];
  legalAddress: GleifAddress;
  headquartersAddress: GleifAddress;
  legalJurisdiction?: string;
  entityCategory?: string;
  entityStatus?: string;
  registrationStatus?: string;
  lastUpdateDate?: string;
}

export interface GleifPeriod {
  startDate?: string;
  endDate?: string;
  periodType?: string;
}

/** Level 2 RR-CDF 2.1 relationship record: StartNode (child) -> EndNode (parent). */
export interface GleifRelationshipRecord {
  kind: 'relationship';
  startNode: string;
  startNodeType?: string;
  endNode: string;
  endNodeType?: string;
  relationshipType: string;
  relationshipStatus?: string;
  periods: GleifPeriod[];
  registrationStatus?: string;
  lastUpdateDate?: string;
}

/** Level 2 reporting exception: why a parent is not reported. */
export interface GleifExceptionRecord {
  kind: 'exception';
  lei: string;
  category: string;
  reason: string;
  /** the file's ContentDate: exceptions carry no date of their own */
  contentDate?: string;
}

export type GleifRecord = GleifLeiRecord | GleifRelationshipRecord | GleifExceptionRecord;

const INTEREST_FOR: Record<string, string> = {
  IS_DIRECTLY_CONSOLIDATED_BY: 'consolidation',
  IS_ULTIMATELY_CONSOLIDATED_BY: 'consolidation',
  IS_INTERNATIONAL_BRANCH_OF: 'branch',
  'IS_FUND-MANAGED_BY': 'fundManagement',
};

/**
 * Reporting exception reasons that name an undisclosed consolidation parent (a party of unknown
 * origin) and the BODS unspecified reason they stand for. NO_KNOWN_PERSON is dispersed ownership:
 * mapped to `subjectExemptFromDisclosure`, which the control rule treats as clear.
 */
const EXCEPTION_REASON: Record<string, string> = {
  NATURAL_PERSONS: 'interestedPartyExemptFromDisclosure',
  NON_CONSOLIDATING: 'interestedPartyExemptFromDisclosure',
  NON_PUBLIC: 'interestedPartyExemptFromDisclosure',
  BINDING_LEGAL_COMMITMENTS: 'interestedPartyExemptFromDisclosure',
  LEGAL_OBSTACLES: 'interestedPartyExemptFromDisclosure',
  DISCLOSURE_DETRIMENTAL: 'interestedPartyExemptFromDisclosure',
  DETRIMENT_NOT_EXCLUDED: 'interestedPartyExemptFromDisclosure',
  CONSENT_NOT_OBTAINED: 'interestedPartyExemptFromDisclosure',
  NO_LEI: 'informationUnknownToPublisher',
  NO_KNOWN_PERSON: 'subjectExemptFromDisclosure',
};

const REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

function regionCode(v: string | undefined): string | undefined {
  const c = v?.trim().toUpperCase();
  return c !== undefined && REGION.test(c) ? c : undefined;
}

/** The most specific code of an address: its ISO 3166-2 region when it lies in its country. */
function addressCode(a: GleifAddress): string[] | undefined {
  const country = regionCode(a.country);
  const region = regionCode(a.region);
  if (
    region !== undefined &&
    region.includes('-') &&
    (country === undefined || region.startsWith(`${country}-`))
  )
    return [region];
  if (region !== undefined && region.includes('-') && country !== undefined) return [country, region];
  return country !== undefined ? [country] : undefined;
}

/** Statement ids are built from the record's key and its last update, so they are stable. */
const stamp = (date: string | undefined) => date ?? 'undated';

function leiStatements(r: GleifLeiRecord, source: SourceRef): IngestItem[] {
  const incorporation = regionCode(r.legalJurisdiction);
  const headquarters = addressCode(r.headquartersAddress);
  const party: Party = {
    id: r.lei,
    // A government entity is a state body: origin.states decides about it, as for BODS.
    kind: r.entityCategory === 'RESIDENT_GOVERNMENT_ENTITY' ? 'stateBody' : 'entity',
    identifiers: [{ scheme: 'XI-LEI', id: r.lei }],
  };
  if (r.legalName !== undefined) party.name = r.legalName;
  if (r.otherNames.length > 0) party.alternateNames = [...new Set(r.otherNames)];
  if (headquarters !== undefined) party.headquarters = headquarters;
  if (incorporation !== undefined) party.incorporation = [incorporation];
  const status = [r.entityStatus, r.registrationStatus].filter((s) => s !== undefined).join(' / ');
  if (status !== '') party.status = status;
  const items: IngestItem[] = [
    {
      kind: 'statement',
      statement: {
        statementId: `gleif-lei-${r.lei}-${stamp(r.lastUpdateDate)}`,
        ...(r.lastUpdateDate !== undefined ? { statementDate: r.lastUpdateDate } : {}),
        recordId: r.lei,
        recordStatus: 'new',
        recordType: 'party',
        record: party,
        source,
      },
    },
  ];
  if (r.legalJurisdiction !== undefined && incorporation === undefined) {
    items.push(
      issueItem(source, `LegalJurisdiction ${JSON.stringify(r.legalJurisdiction)} is not an ISO 3166 code`, {
        record: r.lei,
        field: 'Entity.LegalJurisdiction',
        affects: [r.lei],
      }),
    );
  }
  return items;
}

function relationshipStatements(r: GleifRelationshipRecord, source: SourceRef): IngestItem[] {
  const recordId = `gleif-rr-${r.startNode}-${r.relationshipType}-${r.endNode}`;
  const type = INTEREST_FOR[r.relationshipType];
  if (type === undefined) {
    return [
      issueItem(
        source,
        `relationship type ${r.relationshipType} is not one the control rule counts; ignored`,
        {
          record: recordId,
          field: 'Relationship.RelationshipType',
          severity: 'warning',
        },
      ),
    ];
  }
  // The relationship period (not the accounting or filing period) says when it held.
  const period = r.periods.find((p) => p.periodType === 'RELATIONSHIP_PERIOD');
  const interest: Interest = {
    type,
    directOrIndirect:
      type === 'consolidation' && r.relationshipType.includes('ULTIMATELY') ? 'indirect' : 'direct',
  };
  if (period?.startDate !== undefined) interest.startDate = period.startDate;
  if (period?.endDate !== undefined) interest.endDate = period.endDate;
  // An inactive relationship with no end date has no time it held that we know: it is closed.
  const inactive = r.relationshipStatus !== undefined && r.relationshipStatus !== 'ACTIVE';
  return [
    {
      kind: 'statement',
      statement: {
        statementId: `${recordId}-${stamp(r.lastUpdateDate)}`,
        ...(r.lastUpdateDate !== undefined ? { statementDate: r.lastUpdateDate } : {}),
        recordId,
        recordStatus: inactive && interest.endDate === undefined ? 'closed' : 'new',
        recordType: 'relationship',
        record: { id: recordId, subject: r.startNode, interestedParty: r.endNode, interests: [interest] },
        source,
      },
    },
  ];
}

function exceptionStatements(r: GleifExceptionRecord, source: SourceRef): IngestItem[] {
  const recordId = `gleif-repex-${r.lei}-${r.category}`;
  // An unknown reason still says a parent exists that is not named: fail closed (unknown origin).
  const reason = EXCEPTION_REASON[r.reason] ?? 'unknown';
  const warnings =
    EXCEPTION_REASON[r.reason] === undefined
      ? [
          issueItem(
            source,
            `reporting exception reason ${r.reason} is unknown; read as an undisclosed parent`,
            {
              record: recordId,
              field: 'ExceptionReason',
              severity: 'warning',
            },
          ),
        ]
      : [];
  const party: UnspecifiedParty = {
    reason,
    description: `GLEIF reporting exception ${r.category} ${r.reason}`,
  };
  const interest: Interest = {
    type: 'consolidation',
    directOrIndirect: r.category.startsWith('ULTIMATE') ? 'indirect' : 'direct',
  };
  return [
    {
      kind: 'statement',
      statement: {
        statementId: `${recordId}-${stamp(r.contentDate)}`,
        ...(r.contentDate !== undefined ? { statementDate: r.contentDate } : {}),
        recordId,
        recordStatus: 'new',
        recordType: 'relationship',
        record: { id: recordId, subject: r.lei, interestedParty: party, interests: [interest] },
        source,
      },
    },
    ...warnings,
  ];
}

/** Converts one GLEIF record (any rendering) to model statements and issues. */
export function mapGleifRecord(r: GleifRecord, source: SourceRef): IngestItem[] {
  switch (r.kind) {
    case 'lei':
      return leiStatements(r, source);
    case 'relationship':
      return relationshipStatements(r, source);
    case 'exception':
      return exceptionStatements(r, source);
  }
}
