// A consumer of the packed memtrace-ioc: both entry points, by value and by type. The pack check
// copies this file into one scratch project per module setting, type-checks it with TypeScript,
// and runs what it emits with Node.
import { PACKAGE_VERSION, startIoc, type StartIocOptions } from 'memtrace-ioc';
import * as tracing from 'memtrace-ioc/tracing';

const options: StartIocOptions = { prefix: 'CONSUMER:', protocols: { ca: false, pva: false } };
// The package's own types, not `any`: a wrong option is an error.
// @ts-expect-error prefix is a string
const wrong: StartIocOptions = { prefix: 5 };
const keyTypes: readonly tracing.KeyType[] = tracing.KEY_TYPES;

if (typeof startIoc !== 'function' || typeof tracing.takeSnapshot !== 'function' || !(tracing.Snapshot.prototype instanceof Object)) {
  throw new Error('memtrace-ioc: an entry point is missing its exports');
}
process.stdout.write(`memtrace-ioc ${PACKAGE_VERSION}: ${Object.keys(options).length + Object.keys(wrong).length} options, ${keyTypes.length} key types\n`);
