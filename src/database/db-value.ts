// A .db file's text for a field, checked and converted as dbPutString does it at load time.

import { isLink, parseDbNumber } from './dbf';
import type { Decoded } from './field-codec';
import { MENU_UNSET } from './menus';
import type { FieldSpec } from './records/field-spec';
import { utf8Length } from './text';

/** The stored data of `text` for a field; `devices` are the DTYP choices of the record type. */
export function parseFieldText(spec: FieldSpec, text: string, devices: readonly string[]): Decoded {
  switch (spec.dbf) {
    case 'NOACCESS':
      return { ok: false, reason: `field ${spec.name} cannot be set in a database file` };
    case 'STRING': {
      const size = spec.size ?? 0;
      if (utf8Length(text) >= size) return { ok: false, reason: `"${text}" is too long for ${spec.name} (at most ${size - 1} bytes)` };
      return { ok: true, data: text };
    }
    case 'MENU':
      return choiceOf(text, spec.menu?.choices ?? [], `menu ${spec.menu?.name ?? ''}`);
    case 'DEVICE':
      return choiceOf(text, devices, 'the device supports of this record type');
    default: {
      if (isLink(spec.dbf)) return { ok: true, data: text };
      const parsed = parseDbNumber(spec.dbf, text);
      return parsed.ok ? { ok: true, data: parsed.value } : { ok: false, reason: `${parsed.reason} (${spec.name} is DBF_${spec.dbf})` };
    }
  }
}

/** A choice by its label, or by its index as dbPutStringNum also accepts (65535 meaning unset). */
function choiceOf(text: string, choices: readonly string[], menuName: string): Decoded {
  const index = choices.indexOf(text);
  if (index >= 0) return { ok: true, data: index };
  const parsed = parseDbNumber('USHORT', text);
  if (parsed.ok && String(parsed.value) === text.trim() && (parsed.value < choices.length || parsed.value === MENU_UNSET)) {
    return { ok: true, data: parsed.value };
  }
  const listed = choices.length > 0 ? choices.map((choice) => `"${choice}"`).join(', ') : 'none';
  return { ok: false, reason: `"${text}" is not a choice of ${menuName} (${listed})` };
}
