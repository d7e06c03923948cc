// A small XML reader for the files this project writes (Phoebus displays): elements, attributes
// and text, with comments and the declaration skipped. Not a general parser: no DTDs, no CDATA.

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** The element's own text, entities decoded, trimmed. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name]!);
}

export function parseXml(source: string): XmlElement {
  const token = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  for (const match of source.matchAll(token)) {
    const [whole, closing, opening, attributeText, selfClosing, text] = match;
    if (whole.startsWith('<!--') || whole.startsWith('<?')) continue;
    if (text !== undefined) {
      const top = stack[stack.length - 1];
      if (top) top.text += decode(text);
      else if (text.trim()) throw new Error(`text outside the root element: ${text.trim().slice(0, 40)}`);
      continue;
    }
    if (closing !== undefined) {
      const element = stack.pop();
      if (element?.name !== closing) throw new Error(`</${closing}> closes <${element?.name ?? 'nothing'}>`);
      element.text = element.text.trim();
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, name, value] of (attributeText ?? '').matchAll(/([\w:.-]+)="([^"]*)"/g)) attributes[name!] = decode(value!);
    const element: XmlElement = { name: opening!, attributes, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else if (root) throw new Error('a second root element');
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]!.name}> is not closed`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element under `element` (itself included), depth first. */
export function* descendants(element: XmlElement): Generator<XmlElement> {
  yield element;
  for (const child of element.children) yield* descendants(child);
}
