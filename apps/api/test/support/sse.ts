/** The events of a Server-Sent Events response, until it ends. */
export async function readEvents(url: string, key?: string): Promise<{ status: number; events: { event: string; data: any }[] }> {
  const res = await fetch(url, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
  const events: { event: string; data: any }[] = [];
  if (res.status !== 200) return { status: res.status, events };
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  return { status: res.status, events };
}
