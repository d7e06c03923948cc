import { END_MARK, formatValues, parseSaveFile, saveFileText, SAVE_FILE_VERSION } from '../../../../src/database/autosave/save-file';
import { textMatching } from '../../../helpers/matchers';

// synApps autosave's .sav format: the writer is save_restore.c write_it() (a '#' header, `PV value`
// lines with epicsStrPrintEscaped values, `@array@ { "…" }` arrays, `<END>` last), the reader
// dbrestore.c reboot_restore() (name, one separator, the rest; '#' and '!' lines skipped; a file
// without <END> is not used: save_restore.c check_file()).

const AT = new Date('2026-12-04T15:00:00.000Z');

describe('the .sav format', () => {
  it('writes a header with the version, one line per field, and <END> last', () => {
    const text = saveFileText(
      formatValues([
        { pv: 'A:T.HIHI', value: '95.5' },
        { pv: 'A:T.HSV', value: 'MAJOR' },
      ]),
      AT,
    );
    expect(text).toBe(
      `# ${SAVE_FILE_VERSION}\tAutomatically generated - DO NOT MODIFY - 2026-12-04T15:00:00.000Z\nA:T.HIHI 95.5\nA:T.HSV MAJOR\n${END_MARK}\n`,
    );
  });

  it('escapes what would break a line, and reads back every character', () => {
    const value = 'tab\there\nline "quoted" \\ back \'single\' \x01 café';
    const text = saveFileText(formatValues([{ pv: 'A:T.DESC', value }]), AT);
    expect(text.split('\n')[1]).toBe('A:T.DESC tab\\there\\nline \\"quoted\\" \\\\ back \\\'single\\\' \\x01 café');
    expect(parseSaveFile(text)).toEqual({ ok: true, values: [{ pv: 'A:T.DESC', value, line: 2 }], problems: [] });
  });

  it('keeps an empty value and leading spaces, as reboot_restore reads "%80s%c%[^\\n\\r]"', () => {
    const text = saveFileText(
      formatValues([
        { pv: 'A:T.DESC', value: '' },
        { pv: 'A:T.EGU', value: '  mm' },
      ]),
      AT,
    );
    expect(text).toContain('A:T.DESC \nA:T.EGU   mm\n');
    const read = parseSaveFile(text);
    expect(read.ok && read.values.map((v) => v.value)).toEqual(['', '  mm']);
  });

  it('writes and reads arrays as @array@ { "e0" "e1" }', () => {
    const text = saveFileText(
      formatValues([
        { pv: 'A:W.VAL', value: ['1', '2.5', 'a "b"'] },
        { pv: 'A:E.VAL', value: [] },
      ]),
      AT,
    );
    expect(text).toContain('A:W.VAL @array@ { "1" "2.5" "a \\"b\\"" }\nA:E.VAL @array@ { }\n');
    const read = parseSaveFile(text);
    expect(read.ok && read.values.map((v) => v.value)).toEqual([['1', '2.5', 'a "b"'], []]);
  });

  it("reads autosave's own files: DOS line ends, '!' and '#' lines, a name without a field meaning VAL", () => {
    const text = [
      '# autosave R5.10\tAutomatically generated - DO NOT MODIFY - 230101-120000',
      '! 1 channel(s) not connected - or not all gets were successful',
      '#A:OFF.HIHI 3',
      'A:SET 1.5',
      'A:T.LOW -2',
      '',
      '<END>',
      '',
    ].join('\r\n');
    expect(parseSaveFile(text)).toEqual({
      ok: true,
      values: [
        { pv: 'A:SET.VAL', value: '1.5', line: 4 },
        { pv: 'A:T.LOW', value: '-2', line: 5 },
      ],
      problems: [],
    });
  });

  it('refuses a file cut short (no <END> last), whatever it holds before', () => {
    const whole = saveFileText(formatValues([{ pv: 'A:T.HIHI', value: '95' }]), AT);
    for (const cut of [whole.slice(0, whole.indexOf(END_MARK)), whole.slice(0, -3), whole.slice(0, whole.indexOf('95'))]) {
      expect(parseSaveFile(cut)).toEqual({ ok: false, reason: textMatching(/cut short/) });
    }
  });

  it('refuses what is no save file: no header, NUL bytes, an empty file', () => {
    expect(parseSaveFile('A:T.HIHI 95\n<END>\n')).toEqual({ ok: false, reason: textMatching(/header/) });
    expect(parseSaveFile('# x\nA:T\0\0\0\n<END>\n')).toEqual({ ok: false, reason: textMatching(/NUL/) });
    expect(parseSaveFile('')).toEqual({ ok: false, reason: textMatching(/header/) });
  });

  it('leaves out a line it cannot read, naming it, and reads the rest', () => {
    const read = parseSaveFile('# x\nA:W.VAL @array@ { "1" "2"\nA:T.HIHI 95\n<END>\n');
    expect(read).toEqual({ ok: true, values: [{ pv: 'A:T.HIHI', value: '95', line: 3 }], problems: [expect.stringMatching(/^line 2: A:W\.VAL: the array/)] });
  });
});
