'use strict';
// utf-8-validate's API (one function: is this buffer well-formed UTF-8?) on Node's own validator,
// so that no native addon is compiled at install time. See the README's Set-up for why it exists.
const { isUtf8 } = require('node:buffer');

if (typeof isUtf8 !== 'function') {
  // ws, its only caller, catches this and uses its own JavaScript validator.
  throw new Error('utf-8-validate (memtrace-ioc override) needs buffer.isUtf8: Node >= 18.14');
}

/** @param {Buffer | ArrayBuffer | ArrayBufferView} buffer @returns {boolean} */
module.exports = function isValidUTF8(buffer) {
  return isUtf8(buffer);
};
