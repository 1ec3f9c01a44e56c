// Small hand-written Google Cloud states for tests: a company, a personal ("n/a") account, an
// account the reports do not know, and one named in the discovery doc's bare `accounts/{id}` style.
import type { GcpFakeState } from './fake-state.ts';

export const PROVIDER = 'acme-public';

export function smallState(): GcpFakeState {
  const t = '2025-03-01T10:00:00Z';
  return {
    providerId: PROVIDER,
    accounts: [
      { id: 'acct-company', createTime: t, updateTime: t },
      { id: 'acct-personal', createTime: t, updateTime: t },
      { id: 'acct-unreported', createTime: t, updateTime: t, nameStyle: 'bare' },
    ],
    entitlements: [
      {
        id: 'ent-1',
        accountId: 'acct-company',
        billingAccount: 'billingAccounts/01AB23-45CD67-89EF01',
        productExternalName: 'claude.endpoints.acme-public.cloud.goog',
        plan: 'pay-as-you-go',
        state: 'ENTITLEMENT_ACTIVE',
        consumers: ['projects/bergmann-prod', 'projects/bergmann-dev'],
        createTime: t,
        updateTime: t,
      },
      {
        id: 'ent-2',
        accountId: 'acct-company',
        productExternalName: 'claude.endpoints.acme-public.cloud.goog',
        plan: 'enterprise',
        state: 'ENTITLEMENT_CANCELLED',
        consumers: [],
        createTime: t,
        updateTime: t,
        subscriptionEndTime: '2025-06-01T00:00:00Z',
      },
      {
        id: 'ent-3',
        accountId: 'acct-personal',
        productExternalName: 'claude.endpoints.acme-public.cloud.goog',
        plan: 'pay-as-you-go',
        state: 'ENTITLEMENT_ACTIVE',
        consumers: ['projects/my-hobby-123'],
        createTime: t,
        updateTime: t,
      },
    ],
    insights: [
      {
        report_date: '2025-03-03',
        external_account_id: 'acct-company',
        customer_name: 'Bergmann Software GmbH',
        customer_country: 'de',
        customer_domain: 'BergmannSoftware.de',
        billing_account_id: '01AB23-45CD67-89EF01',
        product_external_name: 'claude.endpoints.acme-public.cloud.goog',
      },
      {
        report_date: '2025-03-03',
        external_account_id: 'acct-personal',
        customer_name: 'n/a',
        customer_country: 'n/a',
        customer_domain: 'n/a',
        billing_account_id: 'n/a',
        product_external_name: 'claude.endpoints.acme-public.cloud.goog',
      },
    ],
    charges: [
      charge('2025-02', 'acct-company', 'Input Tokens', 1_000_000, 3),
      charge('2025-02', 'acct-company', 'Output Tokens', 200_000, 3),
      charge('2025-03', 'acct-company', 'Requests', 1200, 0),
      charge('2025-03', 'acct-personal', 'Input Tokens', 5000, 0.02),
    ],
  };
}

function charge(month: string, account: string, unit: string, usage: number, charges: number) {
  return {
    month,
    accountId: `obscured-${account}`,
    insightsAccountId: account,
    skuId: 'A1B2-C3D4-E5F6',
    skuDescription: `Claude Sonnet 4.5 ${unit}`,
    location: 'DE',
    usage,
    usageUnit: unit.toLowerCase(),
    charges,
    currency: 'USD',
  };
}

/** `n` accounts with one entitlement each, for paging tests. */
export function bulkState(n: number): GcpFakeState {
  const t = '2025-01-01T00:00:00Z';
  const state: GcpFakeState = {
    providerId: PROVIDER,
    accounts: [],
    entitlements: [],
    insights: [],
    charges: [],
  };
  for (let i = 0; i < n; i++) {
    const id = `acct-${String(i).padStart(7, '0')}`;
    state.accounts.push({ id, createTime: t, updateTime: t });
    state.entitlements.push({
      id: `ent-${i}`,
      accountId: id,
      productExternalName: 'claude.endpoints.acme-public.cloud.goog',
      plan: 'pay-as-you-go',
      state: i % 10 === 0 ? 'ENTITLEMENT_SUSPENDED' : 'ENTITLEMENT_ACTIVE',
      consumers: [`projects/p-${i}`],
      createTime: t,
      updateTime: t,
    });
  }
  return state;
}
