import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { desktopChannel } from "./link/desktop-channel";
import { LinkContext } from "./link/hooks";
import { Link, type Channel } from "./link/link";
import { tokenFromHash, websocketChannel } from "./link/websocket-channel";
import { desktopApi } from "./platform";
import "./ui/theme.css";

const TOKEN_KEY = "commune.link-token";

/**
 * Browser mode's token: taken from the URL `npm run serve` printed
 * (#token=...), kept for this tab so a reload still connects, and removed
 * from the address bar so it is not left in history or a screenshot.
 */
function browserToken(): string | undefined {
  const fromHash = tokenFromHash(location.hash);
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, "", `${location.pathname}${location.search}`);
    return fromHash;
  }
  const stored = sessionStorage.getItem(TOKEN_KEY);
  return stored ? tokenFromHash(`token=${stored}`) : undefined;
}

function channel(): Channel | undefined {
  const api = desktopApi();
  if (api) return desktopChannel(api);
  // A member who pastes the address a restarted Commune printed into this tab changes only the fragment, which loads nothing: start over with its token.
  window.addEventListener("hashchange", () => {
    if (tokenFromHash(location.hash)) location.reload();
  });
  const token = browserToken();
  return token ? websocketChannel(location, token) : undefined;
}

function NoToken() {
  return (
    <main className="no-token">
      <h1>Commune</h1>
      <p>This page needs the address your Commune host printed when it started.</p>
      <p>
        Run <code>npm run serve</code> and open the URL it prints (it ends with <code>#token=…</code>), in this browser.
      </p>
    </main>
  );
}

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
const picked = channel();
const link = picked ? new Link(picked) : undefined;
createRoot(root).render(
  <StrictMode>
    {link ? (
      <LinkContext.Provider value={link}>
        <App />
      </LinkContext.Provider>
    ) : (
      <NoToken />
    )}
  </StrictMode>,
);
