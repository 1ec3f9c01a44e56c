// `channelguard verify REPORT_DIR`: the partner-side check of a signed exception report.
// Exit 0 valid, 1 invalid (each failure named), 2 usage, 69 no usable public key.
import type { Command } from 'commander';
import { KeyUnavailableError, loadPublicKey, verifyReport } from '../../report/index.ts';
import { errorMessage } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import type { RegisterCommand } from '../registry.ts';
import { resolve } from 'node:path';

interface VerifyFlags {
  publicKey?: string;
  previous?: string;
  json?: boolean;
}

export const registerVerify: RegisterCommand = (program: Command, io: CliIo, setExit) => {
  program
    .command('verify')
    .description(
      'verify a signed partner report: signature, signer, every file, and the previous-report link',
    )
    .argument('<report-dir>', 'the report folder (manifest.json, manifest.sig, report files)')
    .option(
      '--public-key <file>',
      "the signer's Ed25519 public key (PEM); default: env CHANNELGUARD_PUBLIC_KEY",
    )
    .option('--previous <dir>', "the partner's previous report folder, to check the link to it")
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, flags: VerifyFlags) => {
      let publicKey;
      try {
        publicKey = await loadPublicKey({
          ...(flags.publicKey !== undefined ? { path: resolve(io.cwd, flags.publicKey) } : {}),
          env: io.env,
        });
      } catch (err) {
        if (!(err instanceof KeyUnavailableError)) throw err;
        io.stderr(`channelguard verify: ${errorMessage(err)}\n`);
        setExit(EXIT.unavailable);
        return;
      }
      const result = await verifyReport(resolve(io.cwd, dir), {
        publicKey,
        ...(flags.previous !== undefined ? { previousDir: resolve(io.cwd, flags.previous) } : {}),
      });
      if (flags.json) {
        const { manifest, ...rest } = result;
        io.stdout(
          JSON.stringify({
            ...rest,
            partner: manifest?.partner ?? null,
            run: manifest?.run ?? null,
            previousManifestSha256: manifest?.previousManifestSha256 ?? null,
          }) + '\n',
        );
      } else if (result.valid) {
        const m = result.manifest;
        io.stdout(
          `valid: ${dir} (partner ${m?.partner}, run ${m?.run}, ${m?.files.length} files, manifest sha256 ${result.manifestDigest})\n`,
        );
        for (const n of result.notes) io.stdout(`note: ${n}\n`);
      } else {
        io.stdout(`INVALID: ${dir}\n`);
        for (const p of result.problems) io.stdout(`  - ${p}\n`);
      }
      setExit(result.valid ? EXIT.ok : EXIT.findings);
    });
};
