import { z } from "zod";

/**
 * What the page may ask of the native file dialogs, parsed before a dialog
 * opens. The page proposes a file name, never a folder: the name goes through
 * isSafeFileName so "../../.bashrc", "C:\\x", "CON" or a NUL cannot steer the
 * default path anywhere.
 */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

export function isSafeFileName(name: string): boolean {
  if (name.length === 0 || name.length > 200) return false;
  if (name === "." || name === "..") return false;
  if (/[/\\:*?"<>|]/.test(name)) return false;
  if (/\p{Cc}/u.test(name)) return false;
  if (/[. ]$/.test(name) || name.startsWith(" ")) return false;
  return !WINDOWS_RESERVED.test(name);
}

const title = z.string().max(200);
const extension = z.string().regex(/^[a-z0-9]{1,10}$/i, "An extension is 1 to 10 letters or digits, without the dot.");
const extensions = z.array(extension).max(10);

export const saveDialogRequest = z.strictObject({
  title,
  defaultName: z.string().refine(isSafeFileName, "The suggested file name must be a plain file name."),
  extensions,
});

export const openDialogRequest = z.strictObject({ title, extensions });

export type SaveDialogRequest = z.infer<typeof saveDialogRequest>;
export type OpenDialogRequest = z.infer<typeof openDialogRequest>;

/** The dialog's file-type filter; no filter when the page names no extension. */
export function dialogFilters(list: readonly string[]): { name: string; extensions: string[] }[] {
  return list.length === 0 ? [] : [{ name: list.map((ext) => ext.toUpperCase()).join(", "), extensions: [...list] }];
}
