import { communeIdOf, type CommuneId, type Genesis } from "../commune/genesis";
import type { Verifier } from "../identity/crypto";
import { checkSignature, type Signed } from "../identity/signed";

/**
 * Whether a registration's genesis may register `commune` on a relay: it must
 * carry a valid founder's signature and hash to that very commune id. So only
 * someone holding the commune's signed genesis (its members, through the
 * CommuneDoc) can ask a relay to serve it. Undefined when it may; otherwise
 * the reason, for the refusal a member's host shows.
 */
export function registrationProblem(verifier: Verifier, commune: CommuneId, genesis: { by?: unknown; sig?: unknown }): string | undefined {
  // The id first: a hash is cheap, a signature check is not, and anyone may send a hello.
  let id: CommuneId;
  try {
    id = communeIdOf(genesis as Signed<Genesis>);
  } catch {
    return "The commune's founding record cannot be read";
  }
  if (id !== commune) return "The founding record belongs to another commune";
  if (checkSignature(verifier, "genesis", genesis) !== undefined) return "The commune's founding record is not validly signed";
  return undefined;
}
