import type { Problem } from "../result";

/**
 * Problem codes that say this computer's disk refused a write (full,
 * read-only, failing; host/store/disk-refusal.ts): nothing the commune's
 * rules decided, so their kind is "unavailable" until the member fixes the
 * disk. Apart from commands.ts so the CLI can tell them without loading zod.
 */
export const DISK_REFUSALS: ReadonlySet<string> = new Set(["host.diskFull", "host.diskReadOnly", "host.diskFailed"]);

/**
 * A disk's refusal of a change the host made and holds: it is in the
 * commune already and is saved once the disk takes writes, so a front end
 * must not offer to make it again (a second try would record it twice).
 */
export const keptUnsaved = (error: Problem): boolean => DISK_REFUSALS.has(error.code) && error.params?.["kept"] === true;
