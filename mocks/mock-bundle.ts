/**
 * A mock's own contract bundle: read from its folder, with the endpoints pointed at where the mocks
 * actually listen, and compiled once so the mock can check its requests (and tests its answers).
 */
import { bundleOf, type BundleUpload, compileContract, type CompiledContract, EMPTY_CATALOGUE, readBundleDir } from '../contracts/index.ts';

/** The origin the bundles name; `npm start` and tests replace it with the mocks' real address. */
export const BUNDLE_ORIGIN = 'http://127.0.0.1:8091';

/** A bundle endpoint moved from the origin the bundles name to where the mocks really listen. */
export function rebaseEndpoint(url: string, origin: string): string {
  return url.startsWith(BUNDLE_ORIGIN) ? `${origin}${url.slice(BUNDLE_ORIGIN.length)}` : url;
}

export interface MockBundle {
  readonly upload: BundleUpload;
  readonly contract: CompiledContract;
}

export async function loadMockBundle(dir: string, origin = BUNDLE_ORIGIN, manifestFile?: string): Promise<MockBundle> {
  const read = await readBundleDir(dir, manifestFile);
  const manifest = read.manifest as { endpoints?: { url: string }[] };
  const endpoints = (manifest.endpoints ?? []).map((e) => ({ ...e, url: rebaseEndpoint(e.url, origin) }));
  const upload: BundleUpload = { manifest: { ...manifest, endpoints }, files: read.files };
  return { upload, contract: compileContract({ manifest: upload.manifest, bundle: bundleOf(upload), catalogue: EMPTY_CATALOGUE }) };
}
