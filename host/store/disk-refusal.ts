import { access, constants } from "node:fs/promises";
import { relative } from "node:path";
import type { Problem, ProblemCode } from "../../shared/result";

/**
 * A write this computer's disk refused (full, read-only, or failing), said as
 * the member can act on it: the disk is theirs to fix, not a fault in the
 * host. Two cases, told apart because what the member must do differs:
 *
 * - kept: a change to the commune's documents that is made and held in
 *   memory, is already shown and sent to the relays, and is saved here once
 *   the disk takes writes again (repo-adaptations/save-failures.ts, the retry
 *   in CommuneDocs.save). Making it again would record it twice.
 * - unknown: any other file the host could not write (the identity, the list
 *   of communes, an export): whether the change took is not known here, so
 *   the member is asked to look before making it again.
 */

export type DiskTrouble = "full" | "readOnly" | "failed";

export interface DiskRefusal {
  trouble: DiskTrouble;
  /** Why, naming the folder: "the disk holding /home/ada/.commune is full"; a Problem's `params.why`, for words of its own. */
  why: string;
}

const CODES: Record<DiskTrouble, ProblemCode> = { full: "host.diskFull", readOnly: "host.diskReadOnly", failed: "host.diskFailed" };
const FIX: Record<DiskTrouble, string> = { full: "Make room on that disk", readOnly: "Make that folder writable", failed: "Fix what the disk says" };

const errnoOf = (error: unknown): string | undefined => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : undefined;
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function known(code: string | undefined, dataDir: string): DiskRefusal | undefined {
  if (code === "ENOSPC" || code === "EDQUOT") return { trouble: "full", why: `the disk holding ${dataDir} is full` };
  if (code === "EROFS") return { trouble: "readOnly", why: `${dataDir} is on a read-only disk` };
  if (code === "EACCES" || code === "EPERM") return { trouble: "readOnly", why: `this user may not write to ${dataDir}` };
  return undefined;
}

/**
 * What a failed write says about the disk, or undefined when it is not a
 * disk's refusal (then it is a bug, and said as one). Node 20's recursive
 * mkdir answers ENOENT, not EROFS, on a read-only disk (found by
 * tests/faults/disk-faults.test.ts: automerge-repo's storage makes a
 * folder for new chunks), so an ENOENT asks the folder itself whether it
 * can be written.
 */
export async function diskRefusalOf(error: unknown, dataDir: string): Promise<DiskRefusal | undefined> {
  const code = errnoOf(error);
  // A file outside the data directory (an export's `out`) may be on another disk: name it instead.
  const path = (error as NodeJS.ErrnoException | undefined)?.path;
  const outside = typeof path === "string" && relative(dataDir, path).startsWith("..") ? path : undefined;
  if (outside) return known(code, outside);
  return known(code, dataDir) ?? (code === "ENOENT" ? await probed(dataDir) : undefined);
}

/** The refusal of a write known to have gone to the disk (a document's save): whatever failed, the disk refused it. */
export async function saveRefusalOf(error: unknown, dataDir: string): Promise<DiskRefusal> {
  return known(errnoOf(error), dataDir) ?? (await probed(dataDir)) ?? { trouble: "failed", why: `the disk refused it (${messageOf(error)})` };
}

/** Whether the data directory itself can be written, as the disk says it. */
function probed(dataDir: string): Promise<DiskRefusal | undefined> {
  return access(dataDir, constants.W_OK).then(
    () => undefined,
    (probe: unknown) => known(errnoOf(probe), dataDir),
  );
}

/** The words for a change made and held, not yet on disk: it must not be made again. */
export function keptProblem(refusal: DiskRefusal): Problem {
  return {
    code: CODES[refusal.trouble],
    message:
      `Made, but not yet saved on this computer: ${refusal.why}. ` +
      `Do not make this change again: it is already in the commune (it shows here, and syncs like any other change), ` +
      `and Commune saves it here by itself once the disk takes writes again, as long as Commune keeps running. ${FIX[refusal.trouble]}.`,
    params: { kept: true, why: refusal.why },
  };
}

/** The words for a write whose outcome is not known here: look before making it again. */
export function unsavedProblem(refusal: DiskRefusal): Problem {
  return {
    code: CODES[refusal.trouble],
    message: `Could not save: ${refusal.why}. ${FIX[refusal.trouble]}, then check whether this change shows before making it again.`,
    params: { kept: false, why: refusal.why },
  };
}
