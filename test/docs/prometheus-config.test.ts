/*
 * docs/prometheus.md shows examples/prometheus.yml, which the real-Prometheus test runs
 * (test/e2e/prometheus.e2e.test.ts): the page must show the file as it is, its opening
 * comment aside.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../helpers/server-process';

describe('docs/prometheus.md', () => {
  it('shows examples/prometheus.yml as it is, but for its opening comment', () => {
    const page = readFileSync(path.join(ROOT_DIR, 'docs', 'prometheus.md'), 'utf8');
    const shown = /```yaml\n([\s\S]*?)```/.exec(page)?.[1];
    const file = readFileSync(path.join(ROOT_DIR, 'examples', 'prometheus.yml'), 'utf8');
    expect(shown).toBe(file.slice(file.indexOf('global:')));
  });
});
