// `channelguard keygen --out DIR`: the one explicit way to make a report signing key pair.
// The private key is written 0600 and never overwritten; nothing else ever generates keys.
import { chmod, mkdir, open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { generateKeyPairPem } from '../../report/index.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import type { RegisterCommand } from '../registry.ts';

async function writeNew(path: string, text: string, mode: number): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'wx', mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(
        `${path} already exists; keygen never overwrites a key (choose another --out or --name)`,
        { cause: err },
      );
    throw err;
  }
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await chmod(path, mode); // the umask may have narrowed or the mode must be exact
}

export const registerKeygen: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('keygen')
    .description('generate an Ed25519 key pair for signing partner reports (private key 0600)')
    .requiredOption(
      '--out <dir>',
      'folder to write NAME.key (private, PKCS#8 PEM) and NAME.pub (public, SPKI PEM)',
    )
    .option('--name <name>', 'file name stem, e.g. the partner', 'channelguard-signing')
    .action(async (flags: { out: string; name: string }) => {
      if (!/^[A-Za-z0-9._-]+$/.test(flags.name) || flags.name.startsWith('.'))
        throw new UsageError(`--name "${flags.name}" must be a plain file name (letters, digits, . _ -)`);
      const dir = resolve(io.cwd, flags.out);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const pair = generateKeyPairPem();
      const priv = join(dir, `${flags.name}.key`);
      const pub = join(dir, `${flags.name}.pub`);
      await writeNew(priv, pair.privatePem, 0o600);
      await writeNew(pub, pair.publicPem, 0o644);
      io.stdout(
        `private key: ${priv} (mode 0600; set CHANNELGUARD_SIGNING_KEY to its content or pass its path)\n`,
      );
      io.stdout(`public key:  ${pub} (give it to partners for "channelguard verify")\n`);
      io.stdout(`key id:      ${pair.keyId}\n`);
      setExit(EXIT.ok);
    });
};
