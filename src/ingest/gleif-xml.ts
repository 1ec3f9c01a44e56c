// Streams a GLEIF golden-copy XML file (LEI-CDF, RR-CDF or reporting exceptions) with saxes:
// one record's element tree at a time, so memory does not grow with the file.
import { createReadStream } from 'node:fs';
import { SaxesParser } from 'saxes';
import { InputError } from '../errors.ts';
import { RECORD_ELEMENTS, localName, type XNode } from './gleif-node.ts';
import { unreadable } from './json-stream.ts';

export interface XmlRecord {
  node: XNode;
  line: number;
  /** the file header's ContentDate, when seen before this record */
  contentDate?: string;
}

export async function* gleifXmlRecords(file: string): AsyncGenerator<XmlRecord> {
  const parser = new SaxesParser({ position: true });
  const ready: XmlRecord[] = [];
  const stack: XNode[] = [];
  let recordLine = 0;
  let contentDate: string | undefined;
  let inContentDate = false;
  let failure: InputError | undefined;

  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (stack.length === 0 && !RECORD_ELEMENTS.has(name)) {
      inContentDate = name === 'ContentDate';
      if (inContentDate) contentDate = '';
      return;
    }
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[localName(k)] = String(v);
    const node: XNode = { name, attrs, text: '', children: [] };
    if (stack.length === 0) recordLine = parser.line;
    else stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  });
  parser.on('text', (t) => {
    if (stack.length > 0) stack[stack.length - 1]!.text += t;
    else if (inContentDate) contentDate += t;
  });
  parser.on('closetag', () => {
    inContentDate = false;
    const node = stack.pop();
    if (node !== undefined && stack.length === 0) {
      const rec: XmlRecord = { node, line: recordLine };
      const date = contentDate?.trim();
      if (date) rec.contentDate = date;
      ready.push(rec);
    }
  });
  parser.on('error', (err) => {
    failure ??= new InputError(
      `not well-formed XML: ${err.message.replace(/^[^:]*:\d+:\d+: /, '')}`,
      {
        file,
        line: parser.line,
      },
      { cause: err },
    );
  });

  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      parser.write(chunk as string);
      if (failure) throw failure;
      yield* ready.splice(0);
    }
    parser.close();
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw unreadable(file, err);
  }
  if (failure) throw failure;
  yield* ready.splice(0);
}
