import type { LineageGraphInfo, LineageLocation } from '../../../shared/lineage-protocol';
import { DEFAULT_STATE, layout, type ViewState } from './layout';
import type { FromWebview, ToWebview } from './view';

export type { FromWebview, ToWebview } from './view';

/** What the message handler needs from its surroundings: the graph, and a way to open a place. */
export interface ViewHost {
  graph(): Promise<LineageGraphInfo>;
  open(location: LineageLocation): Promise<void>;
  post(message: ToWebview): void;
}

/**
 * The graph view's controller: keeps the view state, answers the webview's messages, and
 * re-renders when the state or the graph changes. Free of VS Code's API, so it is tested as is.
 */
export class GraphController {
  state: ViewState;

  constructor(
    private readonly host: ViewHost,
    initial: Partial<ViewState> = {},
  ) {
    this.state = { ...DEFAULT_STATE, ...initial };
  }

  /** Handles one message; ignores what it does not understand (a webview is not trusted input). */
  async receive(message: unknown): Promise<void> {
    const m = message as Partial<FromWebview> | null;
    if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
    switch (m.type) {
      case 'ready':
        this.resized(m.width, m.height);
        return this.render();
      case 'resize':
        // Only a change of shape changes the layout; a fitted graph scales with the view.
        if (!this.resized(m.width, m.height)) return;
        return this.render();
      case 'open': {
        if (typeof m.id !== 'string') return;
        const node = (await this.host.graph()).nodes.find((n) => n.id === m.id);
        if (node) await this.host.open(node.location);
        return;
      }
      case 'focus':
        this.state = {
          ...this.state,
          focus: typeof m.id === 'string' ? m.id : undefined,
          depth: typeof m.depth === 'number' && m.depth >= 1 && m.depth <= 10 ? m.depth : this.state.depth,
        };
        return this.render();
      case 'filter':
        this.state = {
          ...this.state,
          filter: typeof m.text === 'string' ? m.text.slice(0, 200) : '',
          hiddenKinds: Array.isArray(m.hiddenKinds)
            ? m.hiddenKinds.filter((k): k is string => typeof k === 'string')
            : [],
        };
        return this.render();
    }
  }

  /** Takes the view's shape from its size; true when the shape changed enough to lay out again. */
  private resized(width: unknown, height: unknown): boolean {
    if (
      typeof width !== 'number' ||
      typeof height !== 'number' ||
      !(width > 0) ||
      !(height > 0) ||
      !Number.isFinite(width / height)
    )
      return false;
    const ratio = width / height;
    const before = this.state.aspectRatio;
    if (before !== undefined && Math.abs(Math.log(ratio / before)) < Math.log(1.25)) return false;
    this.state = { ...this.state, aspectRatio: ratio };
    return true;
  }

  /** Lays out the current graph under the current state and sends it to the webview. */
  async render(): Promise<void> {
    try {
      this.host.post({ type: 'render', graph: await layout(await this.host.graph(), this.state) });
    } catch (err) {
      this.host.post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }
}
