import type { ArtifactRequest, ModelSource } from '../model-source';

/** Tests only: serves bytes built in-process, keyed by model and version, counting fetches. */
export class MemoryModelSource implements ModelSource {
  readonly fetches: ArtifactRequest[] = [];
  private models = new Map<string, Uint8Array>();

  put(model: string, version: number, bytes: Uint8Array): this {
    this.models.set(`${model}@${version}`, bytes);
    return this;
  }

  async fetch(req: ArtifactRequest): Promise<Uint8Array> {
    this.fetches.push(req);
    const bytes = this.models.get(`${req.model}@${req.version}`);
    if (!bytes) throw new Error(`${req.model} v${req.version}: not in the test source`);
    return bytes;
  }
}
