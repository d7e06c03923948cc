/** True when `buffer` holds only well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF). */
declare function isValidUTF8(buffer: Buffer | ArrayBuffer | NodeJS.TypedArray | DataView): boolean;
export = isValidUTF8;
