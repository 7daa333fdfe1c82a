import { useSyncExternalStore } from 'react';

/**
 * A minimal observable state container: React components read it with `useStore(store, pick)`;
 * the controller writes with `set`. Big mutable data (label images, pixels) never lives here.
 */
export class Store<S extends object> {
  private state: S;
  private readonly listeners = new Set<() => void>();

  constructor(initial: S) {
    this.state = initial;
  }

  get(): S {
    return this.state;
  }

  set(patch: Partial<S>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/** Subscribes a component to one slice of the store (re-renders when the slice changes by ===). */
export function useStore<S extends object, T>(store: Store<S>, pick: (s: S) => T): T {
  return useSyncExternalStore(store.subscribe, () => pick(store.get()));
}
