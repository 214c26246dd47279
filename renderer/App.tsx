import { useEffect, useState } from "react";
import type { CommuneListItem } from "../shared/commands/views";
import { useLinkState, useView } from "./link/hooks";
import { desktopApi } from "./platform";
import { FirstRun } from "./screens/first-run/FirstRun";
import { CreateCommuneForm } from "./screens/first-run/CreateCommuneForm";
import { JoinCommuneForm } from "./screens/first-run/JoinCommuneForm";
import { HomeScreen } from "./screens/home/HomeScreen";
import { KnowledgeScreen } from "./screens/knowledge/KnowledgeScreen";
import { PartnersScreen } from "./screens/partners/PartnersScreen";
import { PartnerReadsProvider } from "./screens/partners/partner-reads";
import { MembersScreen } from "./screens/members/MembersScreen";
import { ProposalsScreen } from "./screens/proposals/ProposalsScreen";
import { PurseScreen } from "./screens/purse/PurseScreen";
import { SettingsScreen } from "./screens/settings/SettingsScreen";
import { ErrorText, Notice, Panel, SCREEN_TITLES, SCREENS, SuccessText, SyncStatus, hrefFor, navigate, useRoute, type Route, type Screen } from "./ui";

const LAST_PLACE = "commune.last-place";

interface LastPlace {
  communeId: string;
  screen: Screen;
}

function readLastPlace(): LastPlace | undefined {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(LAST_PLACE) ?? "null");
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { communeId, screen } = parsed as Record<string, unknown>;
    if (typeof communeId !== "string" || !(SCREENS as readonly unknown[]).includes(screen)) return undefined;
    return { communeId, screen: screen as Screen };
  } catch {
    return undefined;
  }
}

/**
 * The window's shell: the link banner, first run, the commune switcher, the
 * main navigation with the sync status beside it, and the screen the URL's
 * hash names.
 */
