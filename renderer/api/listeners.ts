/** Listeners per event name: what every Transport keeps for `on`. */
export function createListenerMap() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  return {
    add(event: string, listener: (payload: unknown) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => {
        set.delete(listener);
      };
    },
    emit(event: string, payload: unknown): void {
      for (const listener of [...(listeners.get(event) ?? [])]) listener(payload);
    },
  };
}
