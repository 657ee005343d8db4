/*
 * POST /collectd reads a bare application/json body by hand and scans its bytes; with a
 * charset parameter the same body goes through body-parser and JSON.parse. Both ways must
 * answer alike, status, body and what was recorded, including bodies the scanner hands
 * back (a byte order mark, invalid utf-8, malformed JSON).
 */
import * as scanner from '../../src/ingest/collectd-json-scan';
import request from '../helpers/api-request';
import { T0_SEC, testApp, visibleState } from '../helpers/test-app';

const T = (T0_SEC - 0.25).toFixed(3);
const LEAN_TYPE = 'application/json';
const PARSER_TYPE = 'application/json; charset=utf-8';

/** A value list as collectd writes it; `host` is raw JSON string content. */
function valueList(plugin: string, typeInstance: string, value: string, host = 'web-01'): string {
  return (
    `{"values":[${value}],"dstypes":["gauge"],"dsnames":["value"],"time":${T},"interval":1.000,` +
    `"host":"${host}","plugin":"${plugin}","plugin_instance":"","type":"percent","type_instance":"${typeInstance}"}`
  );
}

const READ = [valueList('cpu', 'idle', '80'), valueList('cpu', 'user', '20'), valueList('memory', 'used', '40.5')];
const READ_BODY = `[${READ.join(',')}]`;

async function answer(body: Buffer, type: string) {
  const { app } = testApp();
  // As bytes: superagent would otherwise serialize a Buffer as JSON.
  const res = await request(app)
    .post('/collectd')
    .set('Content-Type', type)
    .serialize((raw: unknown) => raw as string)
    .send(body);
  return { status: res.status, body: res.body as unknown, state: await visibleState(app, 'web-01') };
}

describe('POST /collectd, read by hand or by body-parser', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['a read as collectd sends it', READ_BODY, 204],
    ['only ignored value lists', `[${valueList('cpu', 'user', '20')}]`, 204],
    ['an empty array', '[]', 204],
    ['a byte order mark', `\xef\xbb\xbf${READ_BODY}`, 204],
    ['invalid utf-8 in an ignored string', `[${valueList('cpu', 'user', '20', 'web-\xff01')}]`, 204],
    ['invalid utf-8 in the host of a load', `[${valueList('memory', 'used', '20', 'web-\xff01')}]`, 400],
    ['a utf-8 host of a load', `[${valueList('memory', 'used', '20', 'w\xc3\xa9b')}]`, 400],
    ['a truncated utf-8 sequence at the end', `${READ_BODY}\xe2\x82`, 400],
    ['malformed JSON', READ_BODY.slice(0, -1), 400],
    ['only whitespace', ' \r\n', 400],
    ['a load over 100', `[${valueList('memory', 'used', '100.5')}]`, 400],
    ['two bad value lists', `[${valueList('memory', 'used', '-1')},${valueList('cpu', 'idle', '1', 'web 01')}]`, 400],
    ['a value list that is not an object', '[1]', 400],
  ])('%s: answers alike', async (_name, text, status) => {
    // Byte for byte: \xNN in the text is the byte NN.
    const body = Buffer.from(text, 'latin1');
    const scan = jest.spyOn(scanner, 'scanCollectdJson');
    const lean = await answer(body, LEAN_TYPE);
    expect(scan).toHaveBeenCalledTimes(1);
    scan.mockClear();
    const parsed = await answer(body, PARSER_TYPE);
    expect(scan).not.toHaveBeenCalled();
    expect(lean.status).toBe(status);
    expect(lean).toEqual(parsed);
  });

  it('records the read the same way both ways', async () => {
    const lean = await answer(Buffer.from(READ_BODY), LEAN_TYPE);
    expect(lean.status).toBe(204);
    expect(lean.state).toMatchObject({ hosts: [{ host: 'web-01', cpuload: 20, memload: 40.5 }] });
  });

  it('answers 400 naming the value list when the scanner hands the body back', async () => {
    const lean = await answer(Buffer.from(`[${valueList('memory', 'used', '100.5')}]`), LEAN_TYPE);
    expect(lean).toMatchObject({
      status: 400,
      body: { error: 'value list 1: memory/percent-used must be a number from 0 to 100, got 100.5; nothing was recorded' },
    });
  });
});