export function App() {
  const linkState = useLinkState();
  const identity = useView("identity.show", {});
  const communes = useView("commune.list", {});
  const route = useRoute();
  // What joining said, shown on the joined commune's Home only: it is news about that moment, not a standing fact (the member may be removed later).
  const [joined, setJoined] = useState<{ communeId: string; message: string }>();
  const joinedMessage = joined && route.kind === "commune" && route.communeId === joined.communeId && route.screen === "home" ? joined.message : undefined;
  useEffect(() => {
    // Cleared once the member moves on to another commune screen (not while the join's own navigation is still arriving).
    if (joined && route.kind === "commune" && !(route.communeId === joined.communeId && route.screen === "home")) setJoined(undefined);
  }, [route, joined]);

  // Remember where the member was, and go back there when the window opens with no place in the URL.
  useEffect(() => {
    if (route.kind === "commune") localStorage.setItem(LAST_PLACE, JSON.stringify({ communeId: route.communeId, screen: route.screen } satisfies LastPlace));
  }, [route]);
  const list = communes.value;
  useEffect(() => {
    if (route.kind !== "none" || !list || list.length === 0) return;
    const last = readLastPlace();
    const target = last && list.some((commune) => commune.id === last.communeId) ? last : { communeId: list[0]!.id, screen: "home" as const };
    navigate({ kind: "commune", ...target }, { replace: true });
  }, [route, list]);

  // The desktop menu's File > Export purse… / Import snapshot… open the purse's snapshot tools.
  const currentCommune = route.kind === "commune" ? route.communeId : list?.[0]?.id;
  useEffect(() => {
    const onMenu = desktopApi()?.onMenuCommand;
    if (!onMenu || !currentCommune) return;
    return onMenu(() => {
      navigate({ kind: "commune", communeId: currentCommune, screen: "purse" });
      // The purse screen draws its tools once the commune's view has arrived.
      let tries = 0;
      const reveal = () => {
        const tools = document.getElementById("snapshot-tools");
        if (tools) {
          tools.scrollIntoView({ block: "center" });
          tools.focus();
        } else if (++tries < 30) setTimeout(reveal, 100);
      };
      reveal();
    });
  }, [currentCommune]);

  const banner =
    linkState === "stale" ? (
      <p className="link-banner" role="alert">
        Commune was restarted, so this page&apos;s address no longer opens it. Open the new address it printed when it started (it ends in #token=…); nothing
        can be changed on this page.
      </p>
    ) : linkState === "closed" ? (
      <p className="link-banner" role="alert">
        Lost the connection to your Commune host; reconnecting… Until it answers, nothing can be changed here.
      </p>
    ) : null;

  if (!identity.value || !list) {
    return (
      <>
        {banner}
        <main className="loading-page" aria-busy="true">
          {identity.error ? (
            <ErrorText error={identity.error} />
          ) : communes.error ? (
            <ErrorText error={communes.error} />
          ) : (
            <p className="muted">Connecting to your Commune host…</p>
          )}
        </main>
      </>
    );
  }

  const named = identity.value.name !== "";
  const goToCommune = (communeId: string, message?: string) => {
    setJoined(message === undefined ? undefined : { communeId, message });
    navigate({ kind: "commune", communeId, screen: "home" });
  };

  if (!named || (list.length === 0 && route.kind !== "settings")) {
    return (
      <>
        {banner}
        <FirstRun named={named} onCommune={goToCommune} />
      </>
    );
  }

  const current = route.kind === "commune" ? list.find((commune) => commune.id === route.communeId) : undefined;
  const communeId = route.kind === "commune" ? route.communeId : undefined;

  return (
    <div className="shell">
      {banner}
      <header className="shell__header">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <span className="shell__brand" aria-hidden="true">
          Commune
        </span>
        <CommuneSwitcher communes={list} route={route} />
        {communeId ? <SyncStatus communeId={communeId} /> : null}
      </header>
      {communeId ? (
        <nav aria-label="Commune" className="shell__nav">
          <ul>
            {SCREENS.map((screen) => (
              <li key={screen}>
                <a
                  href={hrefFor({ kind: "commune", communeId, screen })}
                  aria-current={route.kind === "commune" && route.screen === screen ? "page" : undefined}
                >
                  {SCREEN_TITLES[screen]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" className="shell__main" tabIndex={-1}>
        {joinedMessage ? <SuccessText>{joinedMessage}</SuccessText> : null}
        <PartnerReadsProvider>
          <Page route={route} known={current !== undefined} onCommune={goToCommune} />
        </PartnerReadsProvider>
      </main>
    </div>
  );
}

function Page({ route, known, onCommune }: { route: Route; known: boolean; onCommune(communeId: string, message?: string): void }) {
  switch (route.kind) {
    case "new":
      return (
        <Panel title="New commune">
          <CreateCommuneForm onCreated={(id) => onCommune(id)} />
        </Panel>
      );
    case "join":
      return (
        <Panel title="Join a commune">
          <JoinCommuneForm onJoined={onCommune} />
        </Panel>
      );
    case "settings":
      return <SettingsScreen communeId={undefined} />;
    case "none":
      return <p className="muted">Opening your commune…</p>;
    case "commune":
      if (!known) return <Notice>This commune is not on this computer. Choose one above, or join it with an invite.</Notice>;
      return <CommunePage communeId={route.communeId} screen={route.screen} />;
  }
}

function CommunePage({ communeId, screen }: { communeId: string; screen: Screen }) {
  // Keyed by commune so a switch never shows one commune's form state in another.
  switch (screen) {
    case "home":
      return <HomeScreen key={communeId} communeId={communeId} />;
    case "purse":
      return <PurseScreen key={communeId} communeId={communeId} />;
    case "members":
      return <MembersScreen key={communeId} communeId={communeId} />;
    case "proposals":
      return <ProposalsScreen key={communeId} communeId={communeId} />;
    case "knowledge":
      return <KnowledgeScreen key={communeId} communeId={communeId} />;
    case "partners":
      return <PartnersScreen key={communeId} communeId={communeId} />;
    case "settings":
      return <SettingsScreen key={communeId} communeId={communeId} />;
  }
}

/** Which commune the window shows; founding and joining another are always one step away. */
function CommuneSwitcher({ communes, route }: { communes: CommuneListItem[]; route: Route }) {
  const selected = route.kind === "commune" ? route.communeId : "";
  const screen = route.kind === "commune" ? route.screen : "home";
  return (
    <div className="switcher">
      <label className="visually-hidden" htmlFor="commune-switcher">
        Current commune
      </label>
      <select
        id="commune-switcher"
        value={selected}
        onChange={(event) => {
          if (event.target.value) navigate({ kind: "commune", communeId: event.target.value, screen });
        }}
      >
        {selected === "" ? <option value="">Choose a commune</option> : null}
        {communes.map((commune) => (
          <option key={commune.id} value={commune.id}>
            {commune.name}
            {commune.status === undefined ? " (syncing)" : commune.status !== "active" ? ` (${commune.status})` : ""}
          </option>
        ))}
      </select>
      <a className="button button--secondary" href={hrefFor({ kind: "new" })} aria-current={route.kind === "new" ? "page" : undefined}>
        New commune
      </a>
      <a className="button button--secondary" href={hrefFor({ kind: "join" })} aria-current={route.kind === "join" ? "page" : undefined}>
        Join a commune
      </a>
    </div>
  );
}
