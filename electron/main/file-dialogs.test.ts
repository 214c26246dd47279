import { describe, expect, it } from "vitest";
import { chooseFile, randomGrant, type FileDialogDeps } from "./file-dialogs";
import type { GrantRequest } from "./host-supervisor";

/** The dialogs as a test drives them: what the member picks, and what reached the host. */
function dialogs(picked: string | undefined, hostTakes = true) {
  const granted: GrantRequest[] = [];
  const shown: string[] = [];
  const deps: FileDialogDeps = {
    showSave: (request) => {
      shown.push(`save ${request.defaultName}`);
      return Promise.resolve(picked);
    },
    showOpen: (request) => {
      shown.push(`open ${request.extensions.join(",")}`);
      return Promise.resolve(picked);
    },
    grant: (request) => {
      granted.push(request);
      return Promise.resolve(hostTakes);
    },
  };
  return { deps, granted, shown };
}

describe("main's file dialogs hand out grants, not paths", () => {
  it("gives the page a grant and the file's name for the file the member saved to, and the host the path", async () => {
    const { deps, granted, shown } = dialogs("/home/ada/Documents/riverside-purse.csv");
    const chosen = await chooseFile("save", { title: "Export", defaultName: "riverside-purse.csv", extensions: ["csv"] }, deps);
    expect(shown).toEqual(["save riverside-purse.csv"]);
    expect(chosen).toEqual({ grant: granted[0]!.grant, name: "riverside-purse.csv" });
    expect(JSON.stringify(chosen)).not.toContain("/home/ada");
    expect(granted).toEqual([{ grant: chosen!.grant, operation: "save", path: "/home/ada/Documents/riverside-purse.csv" }]);
    expect(chosen!.grant).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("grants an opened file for reading only", async () => {
    const { deps, granted } = dialogs("/home/ada/backup.automerge");
    const chosen = await chooseFile("open", { title: "Import", extensions: ["automerge"] }, deps);
    expect(granted).toEqual([{ grant: chosen!.grant, operation: "open", path: "/home/ada/backup.automerge" }]);
  });

  it("grants nothing when the member cancels", async () => {
    const { deps, granted } = dialogs(undefined);
    expect(await chooseFile("open", { title: "Verify", extensions: ["json"] }, deps)).toBeUndefined();
    expect(granted).toEqual([]);
  });

  it("opens no dialog for a request a page steers at a folder", async () => {
    const { deps, shown, granted } = dialogs("/home/ada/.bashrc");
    await expect(chooseFile("save", { title: "Export", defaultName: "../../.bashrc", extensions: ["csv"] }, deps)).rejects.toThrow(
      "The save dialog request is invalid",
    );
    await expect(chooseFile("open", { title: "Import", extensions: ["*"] }, deps)).rejects.toThrow("The open dialog request is invalid");
    expect(shown).toEqual([]);
    expect(granted).toEqual([]);
  });

  it("says so, and hands out nothing, when the host did not take the grant", async () => {
    const { deps } = dialogs("/home/ada/purse.json", false);
    await expect(chooseFile("save", { title: "Export", defaultName: "purse.json", extensions: ["json"] }, deps)).rejects.toThrow(
      /did not take the chosen file/,
    );
  });

  it("makes a fresh random grant each time", () => {
    const grants = new Set(Array.from({ length: 100 }, randomGrant));
    expect(grants.size).toBe(100);
  });
});
