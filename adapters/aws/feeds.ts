// Seller data feeds: stream one CSV file at a time through csv-parse (never loaded whole), check
// the header once, and yield rows with their file and line so a bad row can be named precisely.
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { InputError } from '../../src/errors.ts';
import type { AwsClient, FeedFile, FeedName } from './client.ts';

/** The columns each feed must carry; more columns are allowed and ignored. */
export const REQUIRED_COLUMNS: Record<FeedName, readonly string[]> = {
  account: [
    'account_id',
    'aws_account_id',
    'encrypted_account_id',
    'mailing_address_id',
    'tax_address_id',
    'tax_registration_number',
    'tax_legal_name',
    'valid_from',
  ],
  // not verified against AWS's documentation: the address feed's real columns were not found
  address: ['address_id', 'email_domain', 'company_name', 'country_code', 'valid_from'],
  'billing-event': [
    'billing_event_id',
    'transaction_type',
    'action',
    'from_account_id',
    'to_account_id',
    'end_user_account_id',
    'product_id',
    'amount',
    'currency',
    'invoice_date',
  ],
};

export interface FeedRow {
  file: FeedFile;
  /** 1-based line in the file (the header is line 1) */
  line: number;
  values: Record<string, string>;
}

/** Streams the rows of one feed file; throws InputError naming the file (and line) when it is unreadable. */
export async function* readFeedFile(stream: Readable, file: FeedFile): AsyncGenerator<FeedRow> {
  const required = REQUIRED_COLUMNS[file.feed];
  const parser = stream.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim().toLowerCase());
        const absent = required.find((c) => !names.includes(c));
        if (absent !== undefined) {
          throw new InputError(`the ${file.feed} feed has no column "${absent}"`, {
            file: file.key,
            line: 1,
            field: absent,
          });
        }
        return names;
      },
      skip_empty_lines: true,
      // each record comes with its own line number (parser.info runs ahead of a buffered consumer)
      info: true,
    }),
  );
  stream.on('error', (err) => parser.destroy(err));
  let line = 1;
  try {
    for await (const r of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      line = r.info.lines;
      yield { file, line, values: r.record };
    }
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    const at = (cause as { lines?: number }).lines ?? line + 1;
    throw new InputError(
      `unreadable CSV: ${(cause as Error).message}`,
      { file: file.key, line: at },
      { cause },
    );
  } finally {
    stream.destroy();
  }
}

/** Every row of every file of one feed, files in key order. `onFile` sees each file before its rows. */
export async function* readFeed(
  client: AwsClient,
  feed: FeedName,
  signal?: AbortSignal,
  keep: (file: FeedFile) => boolean = () => true,
): AsyncGenerator<FeedRow> {
  for await (const file of client.listFeedFiles(feed, signal)) {
    if (!keep(file)) continue;
    const stream = await client.openFeedFile(file, signal);
    yield* readFeedFile(stream, file);
  }
}
