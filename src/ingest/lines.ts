/*
 * Line splitting, written once for every text format in ingest/ (NDJSON, InfluxDB line
 * protocol, collectd's PUTVAL commands): LF or CRLF, empty lines skipped but still counted,
 * so a line number in an error is the one an editor shows. No split(): a 10 MiB body would
 * become an array of strings before the first line is looked at.
 */

const LINE_FEED = '\n';
const CARRIAGE_RETURN = 13;

/**
 * Calls visit(start, end, index) for each non-empty line of `text`: the line is
 * text.slice(start, end) without its line break, index its 0-based position among all lines.
 * Stops early when visit returns false.
 */
export function forEachLine(text: string, visit: (start: number, end: number, index: number) => boolean | void): void {
  let lineStart = 0;
  for (let index = 0; lineStart <= text.length; index++) {
    let lineEnd = text.indexOf(LINE_FEED, lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const contentEnd = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === CARRIAGE_RETURN ? lineEnd - 1 : lineEnd;
    if (contentEnd > lineStart && visit(lineStart, contentEnd, index) === false) return;
    lineStart = lineEnd + 1;
  }
}
