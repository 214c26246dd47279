import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findElectron, isBuildStale, notInstalledLine, start, type FsProbe, type StartDeps } from "./start";

const root = "/repo";
const pathTxt = join(root, "node_modules/electron/path.txt");

/** A file system holding exactly these files. */
const files = (contents: Record<string, string>): FsProbe => ({
  existsSync: (path) => path in contents,
  readFileSync: (path) => {
    const text = contents[path];
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  },
});

describe("finding the Electron binary without the electron package's download", () => {
  it("uses ELECTRON_OVERRIDE_DIST_PATH with the name from path.txt", () => {
    const fs = files({ [pathTxt]: "electron", "/opt/electron/electron": "" });
    expect(findElectron(root, { ELECTRON_OVERRIDE_DIST_PATH: "/opt/electron" }, fs)).toEqual({ found: true, path: "/opt/electron/electron" });
  });

  it("uses ELECTRON_OVERRIDE_DIST_PATH/electron when path.txt is missing", () => {
    expect(findElectron(root, { ELECTRON_OVERRIDE_DIST_PATH: "/opt/e" }, files({ "/opt/e/electron": "" }))).toEqual({ found: true, path: "/opt/e/electron" });
  });

  it("reports the override's path when nothing is there", () => {
    expect(findElectron(root, { ELECTRON_OVERRIDE_DIST_PATH: "/opt/e" }, files({}))).toEqual({ found: false, looked: "/opt/e/electron" });
  });

  it("uses node_modules/electron/dist/<path.txt> when the package installed its binary", () => {
    const binary = join(root, "node_modules/electron/dist/Electron.app/Contents/MacOS/Electron");
    const fs = files({ [pathTxt]: "Electron.app/Contents/MacOS/Electron\n", [binary]: "" });
    expect(findElectron(root, {}, fs)).toEqual({ found: true, path: binary });
  });

  it("does not count path.txt without the binary it names", () => {
    expect(findElectron(root, {}, files({ [pathTxt]: "electron" }))).toEqual({ found: false, looked: join(root, "node_modules/electron/dist/electron") });
  });

  it("finds nothing on a machine where the package never downloaded a binary", () => {
    expect(findElectron(root, {}, files({}))).toEqual({ found: false, looked: join(root, "node_modules/electron/dist/electron") });
  });
});

describe("when to build before launching", () => {
  it("builds when an output is missing or older than the newest source", () => {
    expect(isBuildStale([10, undefined], 5)).toBe(true);
    expect(isBuildStale([10, 4], 5)).toBe(true);
    expect(isBuildStale([10, 6], 5)).toBe(false);
  });
});

describe("npm start", () => {
  function deps(fs: FsProbe, env: NodeJS.ProcessEnv = {}) {
    const calls: string[] = [];
    let stdout = "";
    let stderr = "";
    const startDeps: StartDeps = {
      root,
      env,
      fs,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      buildIfStale: () => {
        calls.push("build");
        return 0;
      },
      runElectron: async (binary, args) => {
        calls.push(`electron ${binary} ${args.join(" ")}`);
        return 7;
      },
      browserMode: async (argv) => {
        calls.push(`browser ${argv.join(" ")}`);
        return 0;
      },
      downloadElectron: async () => {
        calls.push("download");
        return false;
      },
    };
    return { startDeps, calls, out: () => stdout, err: () => stderr };
  }

  it("without a binary tries to fetch it once, then prints one line and starts browser mode with the same arguments", async () => {
    const run = deps(files({}));
    expect(await start(["--port", "0"], run.startDeps)).toBe(0);
    expect(run.out()).toBe(notInstalledLine(join(root, "node_modules/electron/dist/electron")));
    expect(run.out()).toMatch(/^Electron is not installed on this machine \(no binary at .+\): starting browser mode instead\.\n$/);
    expect(run.calls).toEqual(["download", "browser --port 0"]);
  });

  it("launches the app when fetching the binary works", async () => {
    const probe: Record<string, string> = { [join(root, "node_modules/electron/path.txt")]: "electron" };
    const run = deps(files(probe));
    run.startDeps.downloadElectron = async () => {
      probe[join(root, "node_modules/electron/dist/electron")] = "";
      return true;
    };
    run.startDeps.fs = files(probe);
    expect(await start([], run.startDeps)).toBe(7);
    expect(run.calls).toEqual(["build", `electron ${join(root, "node_modules/electron/dist/electron")} ${join(root, "dist/electron/main.js")}`]);
  });

  it("does not fetch when told not to, or when an override names the binary", async () => {
    const off = deps(files({}), { COMMUNE_NO_ELECTRON_DOWNLOAD: "1" });
    await start([], off.startDeps);
    expect(off.calls).toEqual(["browser "]);
    const override = deps(files({}), { ELECTRON_OVERRIDE_DIST_PATH: "/nowhere" });
    await start([], override.startDeps);
    expect(override.calls).toEqual(["browser "]);
  });

  it("with a binary builds what is stale and runs Electron on the built main, passing its exit code on", async () => {
    const run = deps(files({ "/opt/e/electron": "" }), { ELECTRON_OVERRIDE_DIST_PATH: "/opt/e" });
    expect(await start(["--trace-warnings"], run.startDeps)).toBe(7);
    expect(run.calls).toEqual(["build", `electron /opt/e/electron ${join(root, "dist/electron/main.js")} --trace-warnings`]);
    expect(run.out()).toBe("");
  });

  it("does not launch after a failed build", async () => {
    const run = deps(files({ "/opt/e/electron": "" }), { ELECTRON_OVERRIDE_DIST_PATH: "/opt/e" });
    run.startDeps.buildIfStale = () => 2;
    expect(await start([], run.startDeps)).toBe(2);
    expect(run.err()).toBe("The build failed (exit code 2); not starting Commune.\n");
  });
});
