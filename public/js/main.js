// Entry point: picks the view from the URL hash and refreshes it every 5 seconds.
import { UnreachableError } from './api.js';
import { fleetView } from './fleet-view.js';
import { hostView } from './host-view.js';

const REFRESH_INTERVAL_MS = 5_000;

const banner = document.getElementById('banner');
const updated = document.getElementById('updated');

for (const origin of document.querySelectorAll('.origin')) origin.textContent = location.origin;

let view = null;
let timer = null;
let generation = 0;

/** #/host/<name> shows one host; anything else shows the fleet. */
function route() {
  const match = /^#\/host\/(.+)$/.exec(location.hash);
  const next = match ? hostView : fleetView;
  if (view && view !== next) view.hide();
  view = next;
  if (match) hostView.show(decodeURIComponent(match[1]));
  else fleetView.show();
}

function showBanner(text) {
  banner.hidden = text === null;
  if (text !== null && banner.textContent !== text) banner.textContent = text;
  document.body.classList.toggle('unreachable', text !== null);
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
    if (!(err instanceof UnreachableError)) console.error(err);
    // The last data stays on screen, dimmed, under the banner, until the server answers again.
    const detail = err instanceof UnreachableError ? err.detail : 'unexpected error';
    showBanner(`Server unreachable (${detail}). Showing the last data received; retrying every ${REFRESH_INTERVAL_MS / 1000} s.`);
  }
  if (mine === generation) timer = setTimeout(refresh, REFRESH_INTERVAL_MS);
}

window.addEventListener('hashchange', () => {
  route();
  void refresh();
});

route();
void refresh();
