import { dueCount, responseEnd, responseStatus } from '../../bench/open-loop';

describe("the open-loop generator's framing and schedule", () => {
  const response = (body: string, status = '200 OK') =>
    `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body}`;

  it('finds where each of two pipelined responses ends, by Content-Length', () => {
    const first = response('{"total":12.5}');
    const data = Buffer.from(first + response('{"error":"é"}', '400 Bad Request'));
    const end = responseEnd(data, 0);
    expect(end).toBe(first.length);
    expect(responseStatus(data, 0)).toBe(200);
    expect(responseEnd(data, end)).toBe(data.length);
    expect(responseStatus(data, end)).toBe(400);
  });

  it('says -1 while the headers or the body are incomplete', () => {
    const data = Buffer.from(response('{"total":12.5}'));
    expect(responseEnd(data.subarray(0, 30), 0)).toBe(-1);
    expect(responseEnd(data.subarray(0, data.length - 1), 0)).toBe(-1);
  });

  it('refuses a response it cannot frame', () => {
    expect(() => responseEnd(Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'), 0)).toThrow(/without Content-Length/);
  });

  it('counts the requests due: one at the start, then one every 1/rate', () => {
    expect(dueCount(-1, 1000)).toBe(0);
    expect(dueCount(0, 1000)).toBe(1);
    expect(dueCount(0.999, 1000)).toBe(1);
    expect(dueCount(1, 1000)).toBe(2);
    expect(dueCount(1000, 927)).toBe(928);
  });
});
