import { BrushTool } from './BrushTool';
import { FillTool } from './FillTool';
import { PickTool } from './PickTool';
import { PolygonTool } from './PolygonTool';
import type { Tool, ToolContext, ToolName } from './Tool';

/** A fresh tool of the given kind working on `ctx` (the document's history is not touched). */
export function createTool(name: ToolName, ctx: ToolContext): Tool {
  switch (name) {
    case 'brush':
    case 'eraser':
      return new BrushTool(name, ctx);
    case 'polygon':
      return new PolygonTool(ctx);
    case 'fill':
      return new FillTool(ctx);
    case 'pick':
      return new PickTool(ctx);
  }
}
