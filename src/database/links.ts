// What a link field's .db value is, as dbParseLink tells: nothing, a constant (a number, an
// array, {const: …}) which record support loads at init, or a link to another PV or a JSON
// link type, which this IOC does not follow.

import type { JsonValue } from './db-file/ast';
import { parseDbNumber } from './dbf';
import type { LinkConstant } from './records/record-type';

export type LinkTarget = { kind: 'empty' } | { kind: 'constant'; value: LinkConstant } | { kind: 'link' };

export function classifyLink(value: JsonValue): LinkTarget {
  switch (value.kind) {
    case 'string':
    case 'number':
      if (value.text.trim() === '') return { kind: 'empty' };
      return parseDbNumber('DOUBLE', value.text).ok ? { kind: 'constant', value: value.text } : { kind: 'link' };
    case 'array':
      return { kind: 'constant', value: value.items.map(elementText) };
    case 'object': {
      const [member] = value.members;
      if (value.members.length !== 1 || member?.[0] !== 'const') return { kind: 'link' };
      const constant = member[1];
      return { kind: 'constant', value: constant.kind === 'array' ? constant.items.map(elementText) : elementText(constant) };
    }
    default:
      return { kind: 'link' };
  }
}

function elementText(value: JsonValue): string {
  return value.text;
}
