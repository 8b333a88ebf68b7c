import type { MethodName } from '../contract/api.ts';
import type { Handlers } from './router.ts';

/** The handlers of one domain: every method whose name starts with `<prefix>.`. */
export type HandlersFor<P extends string> = Pick<Handlers, Extract<MethodName, `${P}.${string}`>>;
