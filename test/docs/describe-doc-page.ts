/*
 * One describe per page, one test per example block, run in page order against the page's
 * own servers, so state carries from one example to the next as it does for a reader.
 */
import { DocBlock } from './doc-examples';
import { outputMatches } from './doc-examples';
import { DocServers, runCommand } from './doc-runner';

export function describeDocPage(page: string, blocks: DocBlock[], redisUrl?: () => string | undefined): void {
  describe(page, () => {
    let servers: DocServers;
    beforeAll(() => {
      servers = new DocServers(redisUrl?.());
    });
    afterAll(() => servers.stopAll());

    for (const block of blocks) {
      it(`prints what the example at line ${block.line} shows`, async () => {
        const baseUrl = await servers.baseUrl(block);
        for (const command of block.commands) {
          const { exitCode, stdout, stderr } = await runCommand(command, baseUrl);
          if (exitCode !== 0 || !outputMatches(command.expected, stdout)) {
            throw new Error(
              `${page}:${command.line}: $ ${command.text}\nexit code ${exitCode}\n` +
                `--- shown in the page\n${command.expected}\n--- printed\n${stdout}\n--- stderr\n${stderr}`,
            );
          }
        }
      });
    }
  });
}
