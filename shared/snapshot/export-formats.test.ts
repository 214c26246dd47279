import { describe, expect, it } from "vitest";
import { commandInputs } from "../commands/commands";
import { EXPORT_FORMAT_INFO, EXPORT_FORMATS, isExportFormat } from "./export-formats";

describe("the export formats", () => {
  it("are the formats the export command accepts, and no others", () => {
    const schema = commandInputs["snapshot.export"];
    for (const format of EXPORT_FORMATS) expect(schema.safeParse({ commune: "c".repeat(32), format }).success, format).toBe(true);
    expect(schema.safeParse({ commune: "c".repeat(32), format: "xlsx" }).success).toBe(false);
  });

  it("each have a label, a description and a file extension of their own", () => {
    expect(Object.keys(EXPORT_FORMAT_INFO).sort()).toEqual([...EXPORT_FORMATS].sort());
    const extensions = EXPORT_FORMATS.map((format) => EXPORT_FORMAT_INFO[format].extension);
    expect(new Set(extensions).size).toBe(EXPORT_FORMATS.length);
    for (const format of EXPORT_FORMATS) {
      expect(EXPORT_FORMAT_INFO[format].label).not.toBe("");
      expect(EXPORT_FORMAT_INFO[format].description).toMatch(/\.$/);
    }
  });

  it("tells a format name from any other text", () => {
    expect(EXPORT_FORMATS.every(isExportFormat)).toBe(true);
    expect(isExportFormat("JSON")).toBe(false);
    expect(isExportFormat("toString")).toBe(false);
  });
});
