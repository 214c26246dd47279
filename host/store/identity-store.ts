import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { join } from "node:path";
// zod's small build: `commune whoami` reads this file, and loading full zod would cost more than the rest of the command.
import { literal, maxLength, regex, strictObject, string, type infer as Infer } from "zod/mini";
import type { IdentityView } from "../../shared/commands/views";
import type { Signer } from "../../shared/identity/crypto";
import { fingerprint, generateKeyPair, keyPairFromSecret, type KeyPair } from "../../shared/identity/keys";
import { readFileIfExists, writeFileAtomic } from "./atomic-file";

/** The member's key pair and display name, in the data directory with mode 0600. */
export interface StoredIdentity {
  keys: KeyPair;
  name: string;
}

const identityFile = strictObject({
  v: literal(1),
  publicKey: string().check(regex(/^[0-9a-f]{64}$/)),
  secretKey: string().check(regex(/^[0-9a-f]{64}$/)),
  name: string().check(maxLength(100)),
});

/** What `identity.show` answers: the public half and the name. */
export const identityView = (identity: StoredIdentity): IdentityView => ({
  publicKey: identity.keys.publicKey,
  name: identity.name,
  fingerprint: fingerprint(identity.keys.publicKey),
});

export const identityPath = (dataDir: string) => join(dataDir, "identity.json");

/** `signer` derives the public key, to check it against the file's. */
export async function loadIdentity(dataDir: string, signer: Pick<Signer, "publicKeyOf">): Promise<StoredIdentity | undefined> {
  const text = await readFileIfExists(identityPath(dataDir));
  if (text === undefined) return undefined;
  let parsed: Infer<typeof identityFile>;
  try {
    parsed = identityFile.parse(JSON.parse(text));
  } catch {
    throw new Error(
      `${identityPath(dataDir)} is damaged: it does not hold a Commune identity. Restore it from a backup; a new identity would be a different member.`,
    );
  }
  const keys = keyPairFromSecret(hexToBytes(parsed.secretKey), signer.publicKeyOf);
  if (keys.publicKey !== parsed.publicKey) throw new Error(`${identityPath(dataDir)} is damaged: its public key does not match its secret key.`);
  return { keys, name: parsed.name };
}

/** Loads the member's identity, creating a key pair on first run. */
export async function loadOrCreateIdentity(
  dataDir: string,
  signer: Pick<Signer, "publicKeyOf">,
  name = "",
): Promise<{ identity: StoredIdentity; created: boolean }> {
  const existing = await loadIdentity(dataDir, signer);
  if (existing) return { identity: existing, created: false };
  const identity = { keys: generateKeyPair(), name };
  await saveIdentity(dataDir, identity);
  return { identity, created: true };
}

export async function saveIdentity(dataDir: string, identity: StoredIdentity): Promise<void> {
  const content = { v: 1, publicKey: identity.keys.publicKey, secretKey: bytesToHex(identity.keys.secretKey), name: identity.name };
  await writeFileAtomic(identityPath(dataDir), `${JSON.stringify(content, null, 2)}\n`, 0o600);
}
