import { describe, expect, it } from "vitest";
import { portProblem, RELAY_FORM_DEFAULTS } from "../renderer/screens/settings/relay-form";

describe("the app's form for hosting a relay", () => {
  it("starts with this computer only: the network is the member's choice", () => {
    expect(RELAY_FORM_DEFAULTS.lan).toBe(false);
    expect(portProblem(RELAY_FORM_DEFAULTS.port)).toBeUndefined();
  });

  it("refuses the system's ports under 1024 with the reason, as the host does", () => {
    expect(portProblem("80")).toBe("Port 80 is reserved for the system's own services: choose one from 1024 to 65535, or 0 to pick a free one");
    expect(portProblem("1023")).toMatch(/^Port 1023 is reserved/);
    expect(portProblem("1024")).toBeUndefined();
    expect(portProblem("0")).toBeUndefined();
    expect(portProblem("65536")).toMatch(/from 1024 to 65535/);
    expect(portProblem("")).toBe("Enter a port number, such as 3030");
  });
});
