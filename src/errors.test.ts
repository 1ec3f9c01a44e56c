import assert from 'node:assert/strict';
import { AdapterError, redactSecrets } from './errors.ts';

describe('redactSecrets', () => {
  const table: Array<[string, string]> = [
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'Authorization: [redacted]'],
    ['password=hunter2&user=a', 'password=[redacted]&user=a'],
    ['client_secret: "s3cr3t"', 'client_secret: "[redacted]"'],
    ['access_token=ya29.a0AfH6SMBx1234567890abcdef', 'access_token=[redacted]'],
    ['postgres://app:pa55word@db:5432/x', 'postgres://app:[redacted]@db:5432/x'],
    ['key AKIAABCDEFGHIJKLMNOP used', 'key [redacted] used'],
    ['the page token: could not be read', 'the page token: could not be read'],
    ['token=short', 'token=short'],
  ];
  for (const [input, expected] of table)
    it(`${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () =>
      assert.equal(redactSecrets(input), expected));

  it('applies to every error message', () => {
    const e = new AdapterError('refused password=hunter2', {
      cloud: 'aws',
      api: 'X',
      fault: 'client',
      retryable: false,
    });
    assert.equal(e.message, 'aws X: refused password=[redacted]');
  });
});
