import type { HistoryController, HistorySnapshot } from '../history/history-controller.ts';

/** The device's history as the person sees it: a rune mirror of HistoryController. */
export class HistoryState {
  snapshot = $state.raw<HistorySnapshot>() as HistorySnapshot;

  constructor(private readonly controller: HistoryController) {
    this.snapshot = controller.snapshot;
    controller.subscribe((s) => (this.snapshot = s));
  }

  refresh(): Promise<void> {
    return this.controller.refresh();
  }

  open(id: string | null): Promise<void> {
    return this.controller.open(id);
  }

  delete(id: string): Promise<void> {
    return this.controller.delete(id);
  }

  deleteAll(): Promise<void> {
    return this.controller.deleteAll();
  }

  persist(): Promise<void> {
    return this.controller.persist();
  }
}
