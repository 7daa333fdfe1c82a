import type { ApiEvent, ApiEventMessage, ApiEventPayloads, Unsubscribe } from '../../shared/api';

/**
 * The events the main side pushes to the UI (API_EVENTS), typed by name. Use cases emit; the
 * shells subscribe once per window or socket and forward every message.
 */
export class UiEvents {
  private readonly listeners = new Set<(message: ApiEventMessage) => void>();

  /** Sends an event to every listener. */
  emit<K extends ApiEvent>(event: K, payload: ApiEventPayloads[K]): void {
    for (const listener of this.listeners) listener({ event, payload } as ApiEventMessage);
  }

  /** Listens to every event; returns the unsubscribe. */
  subscribe(listener: (message: ApiEventMessage) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
