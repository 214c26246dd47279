import { describe, expect, it } from "vitest";
import { MENU_COMMANDS } from "../../shared/link/desktop-api";
import { menuTemplate } from "./app-menu";
import { dialogFilters, isSafeFileName, openDialogRequest, saveDialogRequest } from "./dialog-requests";
import { isTrustedSender, type FrameLike } from "./ipc-senders";

const mainFrame: FrameLike = { url: "app://commune/index.html", processId: 4, routingId: 1, parent: null };

describe("who may use the IPC handlers", () => {
  it("accepts the top frame of an app window showing the app's page", () => {
    expect(isTrustedSender({ ...mainFrame, url: "app://commune/index.html#/proposals" }, [mainFrame])).toBe(true);
  });

  it.each([
    ["a frame that is gone", null],
    ["a subframe", { ...mainFrame, parent: mainFrame }],
    ["another frame of the same process", { ...mainFrame, routingId: 2 }],
    ["a frame in another process", { ...mainFrame, processId: 5 }],
    ["the main frame after it left the app", { ...mainFrame, url: "https://evil.example/" }],
    ["the main frame showing a file", { ...mainFrame, url: "file:///tmp/x.html" }],
  ])("refuses %s", (_who, frame) => {
    expect(isTrustedSender(frame, [mainFrame])).toBe(false);
  });
});

describe("what the page may ask of the file dialogs", () => {
  it.each(["commune-purse.json", "Oak Street 2025.csv", "journal.ledger", "é.txt"])("takes %s as a suggested file name", (name) => {
    expect(isSafeFileName(name)).toBe(true);
  });

  it.each([
    "",
    ".",
    "..",
    "../../.bashrc",
    "a/b.json",
    "C:\\x.json",
    "x:stream",
    "CON",
    "nul.txt",
    "a\u0000b",
    "tab\there",
    "trailing.",
    "trailing ",
    " leading",
    "a".repeat(201),
  ])("refuses %j as a suggested file name", (name) => {
    expect(isSafeFileName(name)).toBe(false);
  });

  it("parses requests and refuses extra fields or bad extensions", () => {
    expect(saveDialogRequest.safeParse({ title: "Export", defaultName: "purse.json", extensions: ["json"] }).success).toBe(true);
    expect(saveDialogRequest.safeParse({ title: "Export", defaultName: "../purse.json", extensions: ["json"] }).success).toBe(false);
    expect(saveDialogRequest.safeParse({ title: "Export", defaultName: "purse.json", extensions: [".json"] }).success).toBe(false);
    expect(openDialogRequest.safeParse({ title: "Import", extensions: ["json"], defaultPath: "/etc" }).success).toBe(false);
    expect(openDialogRequest.safeParse("json").success).toBe(false);
  });

  it("offers one filter for the asked extensions, none when none are asked", () => {
    expect(dialogFilters(["json", "csv"])).toEqual([{ name: "JSON, CSV", extensions: ["json", "csv"] }]);
    expect(dialogFilters([])).toEqual([]);
  });
});

describe("the application menu", () => {
  const labelsAndRoles = (platform: NodeJS.Platform) =>
    menuTemplate(platform, { menuCommand: () => {}, openDataFolder: () => {} }).map((item) => item.role ?? item.label);

  it("has the usual menus on each platform", () => {
    expect(labelsAndRoles("linux")).toEqual(["File", "editMenu", "View", "windowMenu", "help"]);
    expect(labelsAndRoles("darwin")).toEqual(["appMenu", "File", "editMenu", "View", "windowMenu", "help"]);
  });

  it("asks the page to export the purse or import a snapshot from File", () => {
    const asked: string[] = [];
    const file = menuTemplate("linux", { menuCommand: (command) => asked.push(command), openDataFolder: () => {} })[0]!;
    const items = file.submenu as { label?: string; click?: () => void }[];
    for (const label of ["Export purse…", "Import snapshot…"]) items.find((item) => item.label === label)!.click!();
    expect(asked).toEqual([...MENU_COMMANDS]);
  });
});
