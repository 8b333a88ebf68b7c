import type { MethodInput, MethodName, MethodOutput } from '../../core/contract/api.ts';
import type { AppErrorData, Result } from '../../core/contract/errors.ts';
import type { EventName, EventPayload } from '../../core/contract/events.ts';
import type { Transport } from '../../core/contract/transport.ts';

/** A failed call, as thrown by `call` (the `Result` form is `invoke`). */
export class ApiError extends Error {
  readonly data: AppErrorData;
  constructor(data: AppErrorData) {
    super(data.message);
    this.name = 'ApiError';
    this.data = data;
  }
}

export interface ApiClient {
  /** Resolves to a Result; never throws. */
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  /** Resolves to the value or throws an ApiError: convenient inside actions that report errors as toasts. */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  transport: Transport;
}

export function createApiClient(transport: Transport): ApiClient {
  return {
    transport,
    invoke: (method, input) => transport.invoke(method, input),
    async call(method, input) {
      const result = await transport.invoke(method, input);
      if (!result.ok) throw new ApiError(result.error);
      return result.value;
    },
    on: (event, listener) => transport.on(event, listener),
  };
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.data.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
