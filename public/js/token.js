// The API token: asked for once, kept in localStorage, sent as a Bearer header.

const STORAGE_KEY = 'servertrack.token';

let pending = null;

export function savedToken() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: ask every time the page loads
  }
}

export function authHeaders() {
  const token = savedToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

function forget() {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

function remember(token) {
  try {
    localStorage.setItem(STORAGE_KEY, token);
  } catch {
    // storage disabled: the token lives until the page is closed
  }
}

const REASONS = {
  missing: 'This server only answers requests that carry its token.',
  rejected: 'The saved token was not accepted. Enter the current one.',
  // The page only reads, so a read token (or a full one) is what it needs; an ingest token gets 403.
  outOfScope: 'The saved token may not read (it lacks the read scope). Enter a read token or a full one.',
};

/**
 * Shows the token dialog and resolves once a token is saved. Every request that got a 401 or
 * 403 while the dialog is open waits on the same promise, so the user is asked once.
 * `why` is one of 'missing', 'rejected' (401 for a saved token), 'outOfScope' (403).
 */
export function askForToken(why) {
  if (pending) return pending;
  if (why !== 'missing') forget();
  const dialog = document.getElementById('token-dialog');
  const form = document.getElementById('token-form');
  const input = document.getElementById('token-input');
  document.getElementById('token-reason').textContent = REASONS[why];
  pending = new Promise((resolve) => {
    const onSubmit = (event) => {
      const token = input.value.trim();
      if (token === '') {
        event.preventDefault();
        return;
      }
      form.removeEventListener('submit', onSubmit);
      remember(token);
      input.value = '';
      pending = null;
      resolve();
    };
    form.addEventListener('submit', onSubmit);
  });
  // Escape must not close the dialog: the page would wait forever for a token.
  dialog.oncancel = (event) => event.preventDefault();
  dialog.showModal();
  input.focus();
  return pending;
}
