// Entry point: picks the view from the URL hash and refreshes it every 5 seconds.
import { StoreUnavailableError, UnreachableError } from './api.js';
import { fleetView } from './fleet-view.js';
import { hostView } from './host-view.js';

const REFRESH_INTERVAL_MS = 5_000;

const banner = document.getElementById('banner');
const updated = document.getElementById('updated');

for (const origin of document.querySelectorAll('.origin')) origin.textContent = location.origin;
// The agent as GET /agent.sh serves it, piped into sh: SERVERTRACK_URL applies to the sh that runs it.
document.getElementById('agent-command').textContent = `curl -fsS ${location.origin}/agent.sh | SERVERTRACK_URL=${location.origin} sh`;

let view = null;
let timer = null;
let generation = 0;
let refreshes = 0;

/** #/host/<name> shows one host; anything else shows the fleet, whose state is the rest of the hash. */
function route() {
  const match = /^#\/host\/(.*)$/.exec(location.hash);
  const next = match && match[1] !== '' ? hostView : fleetView;
  if (view && view !== next) view.hide();
  view = next;
  if (next === hostView) hostView.show(match[1]);
  else fleetView.show(location.hash);
}

function showBanner(text) {
  banner.hidden = text === null;
  if (text !== null && banner.textContent !== text) banner.textContent = text;
  document.body.classList.toggle('unreachable', text !== null);
}

function failureText(err) {
  const retrying = `Showing the last data received; retrying every ${REFRESH_INTERVAL_MS / 1000} s.`;
  if (err instanceof StoreUnavailableError) return `The server’s store is unavailable (HTTP 503 store unavailable). ${retrying}`;
  if (err instanceof UnreachableError) return `Server unreachable (${err.detail}). ${retrying}`;
  return `Unexpected answer from the server (${err.message}). ${retrying}`;
}

async function refresh() {
  const mine = ++generation;
  clearTimeout(timer);
  try {
    await view.refresh();
    if (mine !== generation) return;
    showBanner(null);
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    if (mine !== generation) return;
    if (!(err instanceof UnreachableError || err instanceof StoreUnavailableError)) console.error(err);
    // The last data stays on screen, dimmed, under the banner, until the server answers again.
    showBanner(failureText(err));
  }
  if (mine !== generation) return;
  // Tests and tools wait on this count rather than on time: one more per finished refresh.
  document.body.dataset.refreshes = String(++refreshes);
  timer = setTimeout(refresh, REFRESH_INTERVAL_MS);
}

window.addEventListener('hashchange', () => {
  route();
  void refresh();
});

route();
void refresh();
