import { PVStructure, type ScalarValue } from '../../../../src/pva/protocol/codec/pv-structure';
import { scalar, structure, type ScalarType } from '../../../../src/pva/protocol/codec/type-descriptor';
import { parsePvRequest } from '../../../../src/pva/protocol/pv-request';
import { putOptions } from '../../../../src/pva/server/operations/get-put';

// How a PUT's record._options.process and block are read, as QSRV 2 reads them: pvxs
// ioc/singlesource.cpp onPut (doWait false unless block converts to true; no wait when process is
// false) and ioc/iocsource.cpp setForceProcessingFlag (a bool, an integer or "true"/"false"; the
// string "passive"; anything else ignored with a warning).

/** A pvRequest whose record._options hold `options`, each typed as given. */
function request(options: Record<string, [ScalarType, ScalarValue]>): PVStructure {
  const types = Object.fromEntries(Object.entries(options).map(([name, [type]]) => [name, scalar(type)]));
  const pv = new PVStructure(structure('', { record: structure('', { _options: structure('', types) }) }));
  pv.assign({ record: { _options: Object.fromEntries(Object.entries(options).map(([name, [, value]]) => [name, value])) } });
  return pv;
}

const optionsOf = (options: Record<string, [ScalarType, ScalarValue]>) => putOptions(parsePvRequest(request(options)));

describe('putOptions', () => {
  it('by default (pvxput with no -r): processed as dbPutField, answered at once', () => {
    expect(putOptions(parsePvRequest(null))).toEqual({ processing: 'passive', block: false });
    expect(optionsOf({})).toEqual({ processing: 'passive', block: false });
  });

  it('process: true, false and passive, as booleans, integers or strings', () => {
    expect(optionsOf({ process: ['boolean', true] }).processing).toBe('always');
    expect(optionsOf({ process: ['string', 'true'] }).processing).toBe('always');
    expect(optionsOf({ process: ['int', 1] }).processing).toBe('always');
    expect(optionsOf({ process: ['boolean', false] }).processing).toBe('never');
    expect(optionsOf({ process: ['string', 'false'] }).processing).toBe('never');
    expect(optionsOf({ process: ['int', 0] }).processing).toBe('never');
    expect(optionsOf({ process: ['string', 'passive'] }).processing).toBe('passive');
  });

  it('block: waits when true (Phoebus’s put with completion sends process="passive", block=true)', () => {
    expect(optionsOf({ process: ['string', 'passive'], block: ['boolean', true] })).toEqual({ processing: 'passive', block: true });
    expect(optionsOf({ block: ['string', 'true'] })).toEqual({ processing: 'passive', block: true });
    expect(optionsOf({ block: ['boolean', false] })).toEqual({ processing: 'passive', block: false });
    expect(optionsOf({ process: ['boolean', true], block: ['boolean', true] })).toEqual({ processing: 'always', block: true });
  });

  it('process=false does not wait, whatever block says: there is no processing to wait for', () => {
    expect(optionsOf({ process: ['boolean', false], block: ['boolean', true] })).toEqual({ processing: 'never', block: false });
  });

  it('a value an option cannot take counts as absent, and is listed for the warning', () => {
    const parsed = parsePvRequest(request({ process: ['string', 'sometimes'], block: ['string', 'yes'] }));
    expect(putOptions(parsed)).toEqual({ processing: 'passive', block: false });
    expect(parsed.invalidOptions).toEqual(['process', 'block']);
  });
});
