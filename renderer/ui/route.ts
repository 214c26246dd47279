import { useEffect, useState } from "react";
import { COMMUNE_ID } from "../../shared/docs/fields";

/**
 * Where the window is, kept in the URL's hash (#/c/<commune>/<screen>) so
 * back and forward work, a reload stays put, and the same build routes
 * under file:// in Electron and / in browser mode.
 */
export const SCREENS = ["home", "purse", "members", "proposals", "knowledge", "partners", "settings"] as const;
export type Screen = (typeof SCREENS)[number];

export const SCREEN_TITLES: Record<Screen, string> = {
  home: "Home",
  purse: "Purse",
  members: "Members",
  proposals: "Proposals",
  knowledge: "Knowledge",
  partners: "Partners",
  settings: "Settings",
};

export type Route = { kind: "commune"; communeId: string; screen: Screen } | { kind: "new" } | { kind: "join" } | { kind: "settings" } | { kind: "none" };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  if (parts[0] === "new" && parts.length === 1) return { kind: "new" };
  if (parts[0] === "join" && parts.length === 1) return { kind: "join" };
  if (parts[0] === "settings" && parts.length === 1) return { kind: "settings" };
  if (parts[0] === "c" && parts[1] && COMMUNE_ID.test(parts[1])) {
    const screen = (SCREENS as readonly string[]).includes(parts[2] ?? "") ? (parts[2] as Screen) : "home";
    return { kind: "commune", communeId: parts[1], screen };
  }
  return { kind: "none" };
}

export function hrefFor(route: Route): string {
  switch (route.kind) {
    case "commune":
      return `#/c/${route.communeId}/${route.screen}`;
    case "new":
      return "#/new";
    case "join":
      return "#/join";
    case "settings":
      return "#/settings";
    case "none":
      return "#/";
  }
}

/** The link to one screen of a commune, for screens that point at each other ("see Proposals"). */
export const screenHref = (communeId: string, screen: Screen): string => hrefFor({ kind: "commune", communeId, screen });

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const href = hrefFor(route);
  if (options.replace) {
    history.replaceState(null, "", href);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = href;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
