// BODS 0.4 statements for the demo world's bundled ownership graph.
import { createHash } from 'node:crypto';
import type { DemoCompany } from './world-types.ts';

const DATE = '2025-06-01';
const publication = {
  publicationDate: DATE,
  bodsVersion: '0.4',
  publisher: { name: 'channelguard demo data' },
};
const COUNTRY_NAMES: Record<string, string> = {
  US: 'United States of America',
  GB: 'United Kingdom',
  DE: 'Germany',
  FR: 'France',
  JP: 'Japan',
  SG: 'Singapore',
  IN: 'India',
  BR: 'Brazil',
  CA: 'Canada',
  AU: 'Australia',
  KR: 'Korea, Republic of',
  NL: 'Netherlands',
  AE: 'United Arab Emirates',
  TW: 'Taiwan',
  CN: 'China',
  HK: 'Hong Kong',
  KY: 'Cayman Islands',
  RU: 'Russian Federation',
};

/** A stable, uuid-shaped statement id from a record id. */
function statementId(recordId: string): string {
  const h = createHash('sha256').update(recordId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const country = (code: string) => ({ name: COUNTRY_NAMES[code] ?? code, code });

export function bodsEntity(c: DemoCompany, extra: { hqCountry?: string; listed?: boolean } = {}): unknown {
  const hq = extra.hqCountry ?? c.country;
  const identifiers: Array<Record<string, string>> = [];
  if (c.lei)
    identifiers.push({ id: c.lei, scheme: 'XI-LEI', schemeName: 'Global Legal Entity Identifier Index' });
  if (c.uscc) identifiers.push({ id: c.uscc, scheme: 'CN-SAMR', schemeName: 'Unified Social Credit Code' });
  // What a registry extract or a KYC file would add: the tax registration and the web domain.
  if (c.taxId)
    identifiers.push({ id: c.taxId, scheme: `${c.country}-TAX`, schemeName: 'Tax registration number' });
  identifiers.push({ id: c.domain, scheme: 'website', schemeName: 'Company website domain' });
  return {
    statementId: statementId(c.id),
    declarationSubject: c.id,
    statementDate: DATE,
    publicationDetails: publication,
    recordId: c.id,
    recordStatus: 'new',
    recordType: 'entity',
    recordDetails: {
      isComponent: false,
      entityType: { type: 'registeredEntity' },
      name: c.legalName,
      jurisdiction: country(c.country),
      addresses: [{ type: 'business', address: `${COUNTRY_NAMES[hq] ?? hq}`, country: country(hq) }],
      ...(identifiers.length ? { identifiers } : {}),
      ...(extra.listed ? { publicListing: { hasPublicListing: true } } : {}),
    },
  };
}

function relationshipStatement(
  id: string,
  subject: string,
  interestedParty: unknown,
  share: Record<string, number>,
): unknown {
  return {
    statementId: statementId(id),
    declarationSubject: subject,
    statementDate: DATE,
    publicationDetails: publication,
    recordId: id,
    recordStatus: 'new',
    recordType: 'relationship',
    recordDetails: {
      isComponent: false,
      subject,
      interestedParty,
      interests: [
        { type: 'shareholding', directOrIndirect: 'direct', beneficialOwnershipOrControl: false, share },
      ],
    },
  };
}

export function bodsRelationship(
  id: string,
  holder: string,
  subject: string,
  share: Record<string, number>,
): unknown {
  return relationshipStatement(id, subject, holder, share);
}

/** The owner is not known: BODS `interestedParty: {reason: "unknown"}`. */
export function bodsUnknownOwner(id: string, subject: string): unknown {
  const owner = { reason: 'unknown', description: 'The owner of the majority stake is not disclosed.' };
  return relationshipStatement(id, subject, owner, { minimum: 50, maximum: 100 });
}
