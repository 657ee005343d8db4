// Formatting shared by both views. Times come from the server as ISO-8601 UTC seconds.

export function formatPercent(value) {
  return value === null || value === undefined ? '–' : `${value.toFixed(1)} %`;
}

export function epochSec(iso) {
  return Date.parse(iso) / 1000;
}

/** How long ago, in words a person reads at a glance: "just now", "42 s ago", "3 min ago". */
export function formatAge(ageSec) {
  const sec = Math.max(0, Math.round(ageSec));
  if (sec < 2) return 'just now';
  if (sec < 60) return `${sec} s ago`;
  const min = Math.floor(sec / 60);
  if (min < 60) return `${min} min ago`;
  const hours = Math.floor(min / 60);
  return min % 60 === 0 ? `${hours} h ago` : `${hours} h ${min % 60} min ago`;
}

/** Sets text only when it changed, so a refresh repaints nothing that stayed the same. */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}
